package io.jtractor.runtime;

import io.jtractor.errors.ConnectionLost;
import io.jtractor.errors.RemoteActorError;
import io.jtractor.sc.Event;
import io.jtractor.wire.Hello;
import io.jtractor.wire.Msg;
import io.jtractor.wire.Uid;
import io.jtractor.wire.WireChannel;
import java.time.Duration;
import java.util.Map;

/**
 * One connection to a peer actor, after the handshake. Prior art: tractor's {@code Channel} plus
 * the per-channel half of its {@code Actor} ({@code _process_messages}, {@code _invoke}).
 *
 * <p>A facade over the connection's parts, each with its own thread rule:
 *
 * <ul>
 *   <li>{@link Outbox}: writes, and the write-behind of stream bursts;
 *   <li>{@link CallClient}: calls on the peer, their inboxes, the answer spin;
 *   <li>{@link ReaderRelay}: the message loop, one reader at a time, handing the reading on;
 *   <li>{@link Dispatcher} (and {@link LinkedCalls}): preparing and running the peer's calls, and
 *       the {@code self} namespace;
 *   <li>{@link CancelAnswers} over {@link RpcTask}: who answers a {@code _cancel_task}, and when.
 * </ul>
 *
 * <p>Threads: {@link #runLoop} runs on one service task (and the readers it hands the reading
 * to); everything else from any thread. The fields here are final, or volatile and written once
 * ({@link #peerFailure} by the reader, {@link #cancelCalled} by a canceller).
 */
public final class PeerChannel {
  final Actor actor;
  final WireChannel wire;
  final Uid peer;
  /** {@link Uid#pythonRepr} of {@link #peer}, made once: a cancel it asks for names it. */
  final String peerRepr;
  /** Whether the peer's hello announced jtractor (it speaks credit flow control). */
  final boolean peerIsJtractor;
  /** Whether the peer proved the tree secret in the handshake (every jtractor peer does). */
  private final boolean peerProven;
  /** Set when the message loop has ended (by {@link ReaderRelay}). */
  final Event ended = new Event();
  /** A cid-less error the peer sent (its runtime failed, e.g. at boot); set once by the reader. */
  volatile RemoteActorError peerFailure;
  /** Set when this actor asked the peer to cancel itself ({@code Portal.cancelActor}). */
  private volatile boolean cancelCalled;
  /** The tuning current when this connection was made; its parts copy what they use. */
  final Tuning tuning = Tuning.current();

  // The parts, built in dependency order: each takes what it needs from those before it.
  final Outbox outbox;
  final CallClient calls;
  final CancelAnswers cancels;
  final Dispatcher dispatcher;
  private final ReaderRelay relay;

  PeerChannel(Actor actor, WireChannel wire, Uid peer) {
    this.actor = actor;
    this.wire = wire;
    this.peer = peer;
    this.peerRepr = peer.pythonRepr();
    Hello hello = wire.peerHello();
    this.peerIsJtractor = hello != null && hello.capabilities().containsKey(Capabilities.JTRACTOR);
    this.peerProven = wire.peerAuthenticated();
    this.outbox = new Outbox(this);
    this.calls = new CallClient(this);
    this.cancels = new CancelAnswers(this);
    this.dispatcher = new Dispatcher(this);
    this.relay = new ReaderRelay(this);
  }

