package io.jtractor.runtime;

import io.jtractor.sc.Deadlines;
import io.jtractor.wire.Msg;
import io.jtractor.wire.Uid;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answers to {@code _cancel_task} on one {@link PeerChannel}, in tractor's order: the
 * cancel's functype, then the cancelled task's last words (e.g. its {@code ContextCancelled}),
 * then the cancel's return. The cancelled task sends all three in one write, so the message loop
 * reads on instead of waiting for it (a task slow to stop does not stall its connection), and the
 * canceller's side is woken once. A task that never stops is answered for after {@link
 * #cancelWait}. Who answers is decided by {@link RpcTask}'s state machine.
 *
 * <p>Threads: the message loop receives the cancels; each task's own thread sends its frames and
 * last words; a give-up task runs on the actor's service nursery. They meet only in a task's
 * {@link RpcTask} (compare-and-set state, and its {@code answerLock} around the writes).
 */
final class CancelAnswers {
  private static final Logger LOG = LoggerFactory.getLogger(PeerChannel.class);

  private final PeerChannel ch;
  /**
   * How long a cancelled task is waited for before its cancel is answered anyway, or teardown goes
   * on without it: a task stuck in code that ignores interrupts must not hang its actor ({@link
   * Tuning#cancelWait}).
   */
  final Duration cancelWait;
  private final Outbox outbox;
  private final Uid peer;

  CancelAnswers(PeerChannel ch) {
    this.ch = ch;
    this.outbox = ch.outbox;
    this.peer = ch.peer;
    this.cancelWait = ch.tuning.cancelWait();
  }

  /**
   * The loop's handling of {@code _cancel_task} {@code cancelCid} for task {@code t} (null if no
   * such task runs here): the task is cancelled and answers after its last words; if it has none
   * left, or another cancel is owed already, the answer goes out from here.
   */
  void cancelTask(RpcTask t, String cancelCid) {
    if (t != null) {
      t.cancelRequester = peer;
      boolean taskAnswers = t.answerCancelAfterLastWords(cancelCid);
      t.scope.cancel();
      if (taskAnswers) {
        answerIfTaskNeverStops(t, cancelCid);
        return;
      }
      t.answerLock.lock();
      try {
        if (t.owedCancel() != null) { // another cancel is owed: this one returns with it
          t.alsoOwe(cancelCid);
          outbox.sendQuietly(new Msg.Functype(cancelCid, Msg.ASYNCFUNC));
          return;
        }
      } finally {
        t.answerLock.unlock();
      }
    }
    // No such task, or it owes no answer: its last words are out, or the bounded wait gave up on
    // it (a task deaf to cancellation), so this cancel is answered at once.
    outbox.sendQuietly(new Msg.Functype(cancelCid, Msg.ASYNCFUNC), new Msg.Return(cancelCid, true));
  }

  /**
   * Sends a task's last messages and, in the same write, the answer to a {@code _cancel_task}
   * that asked to be answered with them. A cancel that arrives while the words are being written
   * is answered right after them.
   *
   * @throws IllegalArgumentException if msgpack cannot carry a message (then nothing was sent and
   *     nothing claimed: encoding comes first)
   */
  void sendLastWords(RpcTask task, Msg... msgs) {
    sendLastWords(task, outbox.encode(msgs));
  }

  /** {@link #sendLastWords(RpcTask, Msg...)} for last words encoded already. */
  void sendLastWords(RpcTask task, byte[][] frames) {
    task.answerLock.lock();
    try {
      String owed = task.beginLastWords();
      outbox.sendQuietly(owed == null ? frames : aroundCancelAnswer(task, owed, frames));
    } finally {
      task.answerLock.unlock();
    }
    String late = task.endLastWords();
    if (late != null) answerOwedCancel(task, late);
  }

  /** A task ends: a cancel it still owes (no last words went out) is answered now. */
  void answerStillOwed(RpcTask task) {
    String owed = task.endLastWords();
    if (owed != null) answerOwedCancel(task, owed);
  }

  /**
   * Sends the functype of a cancel the task owes, before the task's first frame after the cancel;
   * if another thread claimed it, waits until that thread has written it.
   *
   * @return whether a cancel was owed
   */
  boolean sendOwedCancelFunctype(RpcTask task) {
    if (task.owedCancel() == null) return false; // no cancel owed: nothing to precede (the usual case)
    task.answerLock.lock();
    try {
      String owed = task.owedCancel();
      if (owed != null && task.claimCancelFunctype(owed)) outbox.sendQuietly(new Msg.Functype(owed, Msg.ASYNCFUNC));
    } finally {
      task.answerLock.unlock();
    }
    return true;
  }

  /** Answers a {@code _cancel_task} the task owed, with no last words. */
  private void answerOwedCancel(RpcTask task, String cancelCid) {
    task.answerLock.lock();
    try {
      outbox.sendQuietly(aroundCancelAnswer(task, cancelCid, new byte[0][]));
    } finally {
      task.answerLock.unlock();
    }
  }

  /**
   * The frames that answer the cancel {@code owed} around the task's encoded {@code lastWords}:
   * its functype unless it is out already, the last words, its return, and the returns of the
   * further cancels that waited for it. The caller holds the task's {@code answerLock} until they
   * are written.
   */
  private byte[][] aroundCancelAnswer(RpcTask task, String owed, byte[][] lastWords) {
    List<String> extras = task.takeAlsoOwed();
    ArrayList<byte[]> frames = new ArrayList<>(lastWords.length + 2 + extras.size());
    if (task.claimCancelFunctype(owed)) frames.add(outbox.encode(new Msg.Functype(owed, Msg.ASYNCFUNC))[0]);
    Collections.addAll(frames, lastWords);
    frames.add(outbox.encode(new Msg.Return(owed, true))[0]);
    for (String extra : extras) frames.add(outbox.encode(new Msg.Return(extra, true))[0]);
    return frames.toArray(new byte[0][]);
  }

  /**
   * Bounds the wait for a cancelled task's answer, off the message loop: if the task has not
   * stopped within {@link #cancelWait} (code that ignores interrupts), the cancel is answered
   * anyway, with a warning. A timer, not a task waiting on the task's end, which would cost three
   * thread wake-ups per cancel competing with the task being cancelled (docs/design.md).
   */
  private void answerIfTaskNeverStops(RpcTask t, String cancelCid) {
    Runnable giveUp = () -> {
      if (!t.done.isSet() && t.giveUpWaiting(cancelCid)) {
        LOG.warn("a task of " + peer + " did not finish within " + cancelWait
            + " of being cancelled: answering the cancel anyway");
        answerOwedCancel(t, cancelCid);
      }
    };
    Runnable onTimer = () -> { // on the timer thread: the write, which may block, goes to the actor
      try {
        ch.actor.service().startSoon("cancel-give-up:" + t.cid, giveUp::run);
      } catch (RuntimeException stopping) {
        Log.CANCEL.debug("not answering a cancel of " + peer + ": the actor is stopping");
      }
    };
    Deadlines.Timer timer = Deadlines.after(cancelWait, onTimer);
    t.giveUpTimer = timer;
    if (t.done.isSet()) timer.cancel(); // it ended before the timer was recorded
  }
}
