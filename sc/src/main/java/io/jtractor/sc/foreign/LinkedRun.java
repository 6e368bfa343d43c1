package io.jtractor.sc.foreign;

import io.jtractor.sc.CancelScope;
import io.jtractor.sc.Cancelled;
import io.jtractor.sc.Event;
import io.jtractor.sc.ExceptionGroup;
import io.jtractor.sc.Sc;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * One run of {@link Foreign#openChannelFrom}: starts the foreign task on its loop, waits for its
 * first item, runs the SC body, and tears the link down when the body ends, however it ends:
 * the foreign task is cancelled if it still runs and waited for (at most the grace period), then
 * the outcomes of both sides decide what is raised.
 *
 * <p>What is raised, after the teardown: the foreign task's failure (its error, or {@link
 * ForeignCancelled}) if the body succeeded or was cancelled; the body's failure if only the body
 * failed; both, in an {@link ExceptionGroup}, if both failed independently; a {@link
 * ForeignCancelTimeout} if nothing else is to be raised and the foreign task outlived its grace.
 */
final class LinkedRun {
  private LinkedRun() {}

  static <I, O, R> R open(Executor loop, int bufferSize, Duration grace, LinkedTask<I, O> target, LinkedBody<I, O, R> body) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(grace, "grace");
    if (bufferSize < 1) throw new IllegalArgumentException("bufferSize must be at least 1: " + bufferSize);
    Sc.checkpointIfCancelled();
    if (loop != null) return run(loop, bufferSize, grace, target, body);
    EventLoop own = EventLoop.open("linked-task");
    R out;
    try {
      out = run(own, bufferSize, grace, target, body);
    } catch (Throwable t) {
      own.close(grace);
      throw t;
    }
    if (!own.close(grace)) {
      throw new ForeignCancelTimeout("the loop of a linked foreign task did not finish within " + grace, grace);
    }
    return out;
  }

  private static <I, O, R> R run(Executor loop, int bufferSize, Duration grace, LinkedTask<I, O> target, LinkedBody<I, O, R> body) {
    ScInbox<I> fromForeign = new ScInbox<>(bufferSize, loop);
    ForeignInbox<O> toForeign = new ForeignInbox<>(bufferSize, loop);
    CancelScope scope = CancelScope.create();
    ForeignTask task = new ForeignTask("the linked foreign task", () -> target.start(fromForeign, toForeign), t -> {
      toForeign.foreignGone();
      fromForeign.foreignEnded();
      if (t.failure() != null) scope.cancel(); // wake the body wherever it waits; the failure is raised at the end
    });
    LinkedTaskChannel<I, O> channel = new LinkedTaskChannel<>(fromForeign, toForeign, task);
    task.startOn(loop);

    R out = null;
    Throwable bodyError = null;
    try {
      out = scope.call(s -> body.run(channel, channel.receiveFirst()));
    } catch (Throwable t) {
      bodyError = t;
    }

    // Teardown: the foreign side sees the cancellation where it waits (on its loop) and may end on
    // its own; a barrier behind that on the loop tells when it had its chance. Then its stage is
    // cancelled (cancelling a stage first would skip the foreign chain's remaining steps), and it
    // is waited for.
    task.requestCancel();
    toForeign.cancel();
    if (!task.isDone()) {
      Event barrier = new Event();
      Loops.onLoop(loop, barrier::set);
      Sc.shielded(s -> {
        s.setRelativeDeadline(grace);
        barrier.await();
      });
    }
    boolean stopped = !task.cancel() || task.awaitBounded(grace);
    fromForeign.closeReceiving();

    Throwable foreign = task.failure();
    ForeignCancelTimeout timeout = stopped ? null
        : new ForeignCancelTimeout(task.what() + " did not finish within " + grace + " of being cancelled", grace);
    if (bodyError == null || bodyError instanceof Cancelled) {
      if (foreign != null) throw Loops.sneakyThrow(foreign);
      if (timeout != null) throw timeout;
      if (bodyError != null) throw (Cancelled) bodyError;
      return out;
    }
    if (foreign != null && foreign != bodyError) {
      throw new ExceptionGroup("both sides of a linked foreign task failed", List.of(bodyError, foreign));
    }
    if (timeout != null) bodyError.addSuppressed(timeout);
    throw Loops.sneakyThrow(bodyError);
  }
}