  /** This connection's relay of readers. */
  ReaderRelay relay() {
    return relay;
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
    if (isOpen()) outbox.sendSentinelOnce();
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

  /**
   * Sends messages, in one write.
   *
   * @throws ConnectionLost if the connection is gone
   * @throws IllegalArgumentException if msgpack cannot carry one (then nothing was sent)
   */
  public void send(Msg... msgs) {
    outbox.send(msgs);
  }

  /** {@link Outbox#sendCmd}: a {@code cmd} from this actor at once, with no message record. */
  void sendCmd(String ns, String func, Map<String, Object> kwargs, String cid) {
    outbox.sendCmd(ns, func, kwargs, localUid(), cid);
  }

  /** {@link Outbox#sendItem}: one stream item at once, with no message record. */
  void sendItem(String cid, Object value) {
    outbox.sendItem(cid, value);
  }

  /** Sends, ignoring a closed connection (replies whose caller has gone). */
  void sendQuietly(Msg... msgs) {
    outbox.sendQuietly(msgs);
  }

  /**
   * Sends stream item {@code value} of context {@code cid} without waiting for the socket write,
   * starting a writer task if {@code startWriter}, else only behind a busy one (see {@link
   * Outbox#sendItemBehind}).
   *
   * @return false, with nothing sent, if no writer is busy and {@code startWriter} is not set
   * @throws ConnectionLost if the connection is gone
   * @throws IllegalArgumentException if msgpack cannot carry the value
   */
  boolean sendItemBehind(String cid, Object value, boolean startWriter) {
    return outbox.sendItemBehind(cid, value, startWriter);
  }

  /** When the connection's last writer task ended (System.nanoTime), 0 before any ended. */
  long writerIdleSince() {
    return outbox.idleSince();
  }

  /**
   * Opens the caller's side of a context or stream with a fresh cid (the caller sends the {@code
   * cmd}). The caller must {@link #forget} it when done.
   */
  public ContextLink openContextLink(String func) {
    return calls.openContextLink(func);
  }

  /** Stops routing messages to a context; later ones for its cid are dropped. */
  public void forget(ContextLink link) {
    calls.forget(link);
  }

  /** The error a peer sent, boxed, and recorded for the flight recorder. */
  RemoteActorError received(Msg.Error e) {
    return recorded(e, RemoteActorError.from(e.info(), peer));
  }

  /**
   * {@link #received}, for the thread holding the reading: the local stack trace is filled in
   * where the error is raised ({@link RemoteActorError#received}), not of the loop.
   */
  RemoteActorError receivedByLoop(Msg.Error e) {
    return recorded(e, RemoteActorError.received(e.info(), peer));
  }

  private RemoteActorError recorded(Msg.Error e, RemoteActorError err) {
    JfrEvents.remoteError(actor.uid(), peer, e.cid(), err);
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

  /** A fresh call id: a random (version 4) UUID string, as tractor's (see {@link CallClient#newCid}). */
  public static String newCid() {
    return CallClient.newCid();
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
    return calls.call(ns, func, kwargs);
  }

  /**
   * Calls {@code ns.func} with a time limit, shielded from the caller's cancellation (for teardown).
   *
   * @return the result, or null if it did not answer in time or failed
   */
  public Object callShielded(String ns, String func, Map<String, Object> kwargs, Duration timeout) {
    return calls.callShielded(ns, func, kwargs, timeout);
  }

  /**
   * Reads and dispatches messages until the peer sends the sentinel, the connection ends, or a
   * frame is bad (see {@link ReaderRelay}). On the way out it fails every call still waiting here.
   * Returns when the loop has ended, whichever thread ended it.
   */
  void runLoop() {
    relay.run();
  }

  /** Cancels the RPC tasks this channel started and waits for them; {@code by} is who asked. */
  void cancelRpcTasks(Uid by) {
    dispatcher.cancelRpcTasks(by);
  }

  /** Calls and contexts waiting for messages on this connection (for {@link Bookkeeping}). */
  int inboxCount() {
    return calls.inboxCount();
  }

  /** RPC tasks the peer started here that have not finished (for {@link Bookkeeping}). */
  int rpcTaskCount() {
    return dispatcher.rpcTaskCount();
  }

  /**
   * How many messages on this connection a waiting task read from the socket itself, lent the
   * reading (see {@link ReaderRelay#readFor}): a diagnostic, and for tests.
   */
  public long lentReads() {
    return relay.lentReads();
  }

  /**
   * How many messages on this connection a call run by the reader read itself while it slept
   * (see {@code ReaderRelay.SleepReading}): a diagnostic, and for tests.
   */
  public long sleepingReads() {
    return relay.sleepingReads();
  }

  /**
   * How many loans of this connection's reading the watch had to take back from a task that
   * stayed away (see {@link ReadingLoan}); 0 where nothing is lent. A diagnostic, and for tests.
   */
  public long loansTakenBack() {
    ReadingLoan loan = relay.loan();
    return loan == null ? 0 : loan.takenBack();
  }

  /**
   * How many times a task was started to write stream items queued behind a burst (see {@link
   * Outbox#sendItemBehind}): a diagnostic, and for tests.
   */
  public long writersStarted() {
    return outbox.writersStarted();
  }

  /**
   * How many stream items went to the peer in their decoded form, not encoded: only on an
   * in-memory link (see {@link Outbox#sendItemBehind}). A diagnostic, and for tests.
   */
  public long decodedItemsSent() {
    return outbox.decodedItemsSent();
  }

  /** Threads taking part in the relay of readers (for {@link Bookkeeping}). */
  int readerCount() {
    return relay.readerCount();
  }

  @Override
  public String toString() {
    return "PeerChannel[" + peer + "]";
  }
}
