package io.jtractor.runtime;

import io.jtractor.errors.TypeError;
import io.jtractor.wire.Msg;
import io.jtractor.wire.MsgCodec;
import java.util.function.BooleanSupplier;

/**
 * Every frame one side of a context sends, each preceded by whatever must go first: on the callee
 * side, the functype of a {@code _cancel_task} the task owes an answer to, so that it precedes
 * whatever the task sends as it unwinds (tractor's order). Stream items sent in a burst go through
 * the connection's write-behind queue; a lone item is written at once. On a {@link ContextLane}
 * (an in-process peer, where the tuning asks for lanes) an item the order allows goes straight to
 * the other side instead, and every frame that goes through the connection is counted for it.
 *
 * <p>Threads: the tasks using the context; {@link #beforeEachSend} is set once, before the task
 * runs; the times of the last item and {@link #receivedSinceYield} are shared by the sending and
 * receiving tasks (a race among several only blurs what counts as a burst).
 */
final class ContextSends {
  private final PeerChannel chan;
  private final String cid;
  /** The lane to the other side, on an in-memory connection; else null. */
  private final ContextLane lane;
  /**
   * Items sent closer together than this are a burst and go through the connection's write-behind
   * queue; a send after a longer pause (a round trip, at least) is written directly, which is the
   * faster path for one item ({@link Tuning#burstGapNanos}).
   */
  private final long burstGapNanos;
  /**
   * Whether a reply is always written at once: on an in-memory link, where the sending thread
   * hands it to the receiving side itself, with no system call to save; a round trip there is
   * shorter than {@link #burstGapNanos}.
   */
  private final boolean repliesAtOnce;
  /** When the sending of the last item began, and when it ended. */
  private volatile long lastYieldBegan = Long.MIN_VALUE / 2;
  private volatile long lastYieldAt = Long.MIN_VALUE / 2;
  /**
   * The last item was queued behind the connection's busy writer, with no clock read: the next
   * item's gap is timed from when that writer ended ({@link PeerChannel#writerIdleSince}).
   */
  private volatile boolean queuedBehind;
  /** An item arrived for this side since it last sent one: the next item may be the reply. */
  private volatile boolean receivedSinceYield;
  /**
   * Runs before each frame (the callee's owed cancel functype), and says whether a cancel is owed;
   * null on the caller side.
   */
  private volatile BooleanSupplier beforeEachSend;
  /**
   * Set once a cancel was owed before a send: the owed functype went through the connection, for
   * another cid, and must precede what the task sends as it unwinds, so nothing takes the lane
   * from then on. Written by the sending tasks.
   */
  private volatile boolean offLane;
  /**
   * The callee's {@code functype}, until it leaves with the task's first frame ({@link
   * #firstOut}); null once it has, and on the caller's side. Set before the task runs; cleared
   * under {@link #functypeLock}, read without it.
   */
  private volatile Msg.Functype functype;
  /** Held while the {@code functype} is written, so that no frame for this context overtakes it. */
  private final Object functypeLock = new Object();

  ContextSends(PeerChannel chan, String cid, ContextLane lane) {
    this.chan = chan;
    this.cid = cid;
    this.lane = lane;
    this.burstGapNanos = chan.tuning.burstGapNanos();
    this.repliesAtOnce = !chan.wire.connection().transport().kernelWakesReads();
  }

  /** The callee's side: sets what runs before each frame the task sends; it says whether a cancel is owed. */
  void beforeEachSend(BooleanSupplier r) {
    beforeEachSend = r;
  }

  private void beforeSend() {
    BooleanSupplier r = beforeEachSend;
    if (r != null && r.getAsBoolean() && !offLane) offLane = true;
  }

  /**
   * The callee's side, before its task runs, to a jtractor caller: the context's {@code functype}
   * goes out with the task's first frame (its {@code started}, or its outcome), in the same write,
   * instead of in a write of its own: the caller waits for both, and one write wakes its reader
   * once. (A tractor caller gets it at once: its start_remote_task waits for it.)
   */
  void functypeWithFirstFrame(Msg.Functype ft) {
    functype = ft;
  }

  /** How a caller of {@link #firstOut} writes its frames. */
  interface Write {
    void frames(Msg[] msgs);
  }

  /**
   * Writes {@code msgs} through {@code write}, after the {@code functype} while it has not left.
   * The functype is cleared only once its write returned, and writers meanwhile wait for it, so
   * nothing for this context can precede it on the wire; a write that fails leaves it to the next.
   */
  void firstOut(Write write, Msg... msgs) {
    if (functype == null) { // the usual case: it left with the first frame
      counted(write, msgs);
      return;
    }
    synchronized (functypeLock) {
      Msg.Functype ft = functype;
      if (ft == null) {
        counted(write, msgs);
        return;
      }
      Msg[] withFt = new Msg[msgs.length + 1];
      withFt[0] = ft;
      System.arraycopy(msgs, 0, withFt, 1, msgs.length);
      counted(write, withFt);
      functype = null;
    }
  }

