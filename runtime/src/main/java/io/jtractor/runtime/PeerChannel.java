package io.jtractor.runtime;

import io.jtractor.AttributeError;
import io.jtractor.ConnectionLost;
import io.jtractor.ModuleNotExposed;
import io.jtractor.RemoteActorError;
import io.jtractor.TypeError;
import io.jtractor.sc.CancelScope;
import io.jtractor.sc.Cancelled;
import io.jtractor.sc.ClosedResourceError;
import io.jtractor.sc.EndOfChannel;
import io.jtractor.sc.Event;
import io.jtractor.sc.MemoryChannel;
import io.jtractor.sc.ReceiveChannel;
import io.jtractor.sc.Sc;
import io.jtractor.sc.SendChannel;
import io.jtractor.wire.Hello;
import io.jtractor.wire.Msg;
import io.jtractor.wire.Uid;
import io.jtractor.wire.WireChannel;
import io.jtractor.wire.WireException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to a peer actor, after the handshake: its message loop, the calls waiting for
 * answers on it, and the RPC tasks it started here. Prior art: tractor's {@code Channel} plus the
 * per-channel half of {@code Actor} ({@code _process_messages}, {@code _invoke}).
 *
 * <p>Only the message loop ({@link #runLoop()}) reads the socket, one reader thread at a time; a
 * reader may run a short call itself between two reads (see {@link InlineCallWatch}). It never
 * blocks on a slow consumer: replies go to per-call inboxes that it fills without waiting. Bad
 * input ends this channel only, with a log line; the actor keeps serving its others.
 *
 * <p>Threads: {@code runLoop} runs on one service task; {@link #send}, {@link #call} and the rest
 * from any thread.
 */
public final class PeerChannel {
  private static final Logger LOG = LoggerFactory.getLogger(PeerChannel.class);

  private final Actor actor;
  private final WireChannel wire;
  private final Uid peer;
  /**
   * Where messages for a cid go: a plain call's inbox ({@link SendChannel}) or a context's {@link
   * ContextLink}. Any thread.
   */
  private final ConcurrentHashMap<String, Object> inboxes = new ConcurrentHashMap<>();
  /** Set when this actor asked the peer to cancel itself ({@code Portal.cancelActor}). */
  private volatile boolean cancelCalled;
  /** Whether the peer's hello announced jtractor (it speaks credit flow control). */
  private final boolean peerIsJtractor;
  /** Whether the peer proved the tree secret in the handshake (every jtractor peer does). */
  private final boolean peerProven;
  /** Set once a {@code None} sentinel went out on this connection: one is never answered twice. */
  private volatile boolean sentinelSent;
  /** RPC tasks started by this channel, by cid. Any thread. */
  private final ConcurrentHashMap<String, RpcTask> rpcTasks = new ConcurrentHashMap<>();
  private final Event ended = new Event();
  /** A cid-less error the peer sent (its runtime failed, e.g. at boot); set once by the loop. */
  private volatile RemoteActorError peerFailure;

  /** A task started here by the peer's {@code cmd}. */
  static final class RpcTask {
    final String cid;
    final CancelScope scope = CancelScope.create();
    final Event done = new Event();
    volatile Uid cancelRequester;
    /**
     * Set when the task is cancelled with all of its connection's or actor's tasks (the peer's
     * sentinel, a {@code self.cancel}, teardown), not by a {@code _cancel_task} of its own.
     */
    volatile boolean cancelledWithTheRest;
    /** The timer that answers a cancel if this task never stops; cancelled when it ends. */
    volatile java.util.concurrent.Future<?> giveUpTimer;
    /**
     * Who answers a {@code _cancel_task} for this task. null: no cancel asked yet; a cid: the
     * cancel the task must answer after its last words (set by the message loop, by CAS from null
     * or from SENDING); {@link #SENDING}: the task is writing its last words; {@link #FINISHED}:
     * they are out, and a later cancel is answered by the loop (or by the bounded wait for a task
     * that never stops). So the cancel's return never precedes the task's last words.
     */
    private final java.util.concurrent.atomic.AtomicReference<String> cancelAnswer = new java.util.concurrent.atomic.AtomicReference<>();

    private static final String SENDING = new String("sending"); // compared by identity
    private static final String FINISHED = new String("finished"); // compared by identity

    /**
     * Held while deciding whether a cancel's functype is still to be sent and writing what follows
     * from that decision, so that no frame of the task, and no cancel's return, can pass a
     * functype that another thread claimed but has not written yet.
     */
    final java.util.concurrent.locks.ReentrantLock answerLock = new java.util.concurrent.locks.ReentrantLock();
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
    private java.util.ArrayList<String> alsoOwed;

    /** Records a further cancel to answer with the owed one; the caller holds {@link #answerLock}. */
    void alsoOwe(String cancelCid) {
      if (alsoOwed == null) alsoOwed = new java.util.ArrayList<>(1);
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
      String s = cancelAnswer.get();
      return isCid(s) ? s : null;
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
      return cancelAnswer.compareAndSet(null, cancelCid) || cancelAnswer.compareAndSet(SENDING, cancelCid);
    }

    /** The task, about to write its last words: the cancel to answer in the same write, or null. */
    String beginLastWords() {
      String owed = cancelAnswer.getAndSet(SENDING);
      return isCid(owed) ? owed : null;
    }

    /** The task, once its last words are out (or there are none): a cancel that came meanwhile, or null. */
    String endLastWords() {
      String late = cancelAnswer.getAndSet(FINISHED);
      return isCid(late) ? late : null;
    }

    /** The bounded wait for a task that does not stop: takes over answering {@code cancelCid}. */
    boolean giveUpWaiting(String cancelCid) {
      return cancelAnswer.compareAndSet(cancelCid, FINISHED);
    }

    private static boolean isCid(String state) {
      return state != null && state != SENDING && state != FINISHED;
    }
  }

  PeerChannel(Actor actor, WireChannel wire, Uid peer) {
    this.actor = actor;
    this.wire = wire;
    this.peer = peer;
    Hello hello = wire.peerHello();
    this.peerIsJtractor = hello != null && hello.capabilities().containsKey(Capabilities.JTRACTOR);
    this.peerProven = wire.peerAuthenticated();
  }

  /** The peer as authorization sees it: its uid, and whether it proved the tree secret. */
  Authorization.Caller caller() {
    return new Authorization.Caller(peer, peerProven);
  }

  /** The local actor's uid. */
  public Uid localUid() {
    return actor.uid();
  }

  /** Whether the peer is a jtractor actor (not a plain tractor one). */
  public boolean peerIsJtractor() {
    return peerIsJtractor;
  }

  /** Records that this actor asked the peer to cancel itself: its ContextCancelled are expected. */
  public void markCancelCalled() {
    cancelCalled = true;
  }

  /** Whether this actor asked the peer to cancel itself. */
  public boolean cancelCalled() {
    return cancelCalled;
  }

  /** The peer's uid (from the handshake). */
  public Uid peer() {
    return peer;
  }

  /** The underlying connection. */
  public WireChannel wire() {
    return wire;
  }

  /**
   * Ends this connection as tractor's portals do when they are done with it: the {@code None}
   * sentinel (the peer stops this channel's tasks), then close. Idempotent.
   */
  public void close() {
    if (isOpen()) {
      sentinelSent = true;
      sendQuietly(Msg.SENTINEL);
    }
    wire.close();
  }

  /** Whether the message loop is still running. */
  public boolean isOpen() {
    return !ended.isSet() && wire.isOpen();
  }

  /** Set when the message loop has ended. */
  public Event ended() {
    return ended;
  }

  /** The peer's runtime failure, if it sent one (a cid-less error), else null. */
  public RemoteActorError peerFailure() {
    return peerFailure;
  }

  // ----------------------------------------------------------------------------------------------
  // Sending and calling

  /**
   * Sends a message.
   *
   * @throws ConnectionLost if the connection is gone
   */
  public void send(Msg msg) {
    try {
      write(msg);
    } catch (WireException e) {
      throw new ConnectionLost("connection to " + peer + " is closed", e);
    }
  }

  /** Sends, ignoring a closed connection (replies whose caller has gone). */
  void sendQuietly(Msg... msgs) {
    sendQuietly(encode(msgs));
  }

  /** {@link #sendQuietly(Msg...)} for frames encoded already. */
  private void sendQuietly(byte[][] frames) {
    try {
      write(frames);
    } catch (WireException e) {
      Log.RUNTIME.debug("dropping a reply to " + peer + ": " + e.getMessage());
    }
  }

  /**
   * Encodes every message before any is written or queued, so an unencodable one fails the whole
   * send and leaves nothing half sent.
   *
   * @throws IllegalArgumentException if msgpack cannot carry a message
   */
  private static byte[][] encode(Msg... msgs) {
    byte[][] frames = new byte[msgs.length][];
    for (int i = 0; i < msgs.length; i++) frames[i] = io.jtractor.wire.Msgpack.encode(msgs[i].toWire());
    return frames;
  }

  /**
   * Writes under a shield: an interrupt that cancels the writing task would close the socket
   * (that is what an interrupted virtual thread does to a blocked write), killing the connection
   * for every other call on it. No deadline (a timer per write would cost a thread wake-up): a
   * write to a peer that never reads is ended by the actor closing its connections as it stops.
   */
  private void write(Msg... msgs) throws WireException {
    write(encode(msgs));
  }

  /** {@link #write(Msg...)} for frames encoded already: the one path every send but a burst takes. */
  private void write(byte[][] frames) throws WireException {
    if (writerActive && enqueueIfWriting(frames)) return; // keep the order behind queued items
    WireException[] failed = {null};
    InlineCallWatch.Run inline = InlineCallWatch.ownWriteBegins(); // a slow peer must not hold the reading
    try {
      Sc.shielded(
          s -> {
            try {
              wire.sendEncoded(frames);
            } catch (WireException e) {
              failed[0] = e;
            }
          });
    } finally {
      InlineCallWatch.ownWriteEnds(inline);
    }
    if (failed[0] != null) throw failed[0];
  }

  // ----------------------------------------------------------------------------------------------
  // Write-behind for stream bursts

  /** Guards {@link #outQueue} and the changes of {@link #writerActive}. */
  private final java.util.concurrent.locks.ReentrantLock outLock = new java.util.concurrent.locks.ReentrantLock();
  /** Encoded frames waiting for the writer task. Guarded by outLock. */
  private java.util.ArrayList<byte[]> outQueue = new java.util.ArrayList<>();
  /** Whether a writer task owns the queue; while it does, every send goes through the queue. */
  private volatile boolean writerActive;

  /**
   * Sends a stream item without waiting for the socket write: the frame is encoded here (so an
   * unencodable value fails the caller) and queued; one writer task writes everything queued in
   * one system call. A producer sending a burst thus pays a queue append per item instead of a
   * write (the write to loopback TCP also runs the receiving side's network stack, ~10 us here),
   * and the items leave in large segments. Order on the connection is kept: while the writer is
   * active, every other send queues behind it too.
   *
   * @throws ConnectionLost if the connection is gone
   * @throws IllegalArgumentException if msgpack cannot carry the message
   */
  public void sendBehind(Msg msg) {
    byte[] body = io.jtractor.wire.Msgpack.encode(msg.toWire());
    outLock.lock();
    try {
      if (ended.isSet() || !wire.isOpen()) throw new ConnectionLost("connection to " + peer + " is closed");
      outQueue.add(body);
      if (writerActive) return;
      writerActive = true;
    } finally {
      outLock.unlock();
    }
    try {
      actor.service().startSoon("writer:" + peer.name(), this::drainOutQueue);
    } catch (RuntimeException stopping) {
      drainOutQueue(); // the actor is stopping: write on this thread instead
    }
  }

  /** Queues encoded {@code frames} if the writer is active (checked under the lock); false if it is not. */
  private boolean enqueueIfWriting(byte[][] frames) {
    outLock.lock();
    try {
      if (!writerActive) return false;
      java.util.Collections.addAll(outQueue, frames);
      return true;
    } finally {
      outLock.unlock();
    }
  }


  /** The writer task: writes what is queued, batch after batch, until the queue is empty. */
  private void drainOutQueue() {
    while (true) {
      java.util.ArrayList<byte[]> batch;
      outLock.lock();
      try {
        if (outQueue.isEmpty()) {
          writerActive = false;
          return;
        }
        batch = outQueue;
        outQueue = new java.util.ArrayList<>();
      } finally {
        outLock.unlock();
      }
      byte[][] frames = batch.toArray(new byte[0][]);
      Sc.shielded(s -> {
        try {
          wire.sendEncoded(frames);
        } catch (WireException e) {
          Log.RUNTIME.debug("dropping " + frames.length + " queued frames to " + peer + ": " + e.getMessage());
          wire.close(); // the reader sees it and ends the loop: everyone waiting here is told
        }
      });
    }
  }

  /**
   * Registers a new cid and returns the inbox its messages will arrive in. The caller must {@link
   * #closeInbox} it when done.
   */
  public ReceiveChannel<Msg> openInbox(String cid) {
    MemoryChannel<Msg> ch = MemoryChannel.open(MemoryChannel.UNBOUNDED);
    if (inboxes.putIfAbsent(cid, ch.sender()) != null) {
      throw new IllegalStateException("cid already in use: " + cid);
    }
    if (ended.isSet()) {
      ch.sender().close(); // the loop is gone: the inbox ends at once
    }
    return ch.receiver();
  }

  public void closeInbox(String cid) {
    Object s = inboxes.remove(cid);
    if (s instanceof SendChannel<?> ch) ch.close();
  }

  /**
   * Opens the caller's side of a context or stream with a fresh cid (the caller sends the {@code
   * cmd}). The caller must {@link #forget} it when done.
   */
  public ContextLink openContextLink(String func) {
    String cid = newCid();
    ContextLink link = new ContextLink(this, cid, true, func, peerIsJtractor);
    inboxes.put(cid, link);
    if (ended.isSet()) link.connectionEnded();
    return link;
  }

  /** Stops routing messages to a context; later ones for its cid are dropped. */
  public void forget(ContextLink link) {
    if (inboxes.remove(link.cid(), link)) link.closed();
  }

  /** The error a peer sent, boxed, and recorded for the flight recorder. */
  RemoteActorError received(Msg.Error e) {
    RemoteActorError err = RemoteActorError.from(e.info(), peer);
    JfrEvents.remoteError(actor.uid(), peer, e.cid(), err.typeName(), err.getMessage());
    return err;
  }

  /**
   * Asks the peer to cancel itself ({@code self.cancel}) and waits at most {@code timeout} for its
   * answer, shielded: tractor's {@code Portal.cancel_actor}. Its {@code ContextCancelled} errors are
   * expected from then on.
   *
   * @return whether the peer confirmed in time
   */
  public boolean cancelPeer(Duration timeout) {
    Log.CANCEL.debug("actor {} asks {} to cancel itself", actor.uid(), peer);
    markCancelCalled();
    JfrEvents.CancelAcknowledged ack = JfrEvents.cancelRequested(actor.uid(), peer, null);
    boolean confirmed = Boolean.TRUE.equals(callShielded("self", "cancel", Map.of(), timeout));
    JfrEvents.cancelAnswered(ack, actor.uid(), peer, null, confirmed);
    return confirmed;
  }

  /**
   * A fresh call id: a random (version 4) UUID string, as tractor's. Drawn from {@link
   * java.util.concurrent.ThreadLocalRandom}, not {@code UUID.randomUUID()}'s {@code SecureRandom},
   * which reads the kernel's random device every other call under a lock: a cid only has to be
   * unique on its connection, and is no secret from the peer that could read it anyway.
   */
  public static String newCid() {
    java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
    long msb = (r.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long lsb = (r.nextLong() & ~(0x3L << 62)) | (0x2L << 62); // the IETF variant
    return new UUID(msb, lsb).toString();
  }

  /**
   * Calls {@code ns.func(**kwargs)} on the peer and waits for the result: tractor's {@code
   * Portal.run_from_ns}. If this task is cancelled while waiting, the remote task is asked to
   * cancel too (tractor leaves it running).
   *
   * @throws RemoteActorError if the remote function (or the call itself) failed
   * @throws ConnectionLost if the connection ends first
   */
  public Object call(String ns, String func, Map<String, Object> kwargs) {
    if ("self".equals(ns) && !peerIsJtractor && Capabilities.JTRACTOR_ONLY_SELF_METHODS.contains(func)) {
      throw new AttributeError("self." + func + " is jtractor's own: not sent to the tractor actor " + peer);
    }
    String cid = newCid();
    ReceiveChannel<Msg> inbox = openInbox(cid);
    boolean answered = false;
    try {
      long sent = System.nanoTime();
      send(new Msg.Cmd(ns, func, kwargs, actor.uid(), cid));
      Msg first = next(inbox, ns, func, answerSpinNanos());
      if (first instanceof Msg.Error e) {
        answered = true;
        throw received(e);
      }
      if (!(first instanceof Msg.Functype ft) || !Msg.ASYNCFUNC.equals(ft.kind())) {
        throw new IllegalStateException("expected functype 'asyncfunc' for " + ns + "." + func + ", got " + first);
      }
      Msg second = next(inbox, ns, func);
      answered = true;
      recordAnswerTime(System.nanoTime() - sent);
      return switch (second) {
        case Msg.Return r -> r.value();
        case Msg.Error e -> throw received(e);
        default -> throw new IllegalStateException("expected the return of " + ns + "." + func + ", got " + second);
      };
    } finally {
      closeInbox(cid);
      if (!answered && isOpen()) {
        requestTaskCancel(cid);
      }
    }
  }

  /**
   * Callers of plain calls spin (on a multi-CPU machine) while waiting for the answer if calls on
   * this connection lately came back within this long, for at most this long: the message loop
   * then hands the answer over without waking the caller's thread.
   */
  static final long SPIN_FOR_ANSWERS_WITHIN_NANOS = 200_000;

  /**
   * A running average of how long plain calls from here took to be answered (written by callers
   * on any thread; a lost update only blurs it). Starts high: no spinning until calls prove fast.
   */
  private volatile long recentAnswerNanos = Long.MAX_VALUE / 2;

  private long answerSpinNanos() {
    return recentAnswerNanos < SPIN_FOR_ANSWERS_WITHIN_NANOS ? SPIN_FOR_ANSWERS_WITHIN_NANOS : 0;
  }

  private void recordAnswerTime(long nanos) {
    long took = Math.min(nanos, 10 * SPIN_FOR_ANSWERS_WITHIN_NANOS);
    long avg = recentAnswerNanos;
    recentAnswerNanos = avg > took * 16 ? took : avg + (took - avg) / 4;
  }

  /** Receives the next message for a call, turning the end of the connection into an error. */
  Msg next(ReceiveChannel<Msg> inbox, String ns, String func) {
    return next(inbox, ns, func, 0);
  }

  private Msg next(ReceiveChannel<Msg> inbox, String ns, String func, long spinNanos) {
    try {
      return inbox.receiveSpinning(spinNanos);
    } catch (EndOfChannel e) {
      RemoteActorError f = peerFailure;
      if (f != null) throw f;
      throw new ConnectionLost("connection to " + peer + " ended while " + ns + "." + func + " was waiting for an answer");
    }
  }

  /** Fire-and-forget {@code self._cancel_task}: the caller has gone, the remote task should too. */
  private void requestTaskCancel(String cid) {
    sendQuietly(new Msg.Cmd("self", "_cancel_task", Map.of("cid", cid), actor.uid(), newCid()));
  }

  /**
   * Calls {@code ns.func} with a time limit, shielded from the caller's cancellation (for teardown).
   *
   * @return the result, or null if it did not answer in time or failed
   */
  public Object callShielded(String ns, String func, Map<String, Object> kwargs, Duration timeout) {
    Object[] out = {null};
    Sc.shielded(
        s -> {
          s.setRelativeDeadline(timeout);
          try {
            out[0] = call(ns, func, kwargs);
          } catch (RemoteActorError | ConnectionLost e) {
            Log.RUNTIME.debug(ns + "." + func + " on " + peer + " failed: " + e.getMessage());
          }
        });
    return out[0];
  }

  // ----------------------------------------------------------------------------------------------
  // The message loop

  /**
   * Reads and dispatches messages until the peer sends the sentinel, the connection ends, or a
   * frame is bad. Never throws for the peer's misbehaviour; on the way out it fails every call
   * still waiting here. Returns when the loop has ended, whichever thread ended it.
   *
   * <p>Leader/follower: the thread that reads a {@code cmd} is already awake, so it runs the call
   * itself — a short plain call without giving up the reading, any other after handing the
   * reading to another thread. The call's reply then goes out without waiting for another thread
   * to be woken, which is most of a round trip's cost here. Reading stays with exactly one thread
   * at a time: the loop is a relay of readers.
   */
  void runLoop() {
    readerLife(true);
  }

  /**
   * Passed from the reader to an idle ex-reader: "the socket is yours". Idle platform ex-readers
   * wait on the first, virtual ones on the second; the reading goes to a platform thread when one
   * is idle. Both are closed when the loop ends.
   */
  private final MemoryChannel<Boolean> readToken = MemoryChannel.open(0);
  private final MemoryChannel<Boolean> virtualReadToken = MemoryChannel.open(0);
  /** Threads taking part in the relay of readers, for choosing platform or virtual for a new one. */
  private final java.util.concurrent.atomic.AtomicInteger readers = new java.util.concurrent.atomic.AtomicInteger(1);
  /** Up to this many readers run on platform threads (the kernel wakes them directly). */
  private static final int PLATFORM_READERS = 4;

  /**
   * One reader thread's life in the relay: read until a call arrives, then either run it here and
   * read on (a plain call that recent calls on this connection suggest is short: no other thread
   * is woken, and {@link InlineCallWatch} takes the reading away if the call turns out long), or
   * pass the reading to an idle ex-reader (or a new one), run the call, and wait to read again.
   * Returns when the loop ends.
   */
  private void readerLife(boolean holdsToken) {
    boolean virtual = Thread.currentThread().isVirtual();
    try {
      while (true) {
        if (!holdsToken && (virtual ? virtualReadToken : readToken).receiver().receiveOrClosed() == null) {
          return; // the loop has ended
        }
        holdsToken = false;
        if (virtual && readToken.sender().trySend(Boolean.TRUE)) {
          // A platform ex-reader is idle: it reads instead. A virtual thread's socket read costs two
          // more thread wake-ups per message (the JDK's poller, then a carrier); measured, a virtual
          // reader that got the reading once kept it and did a fifth of an echo child's work.
          continue;
        }
        PreparedCall call = null;
        try {
          call = readUntilEndOrCall();
        } finally {
          if (call == null) endLoop(); // every way out but a hand-off ends the loop
        }
        if (call == null) {
          return;
        }
        if (call.isPlain() && recentCallNanos < INLINE_IF_SHORTER_THAN_NANOS) {
          InlineCallWatch.Run run = InlineCallWatch.begin(this::handOffLongCall);
          boolean stillReader = false;
          boolean completed = false;
          try {
            runCall(call);
            // A stray interrupt left by user code must not reach the socket read (it would close
            // the connection on a virtual thread); a real cancellation of this reader still ends it.
            if (Thread.interrupted()) Sc.checkpointIfCancelled();
            completed = true;
          } finally {
            stillReader = run.finish();
            InlineCallWatch.end(run);
            if (!completed && stillReader) endLoop(); // this reader dies holding the reading: no one else has it
          }
          holdsToken = stillReader; // else the watch passed the reading on: wait for a turn
          continue;
        }
        passReading();
        runCall(call);
      }
    } finally {
      readers.decrementAndGet();
    }
  }

  /**
   * Plain calls are run by the reader itself while calls on this connection have lately taken less
   * than this. A short call then costs no thread wake-up; a long one would keep the connection
   * unread until {@link InlineCallWatch} hands it over, so long calls are handed over at once.
   */
  static final long INLINE_IF_SHORTER_THAN_NANOS = 100_000;

  /**
   * A running average of how long plain calls on this connection took (updated by whichever thread
   * ran one; a lost update only blurs the average).
   */
  private volatile long recentCallNanos;

  private void runCall(PreparedCall call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.error("an RPC on " + peer + " failed inside the runtime", e);
    }
  }

  /**
   * Records how long a plain call's function ran. Only the function: the reply's write is ours and
   * short, but on a busy CPU it often lets the woken peer run first (measured pinned to one CPU:
   * timing the write too sent echo calls the slow way, hopping between four reader threads).
   */
  private void recordCallTime(long nanos) {
    long took = Math.min(nanos, 10 * INLINE_IF_SHORTER_THAN_NANOS);
    long avg = recentCallNanos;
    recentCallNanos = avg + (took - avg) / 4;
  }

  /**
   * The watch's hand-off of a call that ran too long on the reader: the next plain calls on this
   * connection go to another thread at once until their running average says they are short again.
   */
  private void handOffLongCall() {
    recentCallNanos = 10 * INLINE_IF_SHORTER_THAN_NANOS;
    passReading();
  }

  /** Gives the reading to an idle ex-reader, or to a new reader if none is idle. */
  private void passReading() {
    if (!readToken.sender().trySend(Boolean.TRUE) && !virtualReadToken.sender().trySend(Boolean.TRUE)) {
      startReader();
    }
  }

  private void startReader() {
    int n = readers.incrementAndGet();
    try {
      if (n <= PLATFORM_READERS) {
        actor.service().startSoonOnPlatformThread("conn:" + peer.name(), () -> readerLife(true));
      } else {
        actor.service().startSoon("conn:" + peer.name(), () -> readerLife(true));
      }
    } catch (RuntimeException closing) {
      readers.decrementAndGet();
      endLoop(); // no one can read on: the actor is stopping
    }
  }

  /**
   * Reads and dispatches until the loop must end (returns null) or a call arrived for this reader
   * to run (returns it; the caller decides whether to pass the reading on first).
   */
  private PreparedCall readUntilEndOrCall() {
    try {
      while (true) {
        Msg msg = wire.receive();
        switch (msg) {
          case Msg.Sentinel s -> {
            Log.RUNTIME.debug(peer + " sent the sentinel: stopping its tasks");
            cancelRpcTasks(null);
            if (!sentinelSent) { // answered in kind, as tractor's connection handler does
              sentinelSent = true;
              sendQuietly(Msg.SENTINEL);
            }
            return null;
          }
          case Msg.Cmd cmd -> {
            if ("self".equals(cmd.ns())) {
              if (!RUNTIME_METHODS.contains(cmd.func())) {
                PreparedCall call = prepareSelfCall(cmd);
                if (call != null) return call;
              } else if (!handleSelf(cmd)) {
                return null;
              }
            } else {
              PreparedCall call = prepareCall(cmd);
              if (call != null) {
                return call;
              }
            }
          }
          case Msg.Error e when e.cid() == null -> {
            peerFailure = received(e);
            LOG.warn("actor " + peer + " reported a runtime failure: " + e.info().typeStr());
            return null;
          }
          case Msg.Other o -> Log.RUNTIME.debug("ignoring a message from " + peer + " with no known kind");
          default -> route(msg);
        }
      }
    } catch (WireException.TransportClosed e) {
      Log.RUNTIME.debug("connection to " + peer + " closed: " + e.getMessage());
    } catch (WireException e) {
      LOG.warn("closing the connection to " + peer + ": " + e.getMessage());
    } catch (IllegalStateException closing) {
      Log.RUNTIME.debug("stopped reading from " + peer + ": the actor is shutting down");
    } catch (RuntimeException e) {
      // A bug of ours, or a message we could not handle: it ends this channel, never the actor.
      LOG.error("closing the connection to " + peer + " after an internal error", e);
    }
    return null;
  }

  private boolean endLoop() {
    if (ended.isSet()) return true;
    ended.set();
    wire.close();
    readToken.sender().close(); // idle ex-readers wake and leave
    virtualReadToken.sender().close();
    for (Object inbox : List.copyOf(inboxes.values())) {
      if (inbox instanceof SendChannel<?> ch) ch.close();
      else if (inbox instanceof ContextLink link) link.connectionEnded();
    }
    return true;
  }

  @SuppressWarnings("unchecked")
  private void route(Msg msg) {
    Object target = inboxes.get(msg.cid());
    if (target instanceof ContextLink link) {
      link.deliver(msg);
      return;
    }
    SendChannel<Msg> inbox = (SendChannel<Msg>) target;
    boolean delivered = false;
    if (inbox != null) {
      try {
        // trySend: never blocks (the inbox is unbounded) and is no checkpoint, so a cancellation
        // of the reader cannot strike between taking a frame and delivering it.
        delivered = inbox.trySend(msg);
      } catch (ClosedResourceError | io.jtractor.sc.BrokenResourceError raced) {
        // the call finished and closed its inbox between our lookup and the send
      }
    }
    if (!delivered) {
      Log.RUNTIME.debug("ignoring a message from " + peer + " for an unknown cid " + msg.cid());
    }
  }

  /**
   * Resolves a call and registers it (before the next message is read, so a later {@code
   * _cancel_task} always finds it).
   *
   * @return the call to run, or null if it was refused (the error has been sent)
   */
  private PreparedCall prepareCall(Msg.Cmd cmd) {
    String cid = cmd.cid();
    Modules.Target target;
    Object[] args;
    try {
      target = actor.modules().resolve(cmd.ns(), cmd.func());
      args = target.bind(cmd.kwargs());
    } catch (ModuleNotExposed | AttributeError | TypeError e) {
      // As tractor: refused before it started, so no functype precedes the error.
      sendQuietly(new Msg.Error(cid, ErrorBoxing.pack(e, actor.uid())));
      return null;
    }
    RpcTask task = new RpcTask(cid);
    ContextLink link = null;
    boolean functypeSent = false;
    if (!target.isLinked() && !peerIsJtractor) {
      // tractor sends a plain call's functype as it starts it, before reading on; a jtractor
      // caller gets it with the outcome, in one write (nothing waits on it alone).
      sendQuietly(functype(cid));
      functypeSent = true;
    }
    if (target.isLinked()) {
      // Registered before the next message is read: the caller's stream items may follow at once.
      link = new ContextLink(this, cid, false, cmd.func(), peerIsJtractor);
      link.beforeEachSend(() -> sendOwedCancelFunctype(task));
      if (target.injection() != null) args[0] = target.injection().view().apply(link);
      inboxes.put(cid, link);
    }
    rpcTasks.put(cid, task);
    return new PreparedCall(cmd, target, args, task, link, functypeSent);
  }

  /** A resolved, registered call, ready to run. */
  private final class PreparedCall implements Runnable {
    private final Msg.Cmd cmd;
    private final Modules.Target target;
    private final Object[] args;
    private final RpcTask task;
    private final ContextLink link;
    /** The work of a {@code self} method, or null for a call of an exposed function. */
    private final java.util.concurrent.Callable<Object> selfBody;
    /** Whether a plain call's functype went out already (to a tractor peer, as it started). */
    private final boolean functypeSent;

    PreparedCall(Msg.Cmd cmd, Modules.Target target, Object[] args, RpcTask task, ContextLink link, boolean functypeSent) {
      this.cmd = cmd;
      this.target = target;
      this.args = args;
      this.task = task;
      this.link = link;
      this.selfBody = null;
      this.functypeSent = functypeSent;
    }

    PreparedCall(Msg.Cmd cmd, java.util.concurrent.Callable<Object> selfBody, RpcTask task) {
      this.cmd = cmd;
      this.target = null;
      this.args = null;
      this.task = task;
      this.link = null;
      this.selfBody = selfBody;
      this.functypeSent = false;
    }

    /** Whether this is a plain call of a plain function (no context, stream, self method or future to await). */
    boolean isPlain() {
      return selfBody == null && link == null && target.shape() == Modules.Target.Shape.PLAIN;
    }

    @Override
    public void run() {
      if (selfBody != null) {
        // tractor answers runtime methods with functype at once; wait_for_actor may block long.
        sendQuietly(functype(cmd.cid()));
        runRpc(cmd, selfBody, task, true);
      } else if (link == null) {
        runRpc(cmd, () -> {
          long t0 = System.nanoTime();
          try {
            return ForeignCalls.invoke(actor, target, args, null);
          } finally {
            recordCallTime(System.nanoTime() - t0);
          }
        }, task, functypeSent);
      }
      else runLinked(cmd, target, args, task, link);
    }
  }

  private static Msg.Functype functype(String cid) {
    return new Msg.Functype(cid, Msg.ASYNCFUNC);
  }

  /**
   * Runs one plain call and sends its {@code functype} together with the outcome, in one write:
   * tractor's order (functype first) is kept, and the caller's side is woken once instead of
   * twice. For a plain call nothing waits on the functype alone (a caller, tractor's included,
   * reads it and then waits for the result), so sending it late costs nothing; contexts and
   * streams, whose functype is followed by traffic before the result, send it at once.
   */
  private void runRpc(Msg.Cmd cmd, java.util.concurrent.Callable<Object> body, RpcTask task, boolean functypeSent) {
    String cid = cmd.cid();
    try {
      Object value;
      try {
        value = task.scope.call(s -> body.call());
      } catch (Cancelled c) {
        // The whole actor is going down: tell a jtractor caller instead of going silent (a tractor
        // caller expects nothing, as tractor sends).
        if (peerIsJtractor) {
          reply(task, functypeSent, new Msg.Error(cid, ErrorBoxing.contextCancelled(
              cmd.func() + "() was cancelled: its actor is shutting down", actor.uid(), actor.cancelRequester())));
        }
        throw c;
      } catch (Throwable t) {
        Log.RUNTIME.debug("RPC " + cmd.ns() + "." + cmd.func() + " failed", t);
        reply(task, functypeSent, new Msg.Error(cid, packSafely(t)));
        return;
      }
      if (task.scope.cancelledCaught()) {
        // A tractor caller whose call was cancelled with the rest (its sentinel, a self.cancel)
        // gets nothing for it, as from tractor; its functype went out when the call started.
        if (!peerIsJtractor && task.cancelledWithTheRest) return;
        // Better than the reference commit, which sends nothing for a cancelled plain call.
        Uid by = task.cancelRequester;
        reply(task, functypeSent, new Msg.Error(cid, ErrorBoxing.contextCancelled(
            cmd.func() + "() was remotely cancelled by " + (by == null ? "its caller" : by.pythonRepr()), actor.uid(), by)));
        return;
      }
      try {
        reply(task, functypeSent, new Msg.Return(cid, value));
      } catch (IllegalArgumentException unencodable) {
        reply(task, functypeSent, new Msg.Error(cid, packSafely(unencodable)));
      }
    } finally {
      finishTask(task);
    }
  }

  /** Sends a plain call's outcome, preceded by its functype unless that was sent already. */
  private void reply(RpcTask task, boolean functypeSent, Msg outcome) {
    if (functypeSent) sendLastWords(task, outcome);
    else sendLastWords(task, functype(outcome.cid()), outcome);
  }

  /**
   * Sends a task's last messages and, in the same write, the answer to a {@code _cancel_task}
   * that asked to be answered with them (the capture's order, frames C1.24-26: the cancel's
   * functype, the cancelled task's last words, the cancel's return). The message loop thus never
   * waits for a cancelled task, and the canceller's side is woken once for all three. A cancel
   * that arrives while the words are being written is answered right after them.
   *
   * @throws IllegalArgumentException if msgpack cannot carry a message (then nothing was sent and
   *     nothing claimed: encoding comes first)
   */
  private void sendLastWords(RpcTask task, Msg... msgs) {
    byte[][] frames = encode(msgs);
    task.answerLock.lock();
    try {
      String owed = task.beginLastWords();
      sendQuietly(owed == null ? frames : aroundCancelAnswer(task, owed, frames));
    } finally {
      task.answerLock.unlock();
    }
    String late = task.endLastWords();
    if (late != null) answerOwedCancel(task, late);
  }

  /** Answers a {@code _cancel_task} the task owed, with no last words. */
  private void answerOwedCancel(RpcTask task, String cancelCid) {
    task.answerLock.lock();
    try {
      sendQuietly(aroundCancelAnswer(task, cancelCid, new byte[0][]));
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
  private static byte[][] aroundCancelAnswer(RpcTask task, String owed, byte[][] lastWords) {
    List<String> extras = task.takeAlsoOwed();
    java.util.ArrayList<byte[]> frames = new java.util.ArrayList<>(lastWords.length + 2 + extras.size());
    if (task.claimCancelFunctype(owed)) frames.add(encode(new Msg.Functype(owed, Msg.ASYNCFUNC))[0]);
    java.util.Collections.addAll(frames, lastWords);
    frames.add(encode(new Msg.Return(owed, true))[0]);
    for (String extra : extras) frames.add(encode(new Msg.Return(extra, true))[0]);
    return frames.toArray(new byte[0][]);
  }

  /**
   * Sends the functype of a cancel the task owes, before the task's first frame after the cancel;
   * if another thread claimed it, waits until that thread has written it.
   */
  private void sendOwedCancelFunctype(RpcTask task) {
    if (task.owedCancel() == null) return; // no cancel owed: nothing to precede (the usual case)
    task.answerLock.lock();
    try {
      String owed = task.owedCancel();
      if (owed != null && task.claimCancelFunctype(owed)) sendQuietly(new Msg.Functype(owed, Msg.ASYNCFUNC));
    } finally {
      task.answerLock.unlock();
    }
  }

  /** Answers a {@code _cancel_task} at once: functype, return. */
  private void answerCancel(String cancelCid) {
    sendQuietly(new Msg.Functype(cancelCid, Msg.ASYNCFUNC), new Msg.Return(cancelCid, true));
  }

  /** Ends a task: answers a cancel still owed (no last words went out), then marks it done. */
  private void finishTask(RpcTask task) {
    String owed = task.endLastWords();
    if (owed != null) answerOwedCancel(task, owed);
    rpcTasks.remove(task.cid, task);
    task.done.set();
    java.util.concurrent.Future<?> timer = task.giveUpTimer;
    if (timer != null) timer.cancel(false);
  }

  /**
   * Runs a context function or a streaming function (tractor's {@code @context} and async
   * generators): {@code functype} at once, then whatever the function sends, then its outcome —
   * {@code return} (context) or {@code stop} (stream) — or its error. A cancelled context answers
   * {@code ContextCancelled} naming who cancelled it; a cancelled stream sends {@code stop}.
   */
  private void runLinked(Msg.Cmd cmd, Modules.Target target, Object[] args, RpcTask task, ContextLink link) {
    String cid = cmd.cid();
    boolean isContext = Msg.CONTEXT.equals(target.functype());
    try {
      sendQuietly(new Msg.Functype(cid, target.functype()));
      link.bindScope(task.scope);
      Object value = null;
      Throwable failure = null;
      try {
        value = task.scope.call(s -> ForeignCalls.invoke(actor, target, args, link));
      } catch (Cancelled c) {
        // The whole actor is going down.
        link.closeStream();
        sendLastWords(task, isContext
            ? new Msg.Error(cid, ErrorBoxing.contextCancelled(
                describe(cmd) + " was cancelled: its actor is shutting down", actor.uid(), actor.cancelRequester()))
            : new Msg.Stop(cid));
        throw c;
      } catch (Throwable t) {
        failure = t;
      }
      if (failure == null && task.scope.cancelledCaught()) {
        link.closeStream();
        RemoteActorError remote = link.remoteError();
        if (remote != null && !(remote instanceof io.jtractor.ContextCancelled)) {
          failure = remote; // e.g. a StreamOverrun the peer answered: pass it back, boxed again
        } else if (!isContext) {
          sendLastWords(task, new Msg.Stop(cid));
          return;
        } else {
          sendLastWords(task, new Msg.Error(cid, cancelledBody(cmd, task, link)));
          return;
        }
      }
      if (failure != null) {
        Log.RUNTIME.debug("RPC " + cmd.ns() + "." + cmd.func() + " failed", failure);
        link.closeStream();
        sendLastWords(task, new Msg.Error(cid, packSafely(failure)));
        return;
      }
      link.closeStream();
      try {
        sendLastWords(task, isContext ? new Msg.Return(cid, value) : new Msg.Stop(cid));
      } catch (IllegalArgumentException unencodable) {
        sendLastWords(task, new Msg.Error(cid, packSafely(unencodable)));
      }
    } finally {
      forget(link);
      finishTask(task);
    }
  }

  private String describe(Msg.Cmd cmd) {
    return "`" + cmd.func() + "()`@" + actor.uid().pythonRepr();
  }

  /** tractor's ContextCancelled for a callee, naming who cancelled it (itself included). */
  private io.jtractor.wire.ErrorInfo cancelledBody(Msg.Cmd cmd, RpcTask task, ContextLink link) {
    Uid by;
    String how;
    if (link.cancelCalled()) {
      by = actor.uid();
      how = " cancelled itself";
    } else {
      by = task.cancelRequester != null ? task.cancelRequester : link.cancelledByRemote();
      how = " was remotely cancelled by "
          + (by == null ? "an unknown actor" : by.equals(peer) ? "its caller " + by.pythonRepr() : "remote actor " + by.pythonRepr());
    }
    return ErrorBoxing.contextCancelled(describe(cmd) + how, actor.uid(), by);
  }

  /** Boxes an error; an error that cannot even be described is boxed as that. */
  private io.jtractor.wire.ErrorInfo packSafely(Throwable t) {
    try {
      return ErrorBoxing.pack(t, actor.uid());
    } catch (RuntimeException broken) {
      return io.jtractor.wire.ErrorInfo.of(
          "a " + t.getClass().getName() + " that could not be described: " + broken, t.getClass().getSimpleName(), actor.uid());
    }
  }

  /** The {@code self} namespace: the runtime methods tractor peers call. */
  private boolean handleSelf(Msg.Cmd cmd) {
    String cid = cmd.cid();
    switch (cmd.func()) {
      case "cancel" -> {
        Authorization.Caller who = caller();
        if (!actor.authorization().mayCancel(who)) {
          String why = actor.authorization().cancelRefusal(who);
          LOG.warn(why);
          sendQuietly(new Msg.Error(cid, ErrorBoxing.pack(new SecurityException(why), actor.uid())));
          return true;
        }
        Log.CANCEL.debug("{} asked actor {} to cancel itself", peer, actor.uid());
        sendQuietly(new Msg.Functype(cid, Msg.ASYNCFUNC));
        actor.cancelRuntime(peer);
        // Gone from the registry before the canceller hears back: once cancelActor() returns,
        // nobody finds this actor by name any more.
        actor.unregisterNow();
        sendQuietly(new Msg.Return(cid, true));
        actor.cancelService();
        return false;
      }
      case "_cancel_task" -> {
        if (!(cmd.kwargs().get("cid") instanceof String target)) {
          sendQuietly(new Msg.Error(cid, ErrorBoxing.pack(new TypeError("_cancel_task() needs a 'cid' string"), actor.uid())));
          return true;
        }
        // As in the reference capture (frames C1.24-26): the cancel's functype, then the cancelled
        // task's last words (e.g. its ContextCancelled), then the cancel's return. The task sends
        // all three in one write (sendLastWords), so this loop reads on instead of waiting for it
        // (a task slow to stop does not stall its connection) and the canceller's side is woken
        // once, not once for the functype and again for the rest.
        Log.CANCEL.debug("{} cancels task {} of actor {}", peer, target, actor.uid());
        RpcTask t = rpcTasks.get(target);
        if (t != null) {
          t.cancelRequester = peer;
          boolean taskAnswers = t.answerCancelAfterLastWords(cid);
          t.scope.cancel();
          if (taskAnswers) {
            answerIfTaskNeverStops(t, cid);
            return true;
          }
          t.answerLock.lock();
          try {
            if (t.owedCancel() != null) { // another cancel is owed: this one returns with it
              t.alsoOwe(cid);
              sendQuietly(new Msg.Functype(cid, Msg.ASYNCFUNC));
              return true;
            }
          } finally {
            t.answerLock.unlock();
          }
        }
        // No such task, or it owes no answer: its last words are out, or the bounded wait gave up
        // on it (a task deaf to cancellation), so this cancel is answered at once.
        answerCancel(cid);
        return true;
      }
      default -> throw new IllegalStateException("not a runtime method: " + cmd.func());
    }
  }

  /**
   * Bounds the wait for a cancelled task's answer, off the message loop: if the task has not
   * stopped within {@link #CANCEL_WAIT} (code that ignores interrupts), the cancel is answered
   * anyway, with a warning, as the loop itself used to after waiting.
   */
  private void answerIfTaskNeverStops(RpcTask t, String cancelCid) {
    // A timer, not a task waiting on the task's end: starting a thread, arming its deadline and
    // waking it when the task ends cost three thread wake-ups per cancel, all competing for a CPU
    // with the very task being cancelled (measured: Context.cancel() p50 ~540-740 us unpinned,
    // of which ~100 us between the cancel and the task waking up).
    Runnable giveUp = () -> {
      if (!t.done.isSet() && t.giveUpWaiting(cancelCid)) {
        LOG.warn("a task of " + peer + " did not finish within " + CANCEL_WAIT
            + " of being cancelled: answering the cancel anyway");
        answerOwedCancel(t, cancelCid);
      }
    };
    Runnable onTimer = () -> { // on a common-pool thread: the write, which may block, goes to the actor
      try {
        actor.service().startSoon("cancel-give-up:" + t.cid, giveUp::run);
      } catch (RuntimeException stopping) {
        Log.CANCEL.debug("not answering a cancel of " + peer + ": the actor is stopping");
      }
    };
    try {
      java.util.concurrent.Future<?> timer = java.util.concurrent.ForkJoinPool.commonPool()
          .schedule(onTimer, CANCEL_WAIT.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
      t.giveUpTimer = timer;
      if (t.done.isSet()) timer.cancel(false); // it ended before the timer was recorded
    } catch (java.util.concurrent.RejectedExecutionException refused) {
      LOG.warn("cannot bound the wait for a cancelled task of " + peer + ": " + refused);
    }
  }

  /** The {@code self} methods the message loop answers itself. */
  private static final java.util.Set<String> RUNTIME_METHODS = java.util.Set.of("cancel", "_cancel_task");

  /**
   * Resolves any other {@code self} method (a registrar's registry methods) into a call run like
   * an RPC task: {@code wait_for_actor} blocks, and {@code _cancel_task} or the caller's sentinel
   * cancels it.
   *
   * @return the call to run, or null if it was refused (the error has been sent)
   */
  private PreparedCall prepareSelfCall(Msg.Cmd cmd) {
    java.util.concurrent.Callable<Object> body;
    try {
      body = actor.selfMethod(cmd.func(), cmd.kwargs(), caller());
    } catch (AttributeError | TypeError e) {
      sendQuietly(new Msg.Error(cmd.cid(), ErrorBoxing.pack(e, actor.uid())));
      return null;
    }
    RpcTask task = new RpcTask(cmd.cid());
    rpcTasks.put(cmd.cid(), task);
    return new PreparedCall(cmd, body, task);
  }

  /** Cancels the RPC tasks this channel started and waits for them; {@code by} is who asked. */
  void cancelRpcTasks(Uid by) {
    for (RpcTask t : List.copyOf(rpcTasks.values())) {
      if (t.cancelRequester == null) t.cancelRequester = by;
      t.cancelledWithTheRest = true;
      t.scope.cancel();
    }
    for (RpcTask t : List.copyOf(rpcTasks.values())) awaitBounded(t.done);
  }

  /**
   * How long a cancelled task is waited for before teardown goes on without it (a task stuck in
   * code that ignores interrupts must not hang its actor's teardown; tractor's budget is 3 s).
   */
  static final Duration CANCEL_WAIT = Duration.ofSeconds(3);

  private void awaitBounded(Event done) {
    Sc.shielded(
        s -> {
          s.setRelativeDeadline(CANCEL_WAIT);
          done.await();
        });
    if (!done.isSet()) {
      LOG.warn("a task of " + peer + " did not finish within " + CANCEL_WAIT + " of being cancelled");
    }
  }

  /** Calls and contexts waiting for messages on this connection (for {@link Bookkeeping}). */
  int inboxCount() {
    return inboxes.size();
  }

  /** RPC tasks the peer started here that have not finished (for {@link Bookkeeping}). */
  int rpcTaskCount() {
    return rpcTasks.size();
  }

  /** Threads taking part in the relay of readers (for {@link Bookkeeping}). */
  int readerCount() {
    return readers.get();
  }

  @Override
  public String toString() {
    return "PeerChannel[" + peer + "]";
  }
}
