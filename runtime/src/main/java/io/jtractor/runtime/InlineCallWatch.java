package io.jtractor.runtime;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.LoggerFactory;

/**
 * Lets a connection's reader run a short call itself, without first waking another thread to
 * read on, and takes the reading away from it when the call turns out not to be short.
 *
 * <p>Why: handing the socket to another reader before running each call costs a thread wake-up
 * and a context switch per call (about half an echo's round trip: docs/design.md, "Measurements
 * moved from the code"). But a reader that runs a
 * call which then blocks, say on an answer that must arrive over this same connection, must not
 * keep the connection unread. So one daemon thread per JVM, this watch, looks at the calls readers
 * run inline and hands the reading of a call to another reader when it has run {@link
 * #HAND_OFF_AFTER_NANOS} and its thread is waiting (not runnable), or {@link
 * #HAND_OFF_RUNNABLE_AFTER_NANOS} whatever its thread does. The reader that ran it learns so when
 * its call ends and waits for its turn to read again, as any ex-reader does.
 *
 * <p>Prior art: Go's runtime, whose {@code sysmon} takes the processor away from a goroutine
 * blocked in a system call for too long and gives it to another thread; the leader/follower
 * pattern. Netty instead runs handlers on its event loop and asks their authors never to block;
 * an RPC function's author cannot be asked that. tractor has no such question: trio runs every
 * task on one thread.
 *
 * <p>While calls run inline the watch sleeps until the oldest of them reaches the first limit (and
 * then looks every tick while it stays runnable); in
 * the {@link #LINGER_NANOS} after the last one began it looks every {@link #TICK_NANOS} (a call
 * that begins then does not wake it); after that it sleeps for good ({@link LockSupport#park()})
 * and the next inline call wakes it. So back-to-back calls cost at most ~2,000 short wake-ups a
 * second of the watch, not a wake-up per call, and calls further apart than the linger cost one
 * {@code unpark} each.
 */
final class InlineCallWatch {
  private InlineCallWatch() {}

  /**
   * A call running inline longer than this while its thread waits (parked, sleeping, blocked on a
   * lock, or in the runtime's own socket write) has its connection's reading handed over.
   */
  static final long HAND_OFF_AFTER_NANOS = 1_000_000;
  /**
   * A call running inline longer than this has its connection's reading handed over even though
   * its thread is runnable. A runnable thread is computing, or only waiting for a CPU, or blocked
   * in foreign native I/O, which a platform thread shows as runnable too. On a busy machine a
   * preempted call easily passes {@link #HAND_OFF_AFTER_NANOS}, and each needless hand-off sends
   * the next calls on the connection the slow way (docs/design.md, "Measurements moved from the code").
   */
  static final long HAND_OFF_RUNNABLE_AFTER_NANOS = 10_000_000;
  /** How often the watch looks while calls run inline. */
  static final long TICK_NANOS = HAND_OFF_AFTER_NANOS / 2;
  /** How long the watch keeps ticking after the last inline call began, before it sleeps. */
  static final long LINGER_NANOS = 5_000_000;

  /**
   * One call a reader runs itself: RUNNING, then FINISHED (by the reader) or HANDED_OFF (by the
   * watch, or by the call giving the reading up before a wait). A call that keeps the reading
   * while it sleeps goes RUNNING -> READING -> RUNNING (or HANDED_OFF, if it passed the reading on
   * as it read); the watch leaves a READING run alone.
   */
  static final class Run {
    static final int RUNNING = 0;
    static final int FINISHED = 1;
    static final int HANDED_OFF = 2;
    /** The call's thread reads the connection itself while it sleeps: not to be handed off meanwhile. */
    static final int READING = 3;