  /** Writes {@code msgs} through the connection, counted for the lane first (see {@link ContextLane}). */
  private void counted(Write write, Msg[] msgs) {
    if (lane == null) {
      write.frames(msgs);
      return;
    }
    lane.counted(msgs.length);
    try {
      write.frames(msgs);
    } catch (IllegalArgumentException unencodable) { // nothing was sent
      lane.uncounted(msgs.length);
      throw unencodable;
    }
  }

  /** Sends {@code started}; a value msgpack cannot carry is the sender's {@link TypeError}. */
  void started(Object value) {
    beforeSend();
    sendEncoded(new Msg.Started(cid, value), "started");
  }

  /** This side's task took an item off the stream: what it sends next may answer it. */
  void received() {
    if (!receivedSinceYield) receivedSinceYield = true;
  }

  /**
   * Sends one stream item; a value msgpack cannot carry is the sender's {@link TypeError}. Items
   * closer together than {@link #burstGapNanos} are a burst, timed from the end of the item
   * before. A reply (an item sent after one was received) is timed from the start of the item
   * before, which it follows by a round trip however long writing that item took: timed from its
   * end, a slow write made a request's reply look like the next item of a burst, and the lone
   * item went through the writer task (a virtual thread started, a carrier woken). On an
   * in-memory link a reply is always written at once ({@link #repliesAtOnce}).
   */
  void yieldItem(Object value) {
    beforeSend();
    if (functype != null) firstOut(chan::sendQuietly); // a stream never opens before started: not the usual path
    boolean reply = receivedSinceYield;
    if (reply) receivedSinceYield = false;
    long now;
    boolean burst;
    try {
      // Behind a writer still busy with queued items it queues, whatever the timing (a write would
      // queue it too, to keep the order): the usual item of a burst reads no clock, and makes no
      // message record (the outbox encodes it straight into its frames).
      if (behind(value, false)) {
        queuedBehind = true;
        return;
      }
      now = System.nanoTime();
      // After items queued behind the writer the last item's time was not read; it was sent before
      // that writer ended, so the time since then is a gap no longer than the real one.
      long since = queuedBehind ? chan.writerIdleSince() : lastYieldAt;
      burst = reply ? !repliesAtOnce && now - lastYieldBegan < burstGapNanos : now - since < burstGapNanos;
      queuedBehind = false;
      if (burst) {
        behind(value, true); // a burst: queued for the connection's writer, no write per item
        lastYieldBegan = now;
        lastYieldAt = now; // queueing takes no time worth a second clock read
        return;
      }
    } catch (IllegalArgumentException e) {
      throw new TypeError("cannot send this yield value: " + e.getMessage(), e);
    }
    lone(value); // a lone item (e.g. request/response): written at once
    lastYieldBegan = now;
    lastYieldAt = System.nanoTime();
  }

  /**
   * Sends one stream item over the lane, if it may go there ({@link ContextLane}): waits (a
   * checkpoint) while the other side's inbox is full of the lane's items. False, with nothing sent,
   * if it must go through the connection ({@link #yieldItem}, after the credit it needs).
   */
  boolean laneYield(Object value) {
    if (lane == null) return false;
    beforeSend();
    return !offLane && functype == null && byLane(value);
  }

  /**
   * Hands an item's {@code value} to the other side over the lane, if it may take it ({@link
   * ContextLane#clear}) and the value has a decoded form: that value alone, with no message record;
   * false if it must go through the connection.
   */
  private boolean byLane(Object value) {
    ContextLink other = lane.clear();
    if (other == null) return false; // (a closed connection: the other side's look says so)
    Object decoded = MsgCodec.decodedValue(value);
    return decoded != MsgCodec.NO_DECODED_VALUE && other.takeFromLane(decoded);
  }

  /** {@link PeerChannel#sendItemBehind}, counted for the lane first. */
  private boolean behind(Object value, boolean startWriter) {
    if (lane == null) return chan.sendItemBehind(cid, value, startWriter);
    lane.counted(1);
    boolean queued = false;
    try {
      queued = chan.sendItemBehind(cid, value, startWriter);
      return queued;
    } finally {
      if (!queued) lane.uncounted(1);
    }
  }

  /** Sends a runtime frame for this context (stop, credit, an overrun error), ignoring a closed connection. */
  void quietly(Msg msg) {
    beforeSend();
    firstOut(chan::sendQuietly, msg);
  }

  /**
   * Writes a lone stream item at once, with no message record, counted for the lane first. Its
   * {@code functype} has left already ({@link #yieldItem} sends it first).
   */
  private void lone(Object value) {
    if (lane != null) lane.counted(1);
    try {
      chan.sendItem(cid, value);
    } catch (IllegalArgumentException e) { // nothing was sent
      if (lane != null) lane.uncounted(1);
      throw new TypeError("cannot send this yield value: " + e.getMessage(), e);
    }
  }

  /**
   * Sends, after the {@code functype} if it has not left ({@link #firstOut}); a value msgpack
   * cannot carry is the sender's {@link TypeError} (nothing is sent).
   */
  private void sendEncoded(Msg msg, String what) {
    try {
      firstOut(chan::send, msg);
    } catch (IllegalArgumentException e) {
      throw new TypeError("cannot send this " + what + " value: " + e.getMessage(), e);
    }
  }
}
