package io.jtractor.sc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A receive end's view for one receiving task at a time ({@link ReceiveChannel#batched}): it takes
 * what is buffered, up to a batch, under one acquisition of the channel's lock, and hands the items
 * out one by one with no lock at all. For a consumer of a long stream of small items, where taking
 * the lock per item is most of what an item costs.
 *
 * <p>Semantics kept (those of {@link ReceiveChannel#receive()}): items come out in the order they
 * were sent; each {@link #receive()} is a checkpoint; an item in the batch is never lost to a
 * cancellation (the next receive hands it out). The buffer's bound holds exactly: an item taken into
 * the batch goes on counting against it until it is handed out, so senders get no further ahead
 * than with a plain receive.
 *
 * <p>Where we deviate: room freed by handing out an item reaches a waiting sender without a
 * wake-up, so such a sender learns of it when the receiver next fills its batch (after at most a
 * batch of items), or, if the receiver stops taking items meanwhile (it waits elsewhere, say),
 * when the sender looks again, after {@link #FIRST_RECHECK_NANOS}, doubling up to {@link
 * #MAX_RECHECK_NANOS}. A sender that began waiting while the batch held nothing waits as before,
 * until woken; a fill that leaves room held wakes it, to wait that way. Prior art: the batched consumer side of bounded queues (JCTools' {@code drain}, the
 * LMAX Disruptor's batch processors); their consumers free slots item by item, which takes a
 * store-load fence per item that this view saves.
 *
 * <p>The channel's {@link MemoryChannel.Statistics} count what is in its buffer, not what the batch
 * holds.
 *
 * <p>Threads: one receiving task at a time uses {@link #receive()} and {@link #tryReceive()} (a
 * task handing the stream to another must hand it over with a happens-before edge, as any
 * handing-over does); {@link #consumer}, {@link #items}, {@link #bounded}, {@link #next}, {@link
 * #count} and {@link #takenHere} are confined to it. {@link #given} is guarded by the channel's lock; {@link #taken}
 * is written by the receiver (release) and read by senders under the lock (acquire).
 *
 * @param <T> the item type
 */
public final class BatchReceiver<T> {
  /** How long a sender waiting for room the batch holds waits before it looks again, at first. */
  static final long FIRST_RECHECK_NANOS = 100_000;
  /** The longest such a wait grows to. */
  static final long MAX_RECHECK_NANOS = 10_000_000;

  private final ReceiveChannel<T> receiver;
  private final Object[] items;
  /** Whether each of {@link #items} counts against the buffer. */
  private final boolean[] bounded;
  /** The receiving task's context, kept: looking it up per item cost more than the rest of a receive. */
  private TaskContext consumer;
  private int next;
  private int count;
  /** Bounded items handed to the batch by its fills. Guarded by the channel's lock. */
  private long given;
  /** Bounded items handed out of the batch: the receiver's own count, published to {@link #taken}. */
  private long takenHere;
  /** Bounded items handed out of the batch; see the class's thread rule. */
  @SuppressWarnings("unused") // through TAKEN
  private volatile long taken;
  /** Set once this end is closed: the batch's items are dropped, as a closed end's buffer is. */
  private volatile boolean ended;

  private static final VarHandle TAKEN;

  static {
    try {
      TAKEN = MethodHandles.lookup().findVarHandle(BatchReceiver.class, "taken", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  BatchReceiver(ReceiveChannel<T> receiver, int size) {
    this.receiver = receiver;
    this.items = new Object[size];
    this.bounded = new boolean[size];
  }

  /**
   * Receives the next item, waiting while there is none; a checkpoint.
   *
   * @throws EndOfChannel if every send end is closed and nothing is buffered
   * @throws ClosedResourceError if this end is closed (also by another task while waiting)
   */
  public T receive() {
    TaskContext task = consumer;
    if (task == null || !task.isCallingThreads()) consumer = task = TaskContext.current();
    task.checkCancelled();
    if (next < count || fill() > 0) return takeNext();
    return receiver.receive(); // nothing buffered: wait as a plain receive does
  }

  /**
   * Receives an item if one is ready; never blocks.
   *
   * @return the item, or null if none is ready now
   * @throws EndOfChannel if every send end is closed and nothing is buffered
   * @throws ClosedResourceError if this end is closed
   */
  public T tryReceive() {
    if (next < count || fill() > 0) return takeNext();
    return receiver.tryReceive(); // a waiting sender's item (an unbuffered channel), or the end
  }

  /** The receive end this batch takes from. */
  ReceiveChannel<T> receiver() {
    return receiver;
  }

  private int fill() {
    next = 0;
    count = receiver.fill(this, items, bounded);
    return count;
  }

  @SuppressWarnings("unchecked")
  private T takeNext() {
    if (ended) throw new ClosedResourceError("this receive channel is closed");
    int i = next++;
    T item = (T) items[i];
    items[i] = null;
    if (bounded[i]) TAKEN.setRelease(this, ++takenHere);
    return item;
  }

  /** A fill put {@code n} items into the batch: counts the bounded ones as held. Under the lock. */
  void filledLocked(boolean[] counts, int n) {
    for (int i = 0; i < n; i++) {
      if (counts[i]) given++;
    }
  }

  /** How many bounded items the batch holds, not yet handed out; never more than it does. Under the lock. */
  int held() {
    return (int) Math.max(0, given - (long) TAKEN.getAcquire(this));
  }

  /** This end was closed: what the batch holds no longer counts, and is not handed out. Under the lock. */
  void endLocked() {
    ended = true;
    given = (long) TAKEN.getAcquire(this);
  }
}
