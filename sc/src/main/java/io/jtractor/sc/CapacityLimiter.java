package io.jtractor.sc;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Limits how many tasks may use a resource at once: a fair (first come, first served) semaphore
 * whose tokens are owned by a borrower. Prior art: trio's {@code CapacityLimiter}. As in trio, a
 * borrower may hold at most one token, and only the borrower that acquired a token may release
 * it; the default borrower is the calling thread. Any thread may call any method.
 *
 * <p>A waiter parks on its own thread, and whoever hands it a token unparks it after releasing the
 * lock, as {@link Event} and a channel's waits do: a task cancelled while it waits makes no {@code
 * InterruptedException}, and no waiter is woken while the lock is held (docs/design.md, "The
 * cancel's own CPU").
 */
public final class CapacityLimiter {

  /**
   * A snapshot of the limiter's state.
   *
   * @param borrowedTokens tokens in use
   * @param totalTokens the limit
   * @param borrowers who holds them, in order of acquisition
   * @param tasksWaiting how many are blocked in {@code acquire}
   */
  public record Statistics(int borrowedTokens, int totalTokens, List<Object> borrowers, int tasksWaiting) {}

  private final ReentrantLock lock = new ReentrantLock();
  private int totalTokens; // guarded by lock
  private final Set<Object> borrowers = new LinkedHashSet<>(); // guarded by lock
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>(); // guarded by lock

  private static final class Waiter {
    final Object borrower;
    /** The thread parked in {@link #acquireOnBehalfOf}, unparked once it holds the token. */
    final Thread thread;
    /** Set under the limiter's lock when the token is handed over; read by the waiter without it. */
    volatile boolean done;

    Waiter(Object borrower, Thread thread) {
      this.borrower = borrower;
      this.thread = thread;
    }
  }

  /**
   * @param totalTokens how many borrowers may hold a token at once; at least 1
   */
  public CapacityLimiter(int totalTokens) {
    checkTotal(totalTokens);
    this.totalTokens = totalTokens;
  }

  private static void checkTotal(int totalTokens) {
    if (totalTokens < 1) {
      throw new IllegalArgumentException("total tokens must be at least 1, got " + totalTokens);
    }
  }

  /** Acquires a token for the calling thread, waiting in line if none is free; a checkpoint. */
  public void acquire() {
    acquireOnBehalfOf(Thread.currentThread());
  }

  /**
   * Acquires a token for {@code borrower}, waiting in line if none is free; a checkpoint.
   *
   * @throws IllegalStateException if {@code borrower} already holds a token
   */
  public void acquireOnBehalfOf(Object borrower) {
    Objects.requireNonNull(borrower, "borrower");
    TaskContext task = TaskContext.current();
    task.checkCancelled();
    Waiter w = new Waiter(borrower, Thread.currentThread());
    lock.lock();
    try {
      if (grantNow(borrower)) return;
      waiters.addLast(w);
    } finally {
      lock.unlock();
    }
    try {
      // A hand-over after the look above unparks this thread, leaving a permit if it is not
      // parked yet; a park that ends early for another reason comes round the loop.
      while (!w.done) {
        Waiting.park(task, this, Long.MAX_VALUE); // a cancellation raises Cancelled
      }
    } catch (Throwable t) {
      Thread wake = null;
      lock.lock();
      try {
        if (!w.done) {
          waiters.remove(w);
        } else if (t instanceof Cancelled) {
          return; // the token arrived with the cancellation: keep it, the next checkpoint raises
        } else {
          borrowers.remove(borrower); // granted, but this acquire fails: the token goes on
          wake = handOutOne();
        }
      } finally {
        lock.unlock();
      }
      if (wake != null) LockSupport.unpark(wake);
      throw t;
    }
  }

  /** Takes a token for the calling thread if one is free now; never blocks. */
  public boolean tryAcquire() {
    return tryAcquireOnBehalfOf(Thread.currentThread());
  }

  /** Takes a token for {@code borrower} if one is free now; never blocks. */
  public boolean tryAcquireOnBehalfOf(Object borrower) {
    Objects.requireNonNull(borrower, "borrower");
    lock.lock();
    try {
      return grantNow(borrower);
    } finally {
      lock.unlock();
    }
  }

  private boolean grantNow(Object borrower) {
    if (borrowers.contains(borrower)) {
      throw new IllegalStateException(borrower + " already holds a token of this limiter");
    }
    if (waiters.isEmpty() && borrowers.size() < totalTokens) {
      borrowers.add(borrower);
      return true;
    }
    return false;
  }

  /** Returns the calling thread's token. */
  public void release() {
    releaseOnBehalfOf(Thread.currentThread());
  }

  /**
   * Returns {@code borrower}'s token, handing it to the first waiter.
   *
   * @throws IllegalStateException if {@code borrower} holds no token
   */
  public void releaseOnBehalfOf(Object borrower) {
    Thread wake;
    lock.lock();
    try {
      if (!borrowers.remove(borrower)) {
        throw new IllegalStateException(borrower + " holds no token of this limiter");
      }
      wake = handOutOne();
    } finally {
      lock.unlock();
    }
    if (wake != null) LockSupport.unpark(wake);
  }

  /**
   * Gives the first waiter a token if one is free (lock held).
   *
   * @return its thread, to unpark once the lock is released; null if none was let in
   */
  private Thread handOutOne() {
    if (waiters.isEmpty() || borrowers.size() >= totalTokens) return null;
    Waiter w = waiters.removeFirst();
    borrowers.add(w.borrower);
    w.done = true;
    return w.thread;
  }

  /**
   * Acquires a token for the calling thread and returns a handle that releases it: {@code try
   * (var t = limiter.hold()) { ... }}.
   */
  public Token hold() {
    acquire();
    Thread borrower = Thread.currentThread();
    return () -> releaseOnBehalfOf(borrower);
  }

  /** A held token; closing it releases it. */
  @FunctionalInterface
  public interface Token extends AutoCloseable {
    /** Releases the token. */
    @Override
    void close();
  }

  /** The limit. */
  public int totalTokens() {
    lock.lock();
    try {
      return totalTokens;
    } finally {
      lock.unlock();
    }
  }

  /** Changes the limit; raising it lets waiters in at once, lowering it takes effect as tokens return. */
  public void setTotalTokens(int newTotal) {
    checkTotal(newTotal);
    List<Thread> wake = new ArrayList<>();
    lock.lock();
    try {
      totalTokens = newTotal;
      for (Thread t; (t = handOutOne()) != null; ) wake.add(t);
    } finally {
      lock.unlock();
    }
    for (Thread t : wake) LockSupport.unpark(t);
  }

  /** Tokens in use. */
  public int borrowedTokens() {
    lock.lock();
    try {
      return borrowers.size();
    } finally {
      lock.unlock();
    }
  }

  /** Tokens free now (zero if the limit was lowered below what is borrowed). */
  public int availableTokens() {
    lock.lock();
    try {
      return Math.max(0, totalTokens - borrowers.size());
    } finally {
      lock.unlock();
    }
  }

  /** A consistent snapshot. */
  public Statistics statistics() {
    lock.lock();
    try {
      return new Statistics(borrowers.size(), totalTokens, List.copyOf(borrowers), waiters.size());
    } finally {
      lock.unlock();
    }
  }
}
