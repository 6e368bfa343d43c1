package io.jtractor.runtime;

import io.jtractor.ConnectionLost;
import io.jtractor.ContextCancelled;
import io.jtractor.RemoteActorError;
import io.jtractor.TypeError;
import io.jtractor.sc.CancelScope;
import io.jtractor.sc.EndOfChannel;
import io.jtractor.sc.Event;
import io.jtractor.sc.MemoryChannel;
import io.jtractor.sc.Sc;
import io.jtractor.wire.ErrorInfo;
import io.jtractor.wire.Msg;
import io.jtractor.wire.Uid;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Map;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One side of an inter-actor context (or of a one-way stream): the messages that arrive for its
 * cid, the remote error that ended it, who cancelled it, and flow control. The public {@code
 * Context} and {@code MsgStream} are thin views of this.
 *
 * <p>Prior art: tractor's {@code Context} dataclass ({@code _deliver_msg}, {@code
 * _maybe_cancel_and_set_remote_error}, {@code result}) and its overrun handling. Kept: a bounded
 * buffer per context (64 by default) that the message loop never blocks on; overflow answered
 * with a {@code StreamOverrun} error to the sender, or queued (bounded) when overruns are allowed;
 * a remote error cancels the scope of the task owning this side; a {@code ContextCancelled} this
 * side asked for is not a failure. Where we deviate: (1) between two jtractor peers the receiver
 * grants credit as its application consumes items and a sender waits for credit instead of
 * overrunning (see {@link #sendYield}); (2) a {@code return} or {@code error} reaching a stream
 * reader is kept for {@code result()} instead of failing with {@code KeyError}; (3) when the
 * connection dies the owning scope is cancelled and waiters get {@link ConnectionLost}; (4) the
 * overflow queue drops the newest items beyond its bound (logged), not the oldest.
 *
 * <p>Threads: {@link #deliver} and {@link #connectionEnded} run on the connection's message
 * loop; everything else on the tasks using the context. The lifecycle is one field, {@link #life},
 * changed by compare-and-set; the other mutable fields are volatile values or atomic counters.
 */
public final class ContextLink {
  private static final Logger LOG = LoggerFactory.getLogger(ContextLink.class);

  /** A context's buffer, in stream items, unless resized: tractor's {@code msg_buffer_size}. */
  public static final int DEFAULT_BUFFER = 64;
  /** How many items beyond the buffer are queued when overruns are allowed (tractor's 616). */
  public static final int OVERFLOW_LIMIT = 616;

  private final PeerChannel chan;
  private final String cid;
  private final boolean callerSide;
  /** The remote (caller side) or local (callee side) function, for messages. */
  private final String func;
  /** Whether the peer speaks jtractor's credit flow control. */
  private final boolean creditFlow;
  /** How long a cancel request waits for the peer's answer ({@link Tuning#contextCancelTimeout}). */
  private final Duration cancelTimeout;
  /**
   * Items sent closer together than this are a burst and go through the connection's write-behind
   * queue; a send after a longer pause (a round trip, at least) is written directly, which is the
   * faster path for one item ({@link Tuning#burstGapNanos}).
   */
  private final long burstGapNanos;

  /** Everything for this cid but credits, in arrival order. Unbounded: the bound is counted below. */
  private final MemoryChannel<Msg> inbox = MemoryChannel.open(MemoryChannel.UNBOUNDED);
  /**
   * Stream items the loop holds back to hand over together ({@link #deferYield}). Confined to the
   * thread holding the connection's reading; the relay's hand-offs order it between holders.
   */
  private final ArrayList<Msg> deferred = new ArrayList<>();
  /** Stream items delivered and not yet consumed. Loop increments, consumers decrement. */
  private final AtomicInteger queuedYields = new AtomicInteger();
  private volatile int capacity = DEFAULT_BUFFER;
  private volatile boolean allowOverruns;

  /** Items this side may still send before the peer grants more (credit flow only). */
  private final AtomicInteger sendCredits = new AtomicInteger(DEFAULT_BUFFER);
  /** Set and replaced whenever credits arrive or the context fails: wakes a waiting sender. */
  private volatile Event creditChanged = new Event();
  /** Items consumed here since the last grant sent to the peer. */
  private final AtomicInteger consumedSinceGrant = new AtomicInteger();

  /** The first error the peer sent for this cid. Set by the loop. */
  private volatile RemoteActorError remoteError;
  /** The peer whose error cancelled this side (tractor's {@code _cancel_called_remote}). */
  private volatile Uid cancelledByRemote;
  /** The scope of the task owning this side: cancelled by a remote error or a lost connection. */
  private volatile CancelScope scope;
  /** The callee's {@code return} value: written before {@link Fact#RETURNED} is entered. */
  private volatile Object result;
  /** Closes the stream open on this side, if any (set by the stream view). */
  private volatile Runnable streamCloser;

  /**
   * This side's lifecycle, in one field: the set of {@link Fact}s entered so far. A fact, once
   * entered, stays; each is entered at most once, by compare-and-set ({@link #enter}), so exactly
   * one thread wins each transition (e.g. the one {@code started}, the one extra credit grant).
   */
  private volatile int life;

  /** The one-way steps of a side's life; any subset may hold at once (e.g. returned, then lost). */
  enum Fact {
    /** {@code started} was called (callee side). */
    STARTED,
    /** A stream was opened on this side. */
    STREAM_OPENED,
    /** The credit beyond the default buffer was granted to the peer (credit flow only). */
    EXTRA_CREDIT_GRANTED,
    /** This side asked for the cancellation (caller: {@code cancel()}; callee: cancelled itself). */
    CANCEL_CALLED,
    /** The callee's {@code return} arrived ({@link #result} holds its value). */
    RETURNED,
    /** The connection ended. */
    CONNECTION_LOST;

    final int bit = 1 << ordinal();
  }

  private static final VarHandle LIFE;

  static {
    try {
      LIFE = MethodHandles.lookup().findVarHandle(ContextLink.class, "life", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Enters {@code f}; true if this call entered it, false if it held already. */
  private boolean enter(Fact f) {
    while (true) {
      int now = life;
      if ((now & f.bit) != 0) return false;
      if (LIFE.compareAndSet(this, now, now | f.bit)) return true;
    }
  }

  private boolean is(Fact f) {
    return (life & f.bit) != 0;
  }

  ContextLink(PeerChannel chan, String cid, boolean callerSide, String func, boolean creditFlow) {
    this.chan = chan;
    this.cid = cid;
    this.callerSide = callerSide;
    this.func = func;
    this.creditFlow = creditFlow;
    this.cancelTimeout = chan.tuning.contextCancelTimeout();
    this.burstGapNanos = chan.tuning.burstGapNanos();
    JfrEvents.contextOpened(chan.localUid(), chan.peer(), cid, func, callerSide);
  }

  /** Its connection no longer routes messages here (see {@link PeerChannel#forget}). */
  void closed() {
    JfrEvents.contextClosed(chan.localUid(), chan.peer(), cid, func, callerSide, outcome());
  }

  /** How this side ended, in a word or an error type, for the flight recorder. */
  private String outcome() {
    RemoteActorError err = remoteError;
    if (is(Fact.RETURNED)) return "returned";
    if (err != null) return err.typeName();
    if (is(Fact.CONNECTION_LOST)) return "connection lost";
    if (is(Fact.CANCEL_CALLED)) return "cancelled";
    return "closed";
  }

  public String cid() {
    return cid;
  }

  public boolean isCallerSide() {
    return callerSide;
  }

  public Uid peer() {
    return chan.peer();
  }

  public String func() {
    return func;
  }

  /** How long a cancel request waits for the peer's answer. */
  public Duration cancelTimeout() {
    return cancelTimeout;
  }

  // ----------------------------------------------------------------------------------------------
  // The message loop's side

  /** Takes one message for this cid (the loop; never blocks). */
  void deliver(Msg msg) {
    switch (msg) {
      case Msg.Credit c -> grantSend(c.n());
      case Msg.Yield y -> deliverYield(y);
      case Msg.Error e -> {
        onRemoteError(chan.received(e));
        inbox.sender().trySend(msg);
      }
      default -> inbox.sender().trySend(msg);
    }
  }

  private void deliverYield(Msg.Yield y) {
    if (admitYield()) inbox.sender().trySend(y);
  }

  /**
   * Like {@link #deliver} for a stream item, but held back until {@link #flushDeferred}: the loop
   * knows that more messages are buffered and hands this link's items over together, waking its
   * consumer once. The bound on queued items is counted now, as for a delivered item.
   *
   * @return whether this is the first item held back since the last flush (the loop lists the link once)
   */
  boolean deferYield(Msg.Yield y) {
    boolean first = deferred.isEmpty();
    if (!admitYield()) return false;
    deferred.add(y);
    return first;
  }

  /** Hands over the items held back by {@link #deferYield}, in order, in one go. */
  void flushDeferred() {
    if (deferred.isEmpty()) return;
    inbox.sender().trySendAll(deferred);
    deferred.clear();
  }

  /**
   * Counts an arriving item against the bound; false if it must not be queued (an overrun answered,
   * or an item dropped beyond the overflow limit).
   */
  private boolean admitYield() {
    int queued = queuedYields.incrementAndGet();
    int limit = creditFlow ? Math.max(capacity, DEFAULT_BUFFER) : capacity;
    if (queued > limit) {
      if (!allowOverruns) {
        queuedYields.decrementAndGet();
        LOG.warn("context " + cid + " was overrun by " + chan.peer() + ": answering StreamOverrun");
        beforeSend(); // a cancel's functype, if one is owed, precedes it too
        chan.sendQuietly(new Msg.Error(cid, overrun()));
        return false;
      }
      if (queued > limit + OVERFLOW_LIMIT) {
        queuedYields.decrementAndGet();
        LOG.warn("context " + cid + ": dropping a stream item from " + chan.peer()
            + ", " + OVERFLOW_LIMIT + " items beyond the buffer of " + limit + " are already queued");
        return false;
      }
    }
    return true;
  }

  /** tractor's StreamOverrun error body, sent back to the sender. */
  private ErrorInfo overrun() {
    String text = "Actor-task context " + cid + "@" + chan.localUid().pythonRepr() + " was overrun by remote!\n"
        + (is(Fact.STREAM_OPENED) ? "" : "\n*** No stream open on `" + chan.localUid().name() + "` side! ***\n\n")
        + "sender actor: " + chan.peer().pythonRepr();
    return ErrorInfo.of("jtractor: " + text + "\ntractor._exceptions.StreamOverrun: " + text + "\n", "StreamOverrun", chan.localUid());
  }

  private void onRemoteError(RemoteActorError err) {
    if (remoteError == null) remoteError = err;
    wakeSender();
    if (err instanceof ContextCancelled && is(Fact.CANCEL_CALLED)) {
      return; // the answer to our own cancel request
    }
    cancelledByRemote = chan.peer();
    CancelScope s = scope;
    if (s != null) s.cancel();
  }

  /** The connection ended (the loop): waiters fail, the owning task is cancelled. */
  void connectionEnded() {
    enter(Fact.CONNECTION_LOST);
    inbox.sender().close();
    wakeSender();
    CancelScope s = scope;
    if (s != null && !is(Fact.RETURNED)) s.cancel();
  }

  // ----------------------------------------------------------------------------------------------
  // The owning tasks' side

  /** Makes {@code s} the scope cancelled when the peer fails or the connection ends. */
  public void bindScope(CancelScope s) {
    scope = s;
    if (is(Fact.CONNECTION_LOST)) s.cancel();
    RemoteActorError err = remoteError;
    if (err != null && !(err instanceof ContextCancelled && is(Fact.CANCEL_CALLED))) s.cancel();
  }

  /** The next message that is not a stream item (while opening a context: functype, started). */
  public Msg nextMessage() {
    try {
      return inbox.receiver().receive();
    } catch (EndOfChannel e) {
      throw lost();
    }
  }

  /** The error the peer sent for this context, or null. */
  public RemoteActorError remoteError() {
    return remoteError;
  }

  public boolean cancelCalled() {
    return is(Fact.CANCEL_CALLED);
  }

  /** The peer whose error or cancellation cancelled this side, or null. */
  public Uid cancelledByRemote() {
    return cancelledByRemote;
  }

  public boolean connectionLost() {
    return is(Fact.CONNECTION_LOST);
  }

  /** Marks {@code started} as called; false if it was already. */
  public boolean markStarted() {
    return enter(Fact.STARTED);
  }

  public boolean startedCalled() {
    return is(Fact.STARTED);
  }

  /** Sends {@code started}. */
  public void sendStarted(Object value) {
    beforeSend();
    sendEncoded(new Msg.Started(cid, value), "started");
  }

  /**
   * Sends one stream item. With {@code backpressure} and a jtractor peer, waits (a checkpoint)
   * while the peer's buffer is full instead of overrunning it.
   *
   * @throws RemoteActorError the peer's error, if it sent one
   * @throws ConnectionLost if the connection is gone
   */
  public void sendYield(Object value, boolean backpressure) {
    Sc.checkpointIfCancelled();
    failIfEnded();
    if (backpressure && creditFlow) acquireCredit();
    Msg.Yield y = new Msg.Yield(cid, value);
    long now = System.nanoTime();
    if (now - lastYieldAt < burstGapNanos) {
      // A burst: queue it for the connection's writer instead of paying a write per item.
      try {
        beforeSend();
        chan.sendBehind(y);
      } catch (IllegalArgumentException e) {
        throw new TypeError("cannot send this yield value: " + e.getMessage(), e);
      }
    } else {
      beforeSend();
      sendEncoded(y, "yield"); // a lone item (e.g. request/response): written at once
    }
    lastYieldAt = System.nanoTime();
  }

  /** When the last item was sent. The sending tasks only (benign race among several senders). */
  private volatile long lastYieldAt = Long.MIN_VALUE / 2;

  /** Sends {@code stop}, ignoring a closed connection. */
  public void sendStop() {
    beforeSend();
    chan.sendQuietly(new Msg.Stop(cid));
  }

  private void failIfEnded() {
    RemoteActorError err = remoteError;
    if (err != null) throw err;
    if (is(Fact.CONNECTION_LOST)) throw lost();
  }

  private void acquireCredit() {
    while (true) {
      int c = sendCredits.get();
      if (c > 0) {
        if (sendCredits.compareAndSet(c, c - 1)) return;
        continue;
      }
      Event changed = creditChanged;
      if (sendCredits.get() > 0) continue;
      failIfEnded();
      changed.await();
    }
  }

  private void grantSend(int n) {
    sendCredits.addAndGet(n);
    wakeSender();
  }

  private void wakeSender() {
    Event old = creditChanged;
    creditChanged = new Event();
    old.set();
  }

  /** Configures the receiving end when a stream opens here. */
  public void openStream(int bufferSize, boolean overruns) {
    if (bufferSize < 1) throw new IllegalArgumentException("msgBufferSize must be at least 1: " + bufferSize);
    capacity = bufferSize;
    allowOverruns = overruns;
    enter(Fact.STREAM_OPENED);
    if (creditFlow && bufferSize > DEFAULT_BUFFER && enter(Fact.EXTRA_CREDIT_GRANTED)) {
      beforeSend();
      chan.sendQuietly(new Msg.Credit(cid, bufferSize - DEFAULT_BUFFER));
    }
  }

  public boolean streamOpened() {
    return is(Fact.STREAM_OPENED);
  }

  /** Registers how to close the stream open here (the runtime closes it when the task ends). */
  public void onStreamOpened(Runnable closer) {
    streamCloser = closer;
  }

  /** Closes the stream open here, if any. */
  public void closeStream() {
    Runnable c = streamCloser;
    if (c != null) c.run();
  }

  /**
   * The next stream item.
   *
   * @throws EndOfChannel if the peer closed its end (or returned)
   * @throws RemoteActorError the peer's error
   * @throws ConnectionLost if the connection ended
   */
  public Object receiveYield() {
    while (true) {
      Msg m;
      try {
        m = inbox.receiver().receive();
      } catch (EndOfChannel closed) {
        failIfEnded();
        throw new EndOfChannel("the context has ended");
      }
      switch (m) {
        case Msg.Yield y -> {
          consumed();
          return y.value();
        }
        case Msg.Stop s -> throw new EndOfChannel(chan.peer().name() + " closed its end of the stream");
        case Msg.Return r -> {
          result = r.value();
          enter(Fact.RETURNED);
          throw new EndOfChannel(chan.peer().name() + " returned from " + func + "()");
        }
        case Msg.Error e -> throw remoteError;
        default -> {} // functype or started: nothing for a stream reader
      }
    }
  }

  private void consumed() {
    queuedYields.decrementAndGet();
    if (!creditFlow) return;
    int n = consumedSinceGrant.incrementAndGet();
    int batch = Math.max(1, Math.max(capacity, DEFAULT_BUFFER) / 4);
    if (n >= batch && consumedSinceGrant.compareAndSet(n, 0)) {
      beforeSend();
      chan.sendQuietly(new Msg.Credit(cid, n));
    }
  }

  /**
   * The callee's result (caller side): waits for its {@code return}, discarding stream items.
   * Returns the {@code ContextCancelled} instead of raising it when this side (or this actor)
   * asked for the cancellation, as tractor does.
   *
   * @throws RemoteActorError the callee's error
   * @throws ConnectionLost if the connection ended first
   */
  public Object awaitResult() {
    while (true) {
      if (is(Fact.RETURNED)) return result;
      RemoteActorError err = remoteError;
      if (err != null) return maybeRaise(err);
      Msg m;
      try {
        m = inbox.receiver().receive();
      } catch (EndOfChannel closed) {
        if (remoteError != null || is(Fact.RETURNED)) continue;
        throw lost();
      }
      switch (m) {
        case Msg.Yield y -> consumed();
        case Msg.Return r -> {
          result = r.value();
          enter(Fact.RETURNED);
        }
        default -> {} // stop, started, functype; an error was recorded on arrival
      }
    }
  }

  public boolean hasResult() {
    return is(Fact.RETURNED);
  }

  /** Raises {@code err} unless it is a cancellation this side or this actor asked for. */
  public Object maybeRaise(RemoteActorError err) {
    if (err instanceof ContextCancelled cc
        && (is(Fact.CANCEL_CALLED) || chan.cancelCalled() || chan.localUid().equals(cc.canceller()))) {
      return cc;
    }
    throw err;
  }

  /**
   * Caller side: asks the callee to cancel ({@code self._cancel_task}), waiting at most {@link
   * #cancelTimeout()} for the answer; shielded. Callee side: cancels the callee's own task.
   */
  public void cancel() {
    enter(Fact.CANCEL_CALLED);
    if (callerSide) {
      if (chan.isOpen() && !is(Fact.RETURNED) && remoteError == null) {
        Log.CANCEL.debug("actor {} cancels context {}() [{}] in {}", chan.localUid(), func, cid, chan.peer());
        JfrEvents.CancelAcknowledged ack = JfrEvents.cancelRequested(chan.localUid(), chan.peer(), cid);
        Object answer = chan.callShielded("self", "_cancel_task", Map.of("cid", cid), cancelTimeout);
        JfrEvents.cancelAnswered(ack, chan.localUid(), chan.peer(), cid, answer != null);
      }
    } else {
      CancelScope s = scope;
      if (s != null) s.cancel();
    }
  }

  /** A {@link ContextCancelled} raised locally (e.g. opening a stream on a cancelled context). */
  public ContextCancelled localCancelled(String message) {
    return (ContextCancelled) RemoteActorError.from(ErrorBoxing.contextCancelled(message, chan.localUid(), chan.localUid()), chan.localUid());
  }

  private ConnectionLost lost() {
    return new ConnectionLost("the connection to " + chan.peer() + " ended while context " + func + "() [" + cid + "] was open");
  }

  /**
   * Run by the callee's task before each frame it sends on this context: the runtime sends there
   * the functype of a {@code _cancel_task} the task owes an answer to, so that it precedes
   * whatever the task sends as it unwinds (the capture's order). Set once, before the task runs.
   */
  private Runnable beforeEachSend;

  /** The callee's side: sets what runs before each frame the task sends (see {@link #beforeSend}). */
  void beforeEachSend(Runnable r) {
    beforeEachSend = r;
  }

  private void beforeSend() {
    Runnable r = beforeEachSend;
    if (r != null) r.run();
  }

  /** Sends; a value msgpack cannot carry is the sender's {@link TypeError} (nothing is sent). */
  private void sendEncoded(Msg msg, String what) {
    try {
      chan.send(msg);
    } catch (IllegalArgumentException e) {
      throw new TypeError("cannot send this " + what + " value: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "Context[" + func + " " + cid + (callerSide ? " caller" : " callee") + " peer=" + chan.peer() + "]";
  }
}
