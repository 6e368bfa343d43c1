package io.jtractor.runtime;

import io.jtractor.sc.BrokenResourceError;
import io.jtractor.sc.ClosedResourceError;
import io.jtractor.sc.EndOfChannel;
import io.jtractor.sc.MemoryChannel;
import io.jtractor.sc.ReceiveChannel;
import io.jtractor.sc.Sc;
import io.jtractor.wire.Msg;
import java.util.ArrayList;

/**
 * The messages for one side of a context but credits, in arrival order. Messages never wait: the
 * bound on the stream items among them is counted by {@link StreamCredit}; only the items of a
 * {@link ContextLane} wait here for room ({@link #sendLane}). A stream item is here as its bare
 * value ({@link #item}) where it came over a lane, or over a connection that has no lanes (the
 * reader's per-item path makes no record); otherwise as its {@code Msg.Yield}, so that an inbox
 * with a lane can tell the lane's items, which take no credit, from the connection's. The reader may hold stream items back while it
 * knows more messages are buffered, and hand them over together ({@link #flush}): the consumer
 * wakes once per socket read, not once per item.
 *
 * <p>A task waiting here on a platform thread, or on a virtual thread where the connection can
 * block its carrier in the kernel ({@link ReaderRelay#lendsToVirtualThreads}), may be lent the
 * connection's reading ({@link ReaderRelay#readFor}): it then reads its next message from the
 * socket itself instead of being woken by a reader that did, as the two ends of a raw socket do.
 *
 * <p>Threads: the connection's reader puts, holds and flushes ({@link #deferred} is confined to
 * the thread holding the reading; the relay's hand-offs order it between holders); the tasks
 * using the context receive.
 */
final class ContextInbox implements ReaderRelay.Mailbox<Object> {
  /**
   * The messages, and stream items as bare values ({@link #item}: {@link #NULL_ITEM} for null). A
   * value in its decoded form is never a {@code Msg}, so the two cannot be confused. With lanes,
   * the channel's bound counts the lane's items, the only bare values then ({@link #resizeLane}); a
   * message never waits (the loop must not block), and the connection's stream items are bounded
   * by credit instead ({@link StreamCredit}). Without, it bounds nothing.
   */
  private final MemoryChannel<Object> channel;
  /** Whether a lane's items come here: then they are the only bare values here. */
  private final boolean laneItems;
  /** Stream items held back by the reader, to hand over together. */
  private final ArrayList<Object> deferred = new ArrayList<>();
  /** The relay whose reading a waiting task may be lent; null where it never lends it. */
  private final ReaderRelay relay;
  /** That relay's loan of the reading; null with it. */
  private final ReadingLoan loan;
  /**
   * The thread waiting in {@link #receive} that would take the reading, or null. Written
   * by that thread, read by the holder of the reading; with several waiting, the last to come.
   */
  private volatile Thread waitingReader;
  /** How many waits {@link #waitingReader}s began here; written by them, read by the holder. */
  private volatile long waits;
  /** When a lendable task's last wait here ended (System.nanoTime), 0 before the first; theirs. */
  private long lastWaitEnded;
  /**
   * Whether a stream item was sent on this context since the holder of the reading last lent a
   * waiter here the reading: the message now arriving may be the answer to it. Written by the
   * senders and the holder of the reading.
   *
   * <p>Only a conversation is lent: a request, its answer, the next request. Not a bulk transfer
   * (whose consumer sends no items, only credits), nor the messages that open a context. A loan
   * makes the socket's reads time-limited, which on the JDK's sockets switches them for good to
   * non-blocking reads and writes with a poll when the data is not there yet (three system calls
   * where a blocking read makes one): measured, that alone cost a bulk transfer 10-15% pinned
   * (docs/design.md, "Lending the reading to the woken task").
   */
  private volatile boolean sentSinceWoken;
  /** Whether the next loan is the opening's, and brief ({@link #opening}); as {@link #sentSinceWoken}. */
  private volatile boolean openingLoan;

  /** A lane item whose value is null: a channel holds no null. */
  static final Object NULL_ITEM = new Object();

  /**
   * @param relay the connection's relay of readers, or null
   * @param laneItems whether a {@link ContextLane}'s items may come here
   */
  ContextInbox(ReaderRelay relay, boolean laneItems) {
    this.laneItems = laneItems;
    this.channel = laneItems
        ? MemoryChannel.open(ContextLink.DEFAULT_BUFFER, item -> !(item instanceof Msg))
        : MemoryChannel.open(MemoryChannel.UNBOUNDED);
    this.loan = relay == null ? null : relay.loan();
    this.relay = loan == null ? null : relay;
  }

  /** The value of a stream item that {@link #receive} returned bare (anything but a {@code Msg}). */
  static Object value(Object item) {
    return item == NULL_ITEM ? null : item;
  }

  /** How a stream item's {@code value} waits here bare: {@link #NULL_ITEM} for null. */
  static Object item(Object value) {
    return value == null ? NULL_ITEM : value;
  }

  /** The reader: hands {@code msg} (a message, or a stream item as {@link #item}) over now (never blocks). */
  void put(Object msg) {
    try {
      channel.sender().trySend(msg);
    } catch (ClosedResourceError | BrokenResourceError gone) {
      // this side was forgotten meanwhile ({@link #closeForLane}): nobody will read it
    }
  }

