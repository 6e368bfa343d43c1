package io.jtractor.runtime;

import io.jtractor.wire.MemoryConnection;
import io.jtractor.wire.MsgCodec;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One side's end of a context's lane: where both actors of a context share a JVM and an in-memory
 * connection, a stream item or a credit grant goes from the task that sends it straight to the
 * other side's {@link ContextLink}, as an item of a {@code MemoryChannel} goes from task to task,
 * instead of through this connection's writer task, pipe and the peer's message loop (four
 * threads' turns per burst, and a batch held back on each). An item crosses as its bare value,
 * with no message record around it ({@link ContextInbox} tells the two apart).
 *
 * <p>The order is the connection's. A frame this side sends through the connection (a {@code
 * started}, a {@code stop}, an item that must be encoded) is counted here before it leaves ({@link
 * #counted}); the other side counts each frame of ours its loop routed to it, once its task can
 * see it ({@link #routed}). An item takes the lane only while the two counts are equal
 * ({@link #clear}): nothing this side sent earlier is still on its way, so the item cannot
 * overtake it; and what is sent after it, through the connection, arrives after it, since the lane
 * delivers before the send returns. Two tasks sending on one context at once have no order between
 * them either way. A frame counted on one side and not on the other leaves the counts unequal
 * for good, which keeps the context's items on the connection: slower, never out of order.
 *
 * <p>Only values that are immutable and exactly what decoding would give take the lane
 * ({@code MsgCodec.decodedForm}); anything else is encoded and crosses as a copy.
 *
 * <p>Flow control: an item on the lane takes no credit. It waits, as on a bounded {@code
 * MemoryChannel}, while the other side's inbox holds as many of the lane's items as its stream's
 * buffer ({@code ContextInbox.resizeLane}), and only an item sent with backpressure takes the lane
 * (one without must meet the overrun check of the loop). Credit still bounds the items that go
 * through the connection, and is granted as those are consumed; a grant only permits, so it takes
 * the lane once the sides have met. Where we deviate: a stream that mixes both kinds may hold up
 * to a buffer of each unconsumed, as the two bounds do not know of each other.
 *
 * <p>Prior art: Erlang delivers a message to a process on its own node straight into its
 * mailbox and one to another node through the distribution connection, and keeps the order per
 * pair of processes either way; Akka's local and remote actor references. Where we deviate: both
 * ways exist between the same two actors here, chosen item by item, so the order is kept by the
 * counts above rather than by the path; and a lane never carries a mutable value.
 *
 * <p>Threads: {@link #sent} is updated by this side's sending tasks; {@link #routedHere} by
 * whoever holds this side's reading; {@link #other} is written once, by whichever side meets the
 * other, and {@link #open} once, when this side leaves. There is a lane only on a {@code
 * MemoryConnection}, and only where the tuning asks for one ({@link Tuning#streamLanes}).
 */
final class ContextLane {
  /** What a side waits under in the connection's meeting place until the other side comes. */
  private record Key(String cid) {}

  private final ContextLink link;
  /** This side's end of the connection: the other side's is another. */
  private final PeerChannel chan;
  private final ConcurrentMap<Object, Object> place;
  private final Key key;
  /** Frames this side sent through the connection to the other side, counted before they left. */
  private final AtomicLong sent = new AtomicLong();
  /**
   * Frames from the other side that this side's loop routed here. Atomic, though one thread at a
   * time routes: a holder that lends the reading as it routes counts after the loan.
   */
  private final AtomicLong routedHere = new AtomicLong();
  /** The other side, once met; written once. */
  private volatile ContextLane other;
  /** False once this side no longer takes messages (its link was forgotten). */
  private volatile boolean open = true;

  private ContextLane(ContextLink link, PeerChannel chan, ConcurrentMap<Object, Object> place, String cid) {
    this.link = link;
    this.chan = chan;
    this.place = place;
    this.key = new Key(cid);
  }

  /**
   * This side's lane, not yet in the meeting place (see {@link #meet}); null on a connection that
   * is not in memory, where the tuning has no lanes ({@link Tuning#streamLanes}), or where this
   * end's reader has a frame limit too small to take any decoded item unseen.
   */
  static ContextLane of(ContextLink link, PeerChannel chan, String cid) {
    if (chan.tuning.streamLanes() != Tuning.StreamLanes.ALWAYS
        || !(chan.wire.connection() instanceof MemoryConnection mem)
        || chan.relay().loan() != null // a lent reading polls the inbox for messages only
        || !chan.wire.takesDecodedForms() // its reader must see such items as frames
        || !MsgCodec.hasDecodedForms(cid)) return null; // nor a cid too long for them
    return new ContextLane(link, chan, mem.meetingPlace(), cid);
  }

  /**
   * Meets the other side if it is already in the meeting place, else waits there for it. Called
   * once, as this side's link is complete: from then on the other side's tasks may use it.
   */
  void meet() {
    ContextLane[] met = {null};
    place.compute(key, (k, waiting) -> {
      if (waiting instanceof ContextLane o && o.chan != chan && o.link.isCallerSide() != link.isCallerSide()) {
        met[0] = o; // the other side: both leave the meeting place
        return null;
      }
      // Nobody yet (this side waits), or a side on this same end, or a second side of the same
      // kind under the same cid (a peer reusing a cid): the one there keeps its place, this one
      // goes without a lane.
      return waiting == null ? this : waiting;
    });
    ContextLane o = met[0];
    if (o != null) {
      other = o;
      o.other = this;
    }
  }

  /** This side no longer takes messages: the lane into it closes, and it leaves the meeting place. */
  void leave() {
    open = false;
    place.remove(key, this);
  }

  /** This side is about to send {@code n} frames through the connection. */
  void counted(int n) {
    sent.addAndGet(n);
  }

  /** {@code n} frames counted by {@link #counted} were not sent after all. */
  void uncounted(int n) {
    sent.addAndGet(-n);
  }

  /** This side's loop routed {@code n} frames of the other side here (the holder of the reading). */
  void routed(int n) {
    routedHere.addAndGet(n);
  }

  /**
   * The other side, if an item may take the lane to it now: it is open, and everything this side
   * sent through the connection has been routed there; else null.
   */
  ContextLink clear() {
    ContextLane o = other;
    if (o == null || !o.open || sent.get() != o.routedHere.get()) return null;
    return o.link;
  }

  /** The other side while it takes messages, whatever is on its way through the connection; else null. */
  ContextLink otherIfOpen() {
    ContextLane o = other;
    return o == null || !o.open ? null : o.link;
  }
}