    final Runnable handOff;
    /**
     * When the call began, moved later by the time it spent reading while it slept ({@link
     * #endReading}): the watch's limits count the call's time outside those reads, all of it, so
     * a call that computes between short sleeps still reaches them. Written by the call's thread
     * (before it changes the state), read by the watch (after it reads the state).
     */
    volatile long startedNanos;
    /** When the call's thread began reading while it slept; the call's thread only. */
    private long readingSince;
    /** The reader running the call. */
    final Thread reader;
    /** After this, the reading is taken away even from a runnable thread. */
    final long runnableLimitNanos;
    /** Who won, the reader finishing or the watch handing off; changed once, by CAS. */
    private final AtomicInteger state = new AtomicInteger(RUNNING);

    private Run(Runnable handOff, long startedNanos, Thread reader, long runnableLimitNanos) {
      this.handOff = handOff;
      this.startedNanos = startedNanos;
      this.reader = reader;
      this.runnableLimitNanos = runnableLimitNanos;
    }

    /**
     * Whether the reader is in the runtime's own socket write (a reply): it counts as waiting, for
     * a platform thread blocked in a write to a peer that reads slowly shows as runnable. Written
     * by the reader, read by the watch.
     */
    volatile boolean inOwnWrite;

    /** Whether the watch should take the reading away {@code now}. */
    boolean due(long now) {
      if (state.get() == READING) return false;
      long age = now - startedNanos; // read after the state: a read that just ended has moved it
      return age >= runnableLimitNanos
          || (age >= HAND_OFF_AFTER_NANOS && (inOwnWrite || reader.getState() != Thread.State.RUNNABLE));
    }

    /**
     * Called by the reader when its call has ended.
     *
     * @return true if it is still the reader; false if the watch handed the reading over
     */
    boolean finish() {
      return state.compareAndSet(RUNNING, FINISHED);
    }

    private boolean claimForHandOff() {
      return state.compareAndSet(RUNNING, HANDED_OFF);
    }

    /** The call's thread, about to read while it sleeps: true if it still holds the reading. */
    boolean beginReading() {
      readingSince = System.nanoTime();
      return state.compareAndSet(RUNNING, READING);
    }

    /** The call's thread stops reading: it holds the reading again, or gave it up. */
    void endReading(boolean stillHeld) {
      if (stillHeld) {
        startedNanos += System.nanoTime() - readingSince; // the limits do not count the read
        state.compareAndSet(READING, RUNNING);
      } else if (state.compareAndSet(READING, HANDED_OFF)) {
        RUNNING_RUNS.remove(this); // nothing left for the watch to take
      }
    }

    /** The call's thread gives the reading up before it waits otherwise: true if it had it. */
    boolean giveUp() {
      if (state.get() == READING) throw new IllegalStateException("a wait while reading in a sleep: the reading would be held by a parked thread");
      if (!state.compareAndSet(RUNNING, HANDED_OFF)) return false;
      RUNNING_RUNS.remove(this); // nothing left for the watch to take
      return true;
    }
  }

  /** The calls running inline now. Any thread. */
  private static final Set<Run> RUNNING_RUNS = ConcurrentHashMap.newKeySet();
  /** When the last inline call began (System.nanoTime); written by readers, read by the watch. */
  private static volatile long lastBegan;
  /** Whether the watch is (about to be) parked for good; a Dekker pair with {@link #lastBegan}. */
  private static volatile boolean sleeping = true;
  /** The watch thread, started with the first inline call. Guarded by the class lock. */
  private static Thread watch;

  /**
   * Records that the calling reader starts running a call itself. {@code handOff} is what the
   * watch runs (on its own thread) if the call takes too long: pass the reading to another thread.
   * The reader must call {@link Run#finish()} when the call ends, and {@link #end} after it.
   */
  static Run begin(Runnable handOff) {
    long now = System.nanoTime();
    Run run = new Run(handOff, now, Thread.currentThread(), HAND_OFF_RUNNABLE_AFTER_NANOS);
    CURRENT.set(run);
    RUNNING_RUNS.add(run);
    lastBegan = now;
    if (sleeping) wake();
    return run;
  }

