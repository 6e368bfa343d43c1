package io.jtractor.sc.foreign;

import io.jtractor.sc.BrokenResourceError;
import io.jtractor.sc.ClosedResourceError;
import io.jtractor.sc.Event;
import io.jtractor.sc.Sc;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * One piece of foreign work seen from the SC side: started (on the caller's thread or on a loop),
 * the {@link CompletionStage} it returned, its outcome, and its cancellation. Shared by {@link
 * Foreign#runTask} and {@link Foreign#openChannelFrom}.
 *
 * <p>Lifecycle: {@link #NEW} until the start runs; {@link #STARTED} once it has (the stage may
 * still be unknown while the start function runs); {@link #SKIPPED} if it was cancelled before it
 * ran, which it then never does. The outcome is recorded once, when the stage completes (or the
 * start fails, or is skipped), before {@link #done} is set.
 *
 * <p>Threads: the start runs on the loop (or the caller); the outcome is recorded on whatever
 * thread completes the stage; the SC task waits, cancels and reads. The state fields are guarded
 * by {@code this}; the outcome fields are written once before {@link #done} is set and read after.
 */
final class ForeignTask {
  private static final int NEW = 0;
  private static final int STARTED = 1;
  private static final int SKIPPED = 2;

  private final String what;
  private final Callable<?> start;
  /** Runs once the outcome is recorded, before {@link #done} is set (on the completing thread). */
  private final Consumer<ForeignTask> onDone;
  private final Event done = new Event();

  // ---- guarded by this ----
  private int state = NEW;
  private CompletionStage<?> stage;
  /** The SC side is cancelling: outcomes from now on answer that (see {@link #requestCancel}). */
  private boolean cancelRequested;
  /** The stage itself is to be cancelled ({@link #cancel}). */
  private boolean stageCancelRequested;
  private boolean finished;
  /** Whether the SC side had asked for cancellation when the outcome came. */
  private boolean cancelRequestedAtEnd;
  /** What the outcome means to the SC side, computed once (so one failure is one instance). */
  private Throwable failure;
  private boolean failureComputed;

  // ---- written once before done is set ----
  private volatile Object value;
  private volatile Throwable error;

  ForeignTask(String what, Callable<?> start, Consumer<ForeignTask> onDone) {
    this.what = what;
    this.start = start;
    this.onDone = onDone;
  }

  /** Starts the work on the calling thread. */
  void startHere() {
    startNow();
  }

  /**
   * Starts the work on {@code loop}.
   *
   * @throws java.util.concurrent.RejectedExecutionException if the loop refuses it (nothing started)
   */
  void startOn(Executor loop) {
    loop.execute(this::startNow);
  }

  private void startNow() {
    synchronized (this) {
      if (state == SKIPPED) return;
      state = STARTED;
    }
    Object s;
    try {
      s = start.call();
    } catch (Throwable t) {
      finish(null, t);
      return;
    }
    if (!(s instanceof CompletionStage<?> cs)) {
      finish(null, new IllegalArgumentException(what + " returned " + (s == null ? "null" : "a " + s.getClass().getName())
          + ", not a CompletionStage: there is no foreign work to wait for"));
      return;
    }
    boolean cancelNow;
    synchronized (this) {
      stage = cs;
      cancelNow = stageCancelRequested;
    }
    cs.whenComplete(this::finish);
    if (cancelNow) cancelStage(cs);
  }

  private void finish(Object v, Throwable t) {
    synchronized (this) {
      if (finished) return;
      finished = true;
      cancelRequestedAtEnd = cancelRequested;
    }
    value = v;
    error = t;
    try {
      onDone.accept(this);
    } finally {
      done.set();
    }
  }

  /**
   * Records that the SC side is cancelling the work, without touching it yet: an outcome from now
   * on counts as the answer to that request (a linked task first sees the cancellation where it
   * waits, and may end on its own).
   */
  synchronized void requestCancel() {
    cancelRequested = true;
  }

  /**
   * Asks the work to stop: a work not started yet never starts; a started one's stage is
   * cancelled ({@code cancel(true)}, the JDK's way). Idempotent.
   *
   * @return whether there is something to wait for (false if the work never started)
   */
  boolean cancel() {
    CompletionStage<?> s;
    boolean skipped = false;
    synchronized (this) {
      cancelRequested = true;
      stageCancelRequested = true;
      if (state == NEW) {
        state = SKIPPED;
        skipped = true;
      }
      s = stage;
    }
    if (skipped) {
      finish(null, new CancellationException(what + " was cancelled before it started"));
      return false;
    }
    if (s != null) cancelStage(s);
    return true;
  }

  private static void cancelStage(CompletionStage<?> s) {
    if (s instanceof Future<?> f) {
      f.cancel(true);
      return;
    }
    try {
      s.toCompletableFuture().cancel(true); // some stages hand out a copy: then this does nothing
    } catch (UnsupportedOperationException noFuture) {
      // a stage that cannot be cancelled: it is waited for, within the grace period
    }
  }

  /** Waits for the outcome; a checkpoint. */
  void await() {
    done.await();
  }

  /**
   * Waits for the outcome at most {@code grace}, shielded from the caller's cancellation (for a
   * task that is being cancelled itself).
   *
   * @return whether the outcome came
   */
  boolean awaitBounded(Duration grace) {
    if (done.isSet()) return true;
    Sc.shielded(s -> {
      s.setRelativeDeadline(grace);
      done.await();
    });
    return done.isSet();
  }

  boolean isDone() {
    return done.isSet();
  }

  /** The event set once the outcome is in. */
  Event doneEvent() {
    return done;
  }

  /** The value the work completed with (after {@link #isDone()}; null if it failed). */
  Object value() {
    return value;
  }

  /**
   * What the outcome means to the SC side, once done: null for success, for a cancellation the
   * SC side asked for, and for a broken channel after it asked (part of the same teardown); a
   * {@link ForeignCancelled} for a cancellation the SC side did not ask for; else the foreign
   * error itself, unwrapped from the future's wrappers. The same instance every time.
   */
  synchronized Throwable failure() {
    if (!finished) return null;
    if (!failureComputed) {
      failureComputed = true;
      Throwable e = Loops.unwrap(error);
      if (e instanceof CancellationException c) {
        failure = cancelRequestedAtEnd ? null : new ForeignCancelled(what + " was cancelled on the foreign side", c);
      } else if (cancelRequestedAtEnd && (e instanceof BrokenResourceError || e instanceof ClosedResourceError)) {
        failure = null;
      } else {
        failure = e;
      }
    }
    return failure;
  }

  /** A description for messages. */
  String what() {
    return what;
  }
}
