package io.jtractor.sc;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A channel for passing objects between tasks of one process: the two ends of a buffer that
 * {@link #open(int)} creates. Prior art: trio's {@code open_memory_channel}; its semantics are kept:
 *
 * <ul>
 *   <li>the buffer holds 0 (a rendezvous: a send waits for a receiver), N, or {@link #UNBOUNDED}
 *       items; {@code send} blocks while it is full, {@code receive} while it is empty; both are
 *       checkpoints;
 *   <li>either end can be {@code clone()}d; the channel lives as long as some clone of each side
 *       is open;
 *   <li>once every send end is closed, receivers get what is buffered and then {@link
 *       EndOfChannel} (iteration just ends);
 *   <li>once every receive end is closed, senders get {@link BrokenResourceError} (also those
 *       blocked) and buffered items are dropped;
 *   <li>an end used after it was closed, or closed while a task is blocked on it, raises {@link
 *       ClosedResourceError} in that task;
 *   <li>a task that waits is served in order of arrival (FIFO), and an item handed to a task that is
 *       cancelled at that moment is never lost: either the task gets it or it stays in the channel.
 * </ul>
 *
 * <p>Null items are rejected: null is what {@link ReceiveChannel#receiveOrClosed()} and {@link
 * ReceiveChannel#tryReceive()} return to mean "nothing".
 *
 * @param sender the first send end
 * @param receiver the first receive end
 * @param <T> the item type
 */
public record MemoryChannel<T>(SendChannel<T> sender, ReceiveChannel<T> receiver) {

  /**
   * @throws IllegalArgumentException if the ends belong to different channels
   */
  public MemoryChannel {
    java.util.Objects.requireNonNull(sender, "sender");
    java.util.Objects.requireNonNull(receiver, "receiver");
    if (sender.state() != receiver.state()) {
      throw new IllegalArgumentException("the two ends belong to different channels");
    }
  }

  /** A buffer size with no limit: {@code send} never blocks. */
  public static final int UNBOUNDED = Integer.MAX_VALUE;

  /**
   * Opens a channel.
   *
   * @param maxBufferSize 0 for a rendezvous, a positive size, or {@link #UNBOUNDED}
   * @throws IllegalArgumentException if {@code maxBufferSize} is negative
   */
  public static <T> MemoryChannel<T> open(int maxBufferSize) {
    return open(maxBufferSize, null);
  }

  /**
   * Opens a channel whose buffer size bounds only the items {@code bounded} accepts: the others
   * never wait and are never counted (a message that must always get through, beside a stream of
   * items that must wait for room). Such an item sent while a sender waits for room goes ahead of
   * that sender's item, which is not in the channel yet. Where trio's channels have one kind of item, not two.
   *
   * @param maxBufferSize 0 for a rendezvous, a positive size, or {@link #UNBOUNDED}: how many items
   *     that {@code bounded} accepts may be buffered
   * @param bounded which items the buffer size bounds; null for all of them ({@link #open(int)})
   * @throws IllegalArgumentException if {@code maxBufferSize} is negative
   */
  public static <T> MemoryChannel<T> open(int maxBufferSize, Predicate<? super T> bounded) {
    checkSize(maxBufferSize);
    State<T> state = new State<>(maxBufferSize, bounded);
    return new MemoryChannel<>(new SendChannel<>(state), new ReceiveChannel<>(state));
  }

  static void checkSize(int maxBufferSize) {
    if (maxBufferSize < 0) {
      throw new IllegalArgumentException("buffer size must be >= 0, got " + maxBufferSize);
    }
  }

  /**
   * A snapshot of a channel's state, as trio's {@code statistics()}.
   *
   * @param currentBufferUsed items buffered now
   * @param maxBufferSize the buffer size given to {@link #open(int)}, or set since ({@link
   *     ReceiveChannel#resize})
   * @param openSendChannels send ends (clones included) not yet closed
   * @param openReceiveChannels receive ends not yet closed
   * @param tasksWaitingSend tasks blocked in {@code send}
   * @param tasksWaitingReceive tasks blocked in {@code receive}
   */
  public record Statistics(
      int currentBufferUsed,
      int maxBufferSize,
      int openSendChannels,
      int openReceiveChannels,
      int tasksWaitingSend,
      int tasksWaitingReceive) {}

  /**
   * A task parked on the channel: a sender whose item waits here until a receiver takes it (the
   * buffer was full), or a receiver waiting here for an item to be handed to it directly. Direct
   * hand-off is what makes waiters first come, first served, and lets a task that is cancelled at
   * the moment of hand-off keep what it was handed.
   */
  static final class Parked<T> {
    static final int PENDING = 0;
    static final int DONE = 1;
    static final int BROKEN = 2;
    static final int CLOSED = 3;

    final Object end;
    /** The waiting task's thread, unparked once the lock that resolved it is released. */
    final Thread waiter = Thread.currentThread();
    T item; // guarded by the channel's lock; published to a spinning waiter by the volatile outcome
    volatile int outcome = PENDING; // written under the channel's lock; read by the waiter while it spins

    /**
     * How long a waiter spins (releasing the lock) before it parks. A hand-off between two
     * running threads then costs no park/unpark, which is most of the cost of a rendezvous on a
     * multi-core machine; on one core spinning only delays the other side.
     */
    static final int SPINS = Runtime.getRuntime().availableProcessors() > 1 ? 256 : 0;

    /**
     * Spins, with {@code lock} released, while this is pending; returns with {@code lock} held.
     */
    void spinWhilePending(ReentrantLock lock) {
      spinWhilePending(lock, 0);
    }

    /**
     * Like {@link #spinWhilePending(ReentrantLock)}, but spins for up to {@code spinNanos} (at
     * least {@link #SPINS} times) when that is longer; no spinning at all on one CPU.
     */
    void spinWhilePending(ReentrantLock lock, long spinNanos) {
      if (SPINS == 0) return;
      lock.unlock(); // nothing to wake: a waiter has resolved no one when it comes to wait
      try {
        for (int i = 0; i < SPINS && outcome == PENDING; i++) {
          Thread.onSpinWait();
        }
        if (spinNanos > 0 && outcome == PENDING) {
          boolean virtual = Thread.currentThread().isVirtual();
          long until = System.nanoTime() + spinNanos;
          do {
            for (int i = 0; i < 64 && outcome == PENDING; i++) Thread.onSpinWait();
            // Yield between bursts: the thread that will hand the item over may have been woken on
            // this very CPU and would otherwise wait for the spin to end (measured on 2 vCPUs: a
            // Portal.run echo's p99 275-320 -> 145-165 us, its mean 56-62 -> 43-50 us). Not on a
            // virtual thread: its yield unmounts it and may wake another carrier, the very cost
            // the spin is there to avoid.
            if (!virtual && outcome == PENDING) Thread.yield();
          } while (outcome == PENDING && System.nanoTime() - until < 0);
        }
      } finally {
        lock.lock();
      }
    }

    Parked(Object end, T item) {
      this.end = end;
      this.item = item;
    }
  }

  /** Everything shared by the ends of one channel; every field is guarded by {@link #lock}. */
  static final class State<T> {
    final ReentrantLock lock = new ReentrantLock();
    /** How many bounded items the buffer may hold ({@link ReceiveChannel#resize} changes it). */
    int capacity;
    /** Which items {@link #capacity} bounds; null for all. */
    final Predicate<? super T> bounded;
    final ArrayDeque<T> buffer = new ArrayDeque<>();
    /** How many of the buffer's items are bounded: its size when every item is. */
    int boundedInBuffer;
    /**
     * Non-empty only while the buffer is full (of bounded items). Made for one waiter, as the
     * next: most channels (a call's answers, a context's inbox) never see more at once, and
     * each channel then costs two small arrays less (they grow when they must).
     */
    final ArrayDeque<Parked<T>> blockedSenders = new ArrayDeque<>(1);
    /** Non-empty only while the buffer is empty and no sender is blocked. */
    final ArrayDeque<Parked<T>> blockedReceivers = new ArrayDeque<>(1);
    int openSenders = 1;
    int openReceivers = 1;
    /**
     * Waiters resolved (or to look again) under the lock, unparked by {@link #unlockAndWake} once
     * it is released: a platform thread woken while the lock is held may run at once, find the
     * lock taken and park again (measured: a ping-pong with a platform thread at one end ran at
     * half the rate). Guarded by {@link #lock}.
     */
    private final ArrayList<Thread> toWake = new ArrayList<>(2);

    State(int capacity, Predicate<? super T> bounded) {
      this.capacity = capacity;
      this.bounded = bounded;
    }

    private boolean isBounded(T item) {
      return bounded == null || bounded.test(item);
    }

    private boolean hasRoomLocked() {
      return capacity == UNBOUNDED || boundedInBuffer < capacity;
    }

    /** Moves the items of blocked senders into the buffer while it has room, first come first. */
    void admitBlockedSendersLocked() {
      Parked<T> next;
      while (hasRoomLocked() && (next = blockedSenders.pollFirst()) != null) {
        buffer.addLast(next.item);
        boundedInBuffer++; // a blocked sender's item is always a bounded one
        resolve(next, Parked.DONE);
      }
    }

    /** Every buffered item is dropped (every receive end closed). */
    void dropBufferLocked() {
      buffer.clear();
      boundedInBuffer = 0;
    }

    /** Releases the lock, then wakes the waiters resolved while it was held. Every unlock goes here. */
    void unlockAndWake() {
      int n = toWake.size();
      if (n == 0) {
        lock.unlock();
        return;
      }
      Thread first = toWake.get(0);
      Thread[] rest = n == 1 ? null : toWake.subList(1, n).toArray(new Thread[0]);
      toWake.clear();
      lock.unlock();
      LockSupport.unpark(first);
      if (rest != null) for (Thread t : rest) LockSupport.unpark(t);
    }

    /** Marks {@code p}'s waiter to be woken at the unlock, to look at its outcome or the channel again. */
    void wake(Parked<T> p) {
      toWake.add(p.waiter);
    }

    /**
     * The waiter: waits, the lock released (waking whoever it resolved), until unparked or
     * cancelled; returns with the lock held. A cancellation raises {@link Cancelled} with the lock
     * held; an interrupt that is not one is ignored (see {@link TaskContext#onInterrupt()}). A
     * park that ends early (a permit left by an earlier unpark, or spuriously) returns too: the
     * caller looks at its outcome again. It never throws {@code InterruptedException}, so a
     * cancelled wait makes no exception of its own.
     */
    void awaitUnlocked(TaskContext task) {
      unlockAndWake();
      try {
        Waiting.park(task, this, Long.MAX_VALUE);
      } finally {
        lock.lock(); // before a Cancelled leaves: it is raised with the lock held
      }
    }

    /** Puts {@code item} into the channel without waiting, if that is possible. */
    boolean offerLocked(T item) {
      Parked<T> receiver = blockedReceivers.pollFirst();
      if (receiver != null) {
        receiver.item = item;
        resolve(receiver, Parked.DONE);
        return true;
      }
      if (!isBounded(item)) {
        buffer.addLast(item);
        return true;
      }
      if (hasRoomLocked()) {
        buffer.addLast(item);
        boundedInBuffer++;
        return true;
      }
      return false;
    }

    /** Takes the next item, refilling the buffer from the first blocked sender; null if none. */
    T takeLocked() {
      T item = buffer.pollFirst();
      if (item != null) {
        if (isBounded(item)) boundedInBuffer--;
        admitBlockedSendersLocked();
        return item;
      }
      Parked<T> sender = blockedSenders.pollFirst();
      if (sender != null) {
        resolve(sender, Parked.DONE);
        return sender.item;
      }
      return null;
    }

    void resolve(Parked<T> p, int outcome) {
      p.outcome = outcome;
      wake(p);
    }

    /** Resolves and removes every parked task of {@code end} (or all, if null) in {@code queue}. */
    void resolveAll(ArrayDeque<Parked<T>> queue, Object end, int outcome) {
      for (var it = queue.iterator(); it.hasNext(); ) {
        Parked<T> p = it.next();
        if (end == null || p.end == end) {
          it.remove();
          resolve(p, outcome);
        }
      }
    }

    Statistics statistics() {
      lock.lock();
      try {
        return new Statistics(
            buffer.size(),
            capacity,
            openSenders,
            openReceivers,
            blockedSenders.size(),
            blockedReceivers.size());
      } finally {
        unlockAndWake();
      }
    }
  }
}