  /**
   * Records that {@code holder}, a task waiting for this connection's messages, holds the reading
   * between its waits (see {@link ReaderRelay}): the watch takes it away, as from a call run
   * inline, if the holder does not come back to read in time. Unlike {@link #begin}, the calling
   * thread may be another (the reader lending the reading); nothing is recorded for it.
   */
  static Run reserve(Runnable handOff, Thread holder) {
    return reserve(handOff, holder, false);
  }

  /**
   * {@link #reserve(Runnable, Thread)}; {@code brief}: taken away after {@link
   * #HAND_OFF_AFTER_NANOS} whatever the holder does, runnable or not (a loan made where no earlier
   * wait shows how soon the holder comes back, see {@code ReadingLoan}).
   */
  static Run reserve(Runnable handOff, Thread holder, boolean brief) {
    long now = System.nanoTime();
    Run run = new Run(handOff, now, holder, brief ? HAND_OFF_AFTER_NANOS : HAND_OFF_RUNNABLE_AFTER_NANOS);
    RUNNING_RUNS.add(run);
    lastBegan = now;
    if (sleeping) wake();
    return run;
  }

  /** Forgets a run that has finished or was handed off. */
  static void end(Run run) {
    RUNNING_RUNS.remove(run);
    if (CURRENT.get() == run) CURRENT.remove();
  }

  /** The run the calling reader is in, if any. */
  private static final ThreadLocal<Run> CURRENT = new ThreadLocal<>();

  /**
   * Marks the start of one of the runtime's own socket writes on this thread; returns the run it
   * belongs to, or null if the thread runs no call inline. Pass the result to {@link #ownWriteEnds}.
   */
  static Run ownWriteBegins() {
    Run run = CURRENT.get();
    if (run != null) run.inOwnWrite = true;
    return run;
  }

  /** Marks the end of the write {@link #ownWriteBegins} marked. */
  static void ownWriteEnds(Run run) {
    if (run != null) run.inOwnWrite = false;
  }

  private static void wake() {
    Thread t;
    synchronized (InlineCallWatch.class) {
      if (watch == null) {
        watch = Thread.ofPlatform().daemon().inheritInheritableThreadLocals(false).name("jtractor-inline-call-watch").start(InlineCallWatch::watchLoop);
      }
      t = watch;
    }
    sleeping = false;
    LockSupport.unpark(t);
  }

  private static void watchLoop() {
    while (true) {
      long now = System.nanoTime();
      boolean anyRunning = false;
      long nextLook = 0; // when to look again at the runs still running inline, if any
      for (Run run : RUNNING_RUNS) {
        if (run.due(now)) {
          if (run.claimForHandOff()) {
            RUNNING_RUNS.remove(run);
            try {
              run.handOff.run();
            } catch (RuntimeException | Error e) {
              LoggerFactory.getLogger(InlineCallWatch.class).error("handing a connection's reading over failed", e);
            }
          }
        } else {
          // Before the first limit: look when it is reached. Past it but runnable: look again in a
          // tick, for the thread may have begun to wait since.
          long age = now - run.startedNanos;
          long look = age < HAND_OFF_AFTER_NANOS ? run.startedNanos + HAND_OFF_AFTER_NANOS : now + TICK_NANOS;
          if (!anyRunning || look - nextLook < 0) nextLook = look;
          anyRunning = true;
        }
      }
      if (anyRunning) {
        LockSupport.parkNanos(Math.max(nextLook - now, TICK_NANOS / 10));
        continue;
      }
      if (now - lastBegan < LINGER_NANOS) {
        LockSupport.parkNanos(TICK_NANOS); // a run that begins now does not wake us
        continue;
      }
      sleeping = true;
      // Dekker: a reader adds its run and writes lastBegan, then reads sleeping; we write
      // sleeping, then look again.
      if (RUNNING_RUNS.isEmpty() && System.nanoTime() - lastBegan >= LINGER_NANOS) {
        LockSupport.park();
      }
      sleeping = false;
    }
  }
}
