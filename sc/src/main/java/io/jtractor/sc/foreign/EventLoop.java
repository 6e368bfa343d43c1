package io.jtractor.sc.foreign;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A single-threaded executor in the role of an event loop: everything submitted runs in order,
 * one thing at a time, on one (virtual) thread, so foreign code that assumes a loop (state
 * confined to it, callbacks never concurrent) can run on it. The default loop of the bridge and
 * of infected actors; any {@link Executor} can play the part instead (a Netty event loop, a
 * Vert.x context, a Reactor scheduler's worker).
 *
 * <p>A task that throws does not stop the loop (the failure is logged). {@link #close()} stops
 * accepting work, lets what was submitted run, and waits for the thread to end; work still running
 * after a grace period is interrupted. Any thread may call any method.
 */
public final class EventLoop implements Executor, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(EventLoop.class.getName());

  /** How long {@link #close()} lets queued work run before it interrupts the loop. */
  public static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

  private final String name;
  private final ExecutorService executor;
  /** The loop's thread; set by the thread factory, before the thread runs anything. */
  private volatile Thread thread;

  private EventLoop(String name) {
    this.name = name;
    this.executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = Thread.ofVirtual().name(name).unstarted(r);
      thread = t;
      return t;
    });
  }

  /** Opens a loop whose thread is named {@code name}. */
  public static EventLoop open(String name) {
    return new EventLoop(java.util.Objects.requireNonNull(name, "name"));
  }

  /**
   * Runs {@code task} on the loop, after everything submitted before it.
   *
   * @throws RejectedExecutionException if the loop is closed
   */
  @Override
  public void execute(Runnable task) {
    java.util.Objects.requireNonNull(task, "task");
    executor.execute(() -> {
      try {
        task.run();
      } catch (Throwable t) {
        LOG.log(System.Logger.Level.WARNING, "a task on event loop " + name + " failed", t);
      }
    });
  }

  /** Whether the calling thread is this loop's thread. */
  public boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  /** Whether the loop was closed (it may still be finishing its work). */
  public boolean isClosed() {
    return executor.isShutdown();
  }

  /**
   * Stops accepting work and waits at most {@code grace} for the loop to run what it has and end;
   * then interrupts it and waits a moment more.
   *
   * @return whether the loop's thread has ended
   */
  public boolean close(Duration grace) {
    executor.shutdown();
    if (awaitEnd(grace)) return true;
    LOG.log(System.Logger.Level.WARNING, "event loop " + name + " did not finish its work within " + grace + ": interrupting it");
    executor.shutdownNow();
    return awaitEnd(Duration.ofSeconds(1));
  }

  /** {@link #close(Duration)} with {@link #CLOSE_GRACE}. Idempotent. */
  @Override
  public void close() {
    close(CLOSE_GRACE);
  }

  private boolean awaitEnd(Duration limit) {
    boolean interrupted = false;
    long deadline = System.nanoTime() + limit.toNanos();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        try {
          return executor.awaitTermination(Math.max(0, left), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true; // closing must finish; the interrupt is kept for the caller
          if (System.nanoTime() - deadline >= 0) return executor.isTerminated();
        }
      }
    } finally {
      if (interrupted) Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "EventLoop[" + name + (isClosed() ? ", closed" : "") + "]";
  }

  /** The default {@link LoopFactory}: a new {@link EventLoop} per owner. */
  public static final class Factory implements LoopFactory {
    /** For loading by name (an infected actor's loop). */
    public Factory() {}

    @Override
    public Executor open(String name) {
      return EventLoop.open(name);
    }
  }
}
