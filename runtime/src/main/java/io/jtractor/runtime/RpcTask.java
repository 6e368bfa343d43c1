package io.jtractor.runtime;

import io.jtractor.sc.CancelScope;
import io.jtractor.sc.Deadlines;
import io.jtractor.sc.Event;
import io.jtractor.wire.Uid;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A task started here by the peer's {@code cmd}, and the state machine that decides who answers a
 * {@code _cancel_task} aimed at it: the task itself, right after its last words, or the message
 * loop when the task has none left to send. A cancel's return never precedes the task's last
 * words. The writes that follow from these decisions are {@link CancelAnswers}'.
 *
 * <p>Threads: the message loop asks for an answer; the task's own thread writes its frames and
 * last words; the give-up timer's task may take over. The owed answer changes by compare-and-set
 * only; {@link #answerLock} orders the writes that depend on it.
 */
final class RpcTask {
  final String cid;
  final CancelScope scope = CancelScope.create();
  final Event done = new Event();
  /** Who asked for the cancel (the loop, or teardown); read by the task as it answers. */
  volatile Uid cancelRequester;
  /**
   * Set when the task is cancelled with all of its connection's or actor's tasks (the peer's
   * sentinel, a {@code self.cancel}, teardown), not by a {@code _cancel_task} of its own.
   */
  volatile boolean cancelledWithTheRest;
  /** The timer that answers a cancel if this task never stops; cancelled when it ends. */
  volatile Deadlines.Timer giveUpTimer;
  /**
   * Where the answer to a {@code _cancel_task} aimed at this task stands. Each transition is one
   * compare-and-set or get-and-set, named by the method that makes it:
   *
   * <pre>
   * RUNNING ──answerCancelAfterLastWords──▶ Owed ──beginLastWords──▶ SENDING_LAST_WORDS
   *    └────────────beginLastWords───────────────────────────────────▶ SENDING_LAST_WORDS
   * SENDING_LAST_WORDS ──answerCancelAfterLastWords──▶ Owed (answered right after the words)
   * any ──endLastWords──▶ FINISHED;  Owed ──giveUpWaiting──▶ FINISHED
   * </pre>
   *
   * So the cancel's return never precedes the task's last words: whoever moves an {@link Owed}
   * out of the state answers it.
   */
  private final AtomicReference<AnswerState> answer = new AtomicReference<>(Stage.RUNNING);

  /** The state of a task's cancel answer: a {@link Stage}, or a cancel {@link Owed}. */
  sealed interface AnswerState permits Stage, Owed {}

  /** The stages in which no cancel is owed. */
  enum Stage implements AnswerState {
    /** The task runs; no cancel asked for yet. */
    RUNNING,
    /** The task is writing its last words; a cancel that comes now is answered right after them. */
    SENDING_LAST_WORDS,
    /** The last words are out (or the bounded wait answered): the loop answers any later cancel. */
    FINISHED
  }

  /** A cancel the task must answer after its last words. */
  record Owed(String cancelCid) implements AnswerState {}

  /**
   * Held while deciding whether a cancel's functype is still to be sent and writing what follows
   * from that decision, so that no frame of the task, and no cancel's return, can pass a
   * functype that another thread claimed but has not written yet.
   */
  final ReentrantLock answerLock = new ReentrantLock();
  /**
   * The last cancel whose functype went out: the task's first frame after the cancel carries it,
   * or its last words, or the cancel's answer. Guarded by {@link #answerLock}.
   */
  private String cancelFunctypeSent;
  /**
   * Cancels that came while another was owed: their functype went out at once, their return
   * goes out with the owed one's (tractor's {@code _cancel_task} returns once the task is
   * complete). Guarded by {@link #answerLock}; null until the first.
   */
  private ArrayList<String> alsoOwed;

  /** Records a further cancel to answer with the owed one; the caller holds {@link #answerLock}. */
  void alsoOwe(String cancelCid) {
    if (alsoOwed == null) alsoOwed = new ArrayList<>(1);
    alsoOwed.add(cancelCid);
  }

  /** Takes the further cancels to answer now; the caller holds {@link #answerLock}. */
  List<String> takeAlsoOwed() {
    List<String> taken = alsoOwed == null ? List.of() : alsoOwed;
    alsoOwed = null;
    return taken;
  }

  RpcTask(String cid) {
    this.cid = cid;
  }

  /** The cancel this task is to answer, if one is owed and not yet answered; else null. */
  String owedCancel() {
    return answer.get() instanceof Owed o ? o.cancelCid() : null;
  }

  /**
   * Claims the sending of {@code cancelCid}'s functype: true once per cancel (a task owes at most
   * one answer at a time, so the cancels it answers come one after another). The caller holds
   * {@link #answerLock} until it has written what it decided.
   */
  boolean claimCancelFunctype(String cancelCid) {
    if (!answerLock.isHeldByCurrentThread()) throw new IllegalStateException("claim under answerLock");
    if (cancelCid.equals(cancelFunctypeSent)) return false;
    cancelFunctypeSent = cancelCid;
    return true;
  }

  /** The loop: asks this task to answer {@code cancelCid} after its last words; false if it cannot. */
  boolean answerCancelAfterLastWords(String cancelCid) {
    Owed owed = new Owed(cancelCid);
    return answer.compareAndSet(Stage.RUNNING, owed) || answer.compareAndSet(Stage.SENDING_LAST_WORDS, owed);
  }

  /** The task, about to write its last words: the cancel to answer in the same write, or null. */
  String beginLastWords() {
    return answer.getAndSet(Stage.SENDING_LAST_WORDS) instanceof Owed o ? o.cancelCid() : null;
  }

  /** The task, once its last words are out (or there are none): a cancel that came meanwhile, or null. */
  String endLastWords() {
    return answer.getAndSet(Stage.FINISHED) instanceof Owed o ? o.cancelCid() : null;
  }

  /** The bounded wait for a task that does not stop: takes over answering {@code cancelCid}. */
  boolean giveUpWaiting(String cancelCid) {
    AnswerState s = answer.get();
    return s instanceof Owed o && o.cancelCid().equals(cancelCid) && answer.compareAndSet(s, Stage.FINISHED);
  }
}
