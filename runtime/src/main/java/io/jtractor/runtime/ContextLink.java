package io.jtractor.runtime;

import io.jtractor.errors.ConnectionLost;
import io.jtractor.errors.ContextCancelled;
import io.jtractor.errors.RemoteActorError;
import io.jtractor.runtime.ContextLife.Fact;
import io.jtractor.sc.CancelScope;
import io.jtractor.sc.EndOfChannel;
import io.jtractor.sc.Sc;
import io.jtractor.wire.Msg;
import io.jtractor.wire.Uid;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
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
 * side asked for is not a failure. Where we deviate (credit flow between jtractor peers, a
 * {@code return} kept for {@code result()}, a lost connection cancelling the owner, the overflow
 * dropping the newest items): docs/design.md, "Deviations".
 *
 * <p>Threads: {@link #deliver} and {@link #connectionEnded} run on the connection's message
 * loop; everything else on the tasks using the context. The lifecycle is one field ({@link
 * ContextLife}), changed by compare-and-set; flow control is {@link StreamCredit}'s, sending
 * {@link ContextSends}'; the other mutable fields are volatile values.
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

  /** Everything for this cid but credits, in arrival order. */
  private final ContextInbox inbox;
  /** Buffer, overruns and credit. */
  private final StreamCredit credit;
  /** What a sender does before it waits for credit. */
  private final Runnable beforeCreditWait;

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

  /** This side's lifecycle: the {@link Fact}s entered so far. */
  private final ContextLife life = new ContextLife();
  /** Every frame this side sends. */
  private final ContextSends sends;
  /** The lane to the other side, on an in-memory connection; else null. */
  private final ContextLane lane;

  ContextLink(PeerChannel chan, String cid, boolean callerSide, String func, boolean creditFlow) {
    this.chan = chan;
    this.cid = cid;
    this.callerSide = callerSide;
    this.func = func;
    this.creditFlow = creditFlow;
    this.credit = new StreamCredit(creditFlow);
    this.lane = ContextLane.of(this, chan, cid); // stored only: the other side meets it below
    this.inbox = new ContextInbox(chan.relay(), lane != null);
    ReadingLoan loan = chan.relay().loan();
    this.beforeCreditWait = loan == null ? this::failIfEnded : () -> {
      loan.giveBack(); // the credit comes over this connection: someone must read it
      failIfEnded();
    };
    this.cancelTimeout = chan.tuning.contextCancelTimeout();
    this.sends = new ContextSends(chan, cid, lane);
    JfrEvents.contextOpened(chan.localUid(), chan.peer(), cid, func, callerSide);
    if (lane != null) lane.meet(); // last: the other side's tasks may use this link from now on
  }

  /** Its connection no longer routes messages here (see {@link PeerChannel#forget}). */
  void closed() {
    if (lane != null) {
      lane.leave();
      inbox.closeForLane(); // a task of the other side waiting here for room must not wait for ever
    }
    JfrEvents.contextClosed(chan.localUid(), chan.peer(), cid, func, callerSide, life.outcome(remoteError));
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

  /**
   * Takes one message for this cid (the loop; never blocks). With {@code mayLend}, the reading
   * may be lent to a task this wakes ({@link ContextInbox#putLending}).
   *
   * @return true if the reading was lent: the caller no longer holds it
   */
  boolean deliver(Msg msg, boolean mayLend) {
    boolean lent = route(msg, mayLend);
    if (lane != null) lane.routed(1);
    return lent;
  }

  private boolean route(Msg msg, boolean mayLend) {
    switch (msg) {
      case Msg.Credit c -> {
        credit.grant(c.n());
        return false;
      }
      case Msg.Yield y -> {
        return admitYield() && put(y, mayLend);
      }
      case Msg.Error e -> {
        onRemoteError(chan.receivedByLoop(e)); // its trace is filled in where it is raised
        inbox.put(msg); // never lent: the error may have cancelled the very task that would borrow
        return false;
      }
      default -> {
        return put(msg, mayLend);
      }
    }
  }

  /** Puts {@code msg}, a message or a bare stream item ({@link ContextInbox#item}). */
  private boolean put(Object msg, boolean mayLend) {
    if (mayLend) return inbox.putLending(msg);
    inbox.put(msg);
    return false;
  }

  /**
   * {@link #deliver} for a stream item, held back until {@link #flushDeferred} (see {@link
   * ContextInbox}); counted against the bound now. True if it is the first held since the last flush.
   */
  boolean deferYield(Msg.Yield y) {
    if (admitYield()) return inbox.hold(y);
    if (lane != null) lane.routed(1);
    return false;
  }

  /**
   * {@link #deliver} for a stream item that arrived as its value alone (the reader's per-item
   * path, {@code WireChannel.receiveOrItem}): it waits in the inbox bare where no lane's item can
   * be there too, so that it takes no record; else as its record.
   *
   * @return true if the reading was lent: the caller no longer holds it
   */
  boolean deliverItem(Object value, boolean mayLend) {
    boolean lent = admitYield() && put(connectionItem(value), mayLend);
    if (lane != null) lane.routed(1);
    return lent;
  }

  /** {@link #deferYield} for a stream item that arrived as its value alone (see {@link #deliverItem}). */
  boolean deferItem(Object value) {
    if (admitYield()) return inbox.hold(connectionItem(value));
    if (lane != null) lane.routed(1);
    return false;
  }

  /**
   * How a stream item from the connection waits in the inbox: bare without a lane (every bare
   * value is then the connection's, and takes credit: {@link #itemValue}), else as its record.
   */
  private Object connectionItem(Object value) {
    return lane == null ? ContextInbox.item(value) : new Msg.Yield(cid, value);
  }

  /** Hands over the items held back by {@link #deferYield} and {@link #deferItem}, in order, in one go. */
  void flushDeferred() {
    int n = inbox.flush();
    if (lane != null) lane.routed(n);
  }

  /**
   * The other side's task, beside this side's loop: a stream item's value over the lane ({@link
   * ContextLane}), in its decoded form. It takes no credit and meets no overrun check: it waits
   * (a checkpoint) while this side's inbox holds a buffer's worth of the lane's items. False, with
   * nothing put, if this side no longer takes messages: the item must then go through the
   * connection, as if there were no lane.
   */
  boolean takeFromLane(Object value) {
    if (!chan.isOpen() || life.is(Fact.CONNECTION_LOST)) return false; // closed, if not yet read to its end
    return inbox.sendLane(value);
  }

  /** Counts an arriving item against the bound; false if it must not be queued (overrun, or dropped). */
  private boolean admitYield() {
    StreamCredit.Arrival a = credit.arrive();
    if (a == StreamCredit.Arrival.OVERRUN) { // answered after a cancel's functype, if one is owed
      LOG.warn("context " + cid + " was overrun by " + chan.peer() + ": answering StreamOverrun");
      sends.quietly(new Msg.Error(cid, StreamCredit.overrunError(cid, chan.localUid(), chan.peer(), life.is(Fact.STREAM_OPENED))));
    } else if (a == StreamCredit.Arrival.DROP) {
      LOG.warn("context " + cid + ": dropping a stream item from " + chan.peer()
          + ", " + OVERFLOW_LIMIT + " items beyond the buffer of " + credit.limit() + " are already queued");
    }
    return a == StreamCredit.Arrival.QUEUE;
  }

  private void onRemoteError(RemoteActorError err) {
    if (remoteError == null) remoteError = err;
    credit.wakeSender();
    if (err instanceof ContextCancelled && life.is(Fact.CANCEL_CALLED)) {
      return; // the answer to our own cancel request
    }
    cancelledByRemote = chan.peer();
    CancelScope s = scope;
    if (s != null) s.cancel();
  }

  /** The connection ended (the loop): waiters fail, the owning task is cancelled. */
  void connectionEnded() {
    life.enter(Fact.CONNECTION_LOST);
    inbox.close();
    credit.wakeSender();
    CancelScope s = scope;
    if (s != null && !life.is(Fact.RETURNED)) s.cancel();
  }

  // ----------------------------------------------------------------------------------------------
  // The owning tasks' side

  /** Makes {@code s} the scope cancelled when the peer fails or the connection ends. */
  public void bindScope(CancelScope s) {
    scope = s;
    if (life.is(Fact.CONNECTION_LOST)) s.cancel();
    RemoteActorError err = remoteError;
    if (err != null && !(err instanceof ContextCancelled && life.is(Fact.CANCEL_CALLED))) s.cancel();
  }

  /** The next message that is not a stream item (while opening a context: functype, started). */
  public Msg nextMessage() {
    try {
      Object o = inbox.receive();
      return o instanceof Msg m ? m : new Msg.Yield(cid, ContextInbox.value(o));
    } catch (EndOfChannel e) {
      throw lost();
    }
  }

  /**
   * The error the peer sent for this context, or null. Its local stack trace is empty until it is
   * raised: throw it as {@code remoteError().raisedHere()}.
   */
  public RemoteActorError remoteError() {
    return remoteError;
  }

  public boolean cancelCalled() {
    return life.is(Fact.CANCEL_CALLED);
  }

  /** The peer whose error or cancellation cancelled this side, or null. */
  public Uid cancelledByRemote() {
    return cancelledByRemote;
  }

  public boolean connectionLost() {
    return life.is(Fact.CONNECTION_LOST);
  }

  /** Marks {@code started} as called; false if it was already. */
  public boolean markStarted() {
    return life.enter(Fact.STARTED);
  }

  public boolean startedCalled() {
    return life.is(Fact.STARTED);
  }

  /** Sends {@code started}. */
  public void sendStarted(Object value) {
    sends.started(value);
  }

  /**
   * Sends one stream item. With {@code backpressure} and a jtractor peer, waits (a checkpoint)
   * while the peer's buffer is full instead of overrunning it.
   *
   * @throws RemoteActorError the peer's error, if it sent one
   * @throws ConnectionLost if the connection is gone
   */
  public void sendYield(Object value, boolean backpressure) {
    // Over a lane an item is bounded by the other side's inbox, not by credit: only with
    // backpressure, as an item sent without must meet the overrun check of the loop. Its put into
    // that inbox is this send's checkpoint, and the lane is tried only while nothing has ended
    // here, so that a cancellation that came with the peer's error is raised first, as below.
    // (One checkpoint, not two: the send then stays small enough for the JIT to inline into the
    // sender's loop; measured pinned, 0.76-0.88 of the channel's rate against 0.64-0.81.)
    if (backpressure && creditFlow && remoteError == null && !life.is(Fact.CONNECTION_LOST) && sends.laneYield(value)) {
      return;
    }
    Sc.checkpointIfCancelled();
    failIfEnded();
    if (backpressure && creditFlow) credit.acquire(beforeCreditWait);
    inbox.sent(); // before the item leaves: its answer may arrive before this thread runs again
    sends.yieldItem(value);
  }

  /** Sends a runtime frame for this context at once (a stream's functype), ignoring a closed connection. */
  void sendAtOnce(Msg msg) {
    sends.firstOut(chan::sendQuietly, msg);
  }

  /** Sends {@code stop}, ignoring a closed connection. */
  public void sendStop() {
    sends.quietly(new Msg.Stop(cid));
  }

  private void failIfEnded() {
    RemoteActorError err = remoteError;
    if (err != null) throw err.raisedHere();
    if (life.is(Fact.CONNECTION_LOST)) throw lost();
  }

  /** Configures the receiving end when a stream opens here. */
  public void openStream(int bufferSize, boolean overruns) {
    if (bufferSize < 1) throw new IllegalArgumentException("msgBufferSize must be at least 1: " + bufferSize);
    int extra = credit.open(bufferSize, overruns);
    inbox.resizeLane(credit.limit());
    life.enter(Fact.STREAM_OPENED);
    if (extra > 0 && life.enter(Fact.EXTRA_CREDIT_GRANTED)) {
      grantCredit(extra);
    }
  }

  public boolean streamOpened() {
    return life.is(Fact.STREAM_OPENED);
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
    // The per-item case only, small enough for the JIT to inline into the reader's loop; the rest
    // apart (docs/design.md, "The aims at a glance").
    Object o = receiveAny();
    Object value = itemValue(o);
    return value != NOT_AN_ITEM ? value : receiveAfter((Msg) o);
  }

  /** Marks what {@link #itemValue} returns for a message that is not a stream item. */
  private static final Object NOT_AN_ITEM = new Object();

  /** The value of {@code o} if it is a stream item (taken off the stream: credit counted), else {@link #NOT_AN_ITEM}. */
  private Object itemValue(Object o) {
    if (!(o instanceof Msg m)) { // a bare item: the lane's (no credit), or the connection's where there is no lane
      sends.received();
      if (lane == null) consumed();
      return ContextInbox.value(o);
    }
    if (m instanceof Msg.Yield y) {
      sends.received();
      consumed();
      return y.value();
    }
    return NOT_AN_ITEM;
  }

  /** The next message or lane item; the end of the inbox raised as the context's end. */
  private Object receiveAny() {
    try {
      return inbox.receive();
    } catch (EndOfChannel closed) {
      failIfEnded();
      throw new EndOfChannel("the context has ended");
    }
  }

  /**
   * {@link #receiveYield} after {@code m}, a message that is not a stream item: the stream's end,
   * or one to pass over (a {@code functype}, a {@code started}), then the next, in a loop: a peer
   * that sends many cannot deepen the stack.
   */
  private Object receiveAfter(Msg m) {
    while (true) {
      switch (m) {
        case Msg.Stop s -> throw new EndOfChannel(chan.peer().name() + " closed its end of the stream");
        case Msg.Return r -> {
          result = r.value();
          life.enter(Fact.RETURNED);
          throw new EndOfChannel(chan.peer().name() + " returned from " + func + "()");
        }
        case Msg.Error e -> throw remoteError.raisedHere();
        default -> {} // functype or started: nothing for a stream reader
      }
      Object o = receiveAny();
      Object value = itemValue(o);
      if (value != NOT_AN_ITEM) return value;
      m = (Msg) o;
    }
  }

  private void consumed() {
    int grant = credit.consumed();
    if (grant > 0) grantCredit(grant);
  }

  /** Grants the other side {@code n} more items: over the lane once the sides have met (a grant may overtake anything). */
  private void grantCredit(int n) {
    ContextLink other = lane == null ? null : lane.otherIfOpen();
    if (other != null) other.credit.grant(n);
    else sends.quietly(new Msg.Credit(cid, n));
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
      if (life.is(Fact.RETURNED)) return result;
      RemoteActorError err = remoteError;
      if (err != null) return maybeRaise(err);
      Object o;
      try {
        o = inbox.receive();
      } catch (EndOfChannel closed) {
        if (remoteError != null || life.is(Fact.RETURNED)) continue;
        throw lost();
      }
      if (!(o instanceof Msg m)) { // a bare item: the connection's takes credit, the lane's none
        if (lane == null) consumed();
        continue;
      }
      switch (m) {
        case Msg.Yield y -> consumed();
        case Msg.Return r -> {
          result = r.value();
          life.enter(Fact.RETURNED);
        }
        default -> {} // stop, started, functype; an error was recorded on arrival
      }
    }
  }

  public boolean hasResult() {
    return life.is(Fact.RETURNED);
  }

  /** Raises {@code err} unless it is a cancellation this side or this actor asked for. */
  public Object maybeRaise(RemoteActorError err) {
    if (err instanceof ContextCancelled cc
        && (life.is(Fact.CANCEL_CALLED) || chan.cancelCalled() || chan.localUid().equals(cc.canceller()))) {
      return cc;
    }
    throw err.raisedHere();
  }

  /**
   * Caller side: asks the callee to cancel ({@code self._cancel_task}), waiting at most {@link
   * #cancelTimeout()} for the answer; shielded. Callee side: cancels the callee's own task.
   */
  public void cancel() {
    life.enter(Fact.CANCEL_CALLED);
    if (callerSide) {
      if (chan.isOpen() && !life.is(Fact.RETURNED) && remoteError == null) {
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

  /** Caller side: the opener is about to send the context's {@code cmd} ({@link ContextInbox#opening}). */
  void opening() {
    inbox.opening();
  }

  /** A {@link ContextCancelled} raised locally (e.g. opening a stream on a cancelled context). */
  public ContextCancelled localCancelled(String message) {
    return (ContextCancelled) RemoteActorError.from(ErrorBoxing.contextCancelled(message, chan.localUid(), chan.localUid()), chan.localUid());
  }

  private ConnectionLost lost() {
    return new ConnectionLost("the connection to " + chan.peer() + " ended while context " + func + "() [" + cid + "] was open");
  }

  /** The callee's side: sets what runs before each frame the task sends (see {@link ContextSends}). */
  void beforeEachSend(BooleanSupplier r) {
    sends.beforeEachSend(r);
  }

  /** The callee's side: the {@code functype} leaves with the task's first frame (see {@link ContextSends#functypeWithFirstFrame}). */
  void functypeWithFirstFrame(Msg.Functype ft) {
    sends.functypeWithFirstFrame(ft);
  }

  /** The callee's side: writes the task's last words, after the {@code functype} if it has not left. */
  void lastWords(ContextSends.Write write, Msg msg) {
    sends.firstOut(write, msg);
  }

  @Override
  public String toString() {
    return "Context[" + func + " " + cid + (callerSide ? " caller" : " callee") + " peer=" + chan.peer() + "]";
  }
}