  /**
   * The other side's task, over a lane: puts a stream item's value (in its decoded form, so never a
   * {@code Msg}), waiting (a checkpoint) while the lane's items fill the buffer, as a send on a
   * bounded {@code MemoryChannel} waits; false, with nothing put, if the inbox is closed.
   */
  boolean sendLane(Object value) {
    try {
      channel.sender().send(item(value));
      return true;
    } catch (ClosedResourceError | BrokenResourceError closed) {
      return false;
    }
  }

  /** How many items from the lane may wait here unconsumed (the stream's buffer, once it opens). */
  void resizeLane(int items) {
    if (!laneItems) return; // nothing here is bounded
    try {
      channel.receiver().resize(items);
    } catch (ClosedResourceError forgotten) {
      // nobody takes from here any more: no room to size
    }
  }

  /**
   * {@link #put}, for the holder of the reading: if this wakes a thread waiting here
   * that would take the reading, in a conversation ({@link #sentSinceWoken}, and nothing more has
   * arrived after this message: a bulk transfer is read best by a reader beside the task), lends
   * it the reading ({@link ReadingLoan#lendTo}). The message
   * goes in first, so no reader that the watch may start meanwhile can overtake it. Exact: if the
   * thread began another wait meanwhile (the message may not be what it waits for, and it may
   * have looked for a loan before this one was made), the loan is undone, unless it took it.
   *
   * @return true if the reading is lent: the caller no longer holds it
   */
  boolean putLending(Object msg) {
    Thread waiting = relay == null ? null : waitingReader;
    if (waiting == null || !sentSinceWoken || !loan.lendsNow() || !relay.quiet()) {
      put(msg);
      return false;
    }
    sentSinceWoken = false;
    boolean brief = openingLoan;
    if (brief) openingLoan = false;
    long wait = waits;
    put(msg);
    InlineCallWatch.Run lent = loan.lendTo(waiting, brief);
    return wait == waits || !loan.takeBack(lent);
  }

  /**
   * The opener sends the context's {@code cmd}: its answer ({@code started}) may be lent with, as
   * a stream item's answer is, so that the opener reads what it waits for next (its {@code
   * Context.cancel()}'s answers, say) itself. Briefly: nothing shows yet how soon it comes back.
   */
  void opening() {
    if (loan == null) return;
    openingLoan = true;
    sentSinceWoken = true;
  }

  /** A stream item was sent on this context (any thread). */
  void sent() {
    if (!sentSinceWoken && loan != null) sentSinceWoken = true;
  }

  /** The reader: holds {@code msg} back until {@link #flush}; true if it is the first held since. */
  boolean hold(Object msg) {
    boolean first = deferred.isEmpty();
    deferred.add(msg);
    return first;
  }

  /** The reader: hands over what it held back, in order, in one go; how many it held. */
  int flush() {
    int n = deferred.size();
    if (n == 0) return 0;
    try {
      channel.sender().trySendAll(deferred);
    } catch (ClosedResourceError | BrokenResourceError gone) {
      // this side was forgotten meanwhile ({@link #closeForLane}): nobody will read them
    }
    deferred.clear();
    return n;
  }

  /** No more messages will come: receivers get {@link EndOfChannel} once the inbox is empty. */
  void close() {
    channel.sender().close();
  }

  /**
   * This side was forgotten: nobody will take from here again. A task of the other side waiting
   * for room here ({@link #sendLane}) gives up, and its item goes the connection's way, where its
   * own side's state decides; anything delivered here later is dropped, as for an unknown cid.
   */
  void closeForLane() {
    channel.receiver().close();
  }

  /**
   * The next message, or the value of a stream item that came over a lane (see {@link
   * #laneValue}); a checkpoint.
   */
  Object receive() throws EndOfChannel {
    ReceiveChannel<Object> in = channel.receiver();
    boolean lendable = relay != null && (!Thread.currentThread().isVirtual() || relay.lendsToVirtualThreads());
    if (!lendable) return in.receive();
    long now = System.nanoTime();
    if (lastWaitEnded != 0) loan.recordGap(now - lastWaitEnded);
    try {
      return receiveLendable(in);
    } finally {
      lastWaitEnded = System.nanoTime();
    }
  }

  /** A wait that may take a loan of the reading up, or be made one ({@link #putLending}). */
  private Object receiveLendable(ReceiveChannel<Object> in) {
    try {
      Sc.checkpointIfCancelled();
      Object m = in.tryReceive();
      if (m != null) return m;
      // Announced before looking for a loan: one made from now on is found below, or its lender
      // sees this wait begin and undoes it (putLending).
      waitingReader = Thread.currentThread();
      waits++; // the only writer: the waiting task (one at a time per inbox, or the last one wins)
      if (loan.take()) { // lent to this thread since its last wait: read
        Object read = relay.readFor(this);
        if (read != null) return read;
      }
      return in.receive(); // if lent the reading meanwhile, this task holds it until its next wait
    } catch (Throwable e) { // a cancellation (an Error), the end of the connection, a failure
      // Leaving without a message: a loan made to this thread, before or during this wait, goes
      // back to the relay. Counted as a new wait first, so that a lender that saw this one and
      // lends after the look below undoes its loan (putLending).
      waits++;
      loan.giveBack();
      throw e;
    } finally {
      waitingReader = null;
    }
  }

  /** A task holding the reading: the next message or stream item if one is here, else null; never blocks. */
  @Override
  public Object poll() {
    try {
      return channel.receiver().tryReceive();
    } catch (EndOfChannel ended) {
      return null; // the loop ended: the task's own wait says so
    }
  }
}
