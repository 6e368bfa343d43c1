package io.jtractor.sc.foreign;

import io.jtractor.sc.Block;
import io.jtractor.sc.BroadcastReceiver;
import io.jtractor.sc.Cancelled;
import io.jtractor.sc.Nursery;
import io.jtractor.sc.ReceiveChannel;
import io.jtractor.sc.Sc;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;

/**
 * The bridge between SC tasks and foreign async code ({@link CompletionStage}s, {@link
 * Flow.Publisher}s, the event-loop libraries built on them): structured concurrency holds across
 * it. See the package documentation for the semantics; every method here is a checkpoint.
 */
public final class Foreign {
  private Foreign() {}

  /** How long cancelled foreign work is waited for, unless told otherwise. */
  public static final Duration DEFAULT_CANCEL_GRACE = Duration.ofSeconds(2);

  /** The buffer of each direction of a link, unless told otherwise (tractor's 256). */
  public static final int DEFAULT_LINK_BUFFER = 256;

  // ----------------------------------------------------------------------------------------------
  // One result: runTask

  /**
   * Starts foreign work on the calling thread ({@code work} returns at once with a stage) and
   * waits for its result. tractor: {@code to_asyncio.run_task}.
   *
   * @return the value the stage completed with
   * @throws Cancelled if this task is cancelled meanwhile: the stage is cancelled first and waited
   *     for, at most {@link #DEFAULT_CANCEL_GRACE}
   * @throws ForeignCancelTimeout if the cancelled stage did not complete within the grace period
   * @throws ForeignCancelled if the stage was cancelled on the foreign side
   * @throws IllegalArgumentException if {@code work} returned null, not a stage
   */
  public static <T> T runTask(Callable<? extends CompletionStage<? extends T>> work) {
    return runTask(null, DEFAULT_CANCEL_GRACE, work);
  }

  /**
   * Like {@link #runTask(Callable)}, but {@code work} is started on {@code loop} (the executor that
   * plays the foreign side's event loop); a cancellation that comes before the loop ran it means
   * it never runs. Anything {@code work} throws, or its stage fails with, is raised here as
   * itself (unwrapped from {@link java.util.concurrent.CompletionException}).
   *
   * @throws java.util.concurrent.RejectedExecutionException if the loop refuses the work
   */
  public static <T> T runTask(Executor loop, Callable<? extends CompletionStage<? extends T>> work) {
    return runTask(loop, DEFAULT_CANCEL_GRACE, work);
  }

  /**
   * {@link #runTask(Executor, Callable)} with the grace period given to cancelled work.
   *
   * @param loop where to start the work, or null for the calling thread
   */
  @SuppressWarnings("unchecked")
  public static <T> T runTask(Executor loop, Duration cancelGrace, Callable<? extends CompletionStage<? extends T>> work) {
    Objects.requireNonNull(work, "work");
    Objects.requireNonNull(cancelGrace, "cancelGrace");
    Sc.checkpointIfCancelled();
    ForeignTask task = new ForeignTask("the foreign task", work, t -> {});
    if (loop == null) {
      task.startHere();
    } else {
      task.startOn(loop);
    }
    try {
      task.await();
    } catch (Cancelled c) {
      if (task.cancel() && !task.awaitBounded(cancelGrace)) {
        throw new ForeignCancelTimeout("the foreign task did not finish within " + cancelGrace
            + " of being cancelled: its future ignores cancel(), or its loop is blocked", cancelGrace);
      }
      throw c;
    }
    Throwable failure = task.failure();
    if (failure != null) throw Loops.sneakyThrow(failure);
    return (T) task.value();
  }

  // ----------------------------------------------------------------------------------------------
  // A link: openChannelFrom

  /**
   * Starts {@code target} as a foreign task linked to this task by a two-way channel, on a loop of
   * its own (an {@link EventLoop} that ends with the block), waits for its first item and runs
   * {@code body} with the channel and that item. tractor: {@code to_asyncio.open_channel_from}.
   *
   * <p>When the body ends, however it ends, a foreign task still running is cancelled (its
   * pending receives fail with {@link java.util.concurrent.CancellationException}, its stage is
   * cancelled) and waited for. An error on either side cancels the other: a foreign failure
   * cancels the body at its next checkpoint and is raised here with its own type; a body failure
   * cancels the foreign task and is raised here.
   *
   * @return what the body returned
   * @throws io.jtractor.sc.EndOfChannel if the foreign task ended before it sent a first item
   */
  public static <I, O, R> R openChannelFrom(LinkedTask<I, O> target, LinkedBody<I, O, R> body) {
    return LinkedRun.open(null, DEFAULT_LINK_BUFFER, DEFAULT_CANCEL_GRACE, target, body);
  }

  /** {@link #openChannelFrom(LinkedTask, LinkedBody)} with the foreign task on {@code loop}. */
  public static <I, O, R> R openChannelFrom(Executor loop, LinkedTask<I, O> target, LinkedBody<I, O, R> body) {
    Objects.requireNonNull(loop, "loop");
    return LinkedRun.open(loop, DEFAULT_LINK_BUFFER, DEFAULT_CANCEL_GRACE, target, body);
  }

  /**
   * {@link #openChannelFrom(Executor, LinkedTask, LinkedBody)} with every setting.
   *
   * @param loop where the foreign task runs, or null for a loop of its own
   * @param bufferSize each direction's buffer
   * @param cancelGrace how long a cancelled foreign task is waited for
   */
  public static <I, O, R> R openChannelFrom(
      Executor loop, int bufferSize, Duration cancelGrace, LinkedTask<I, O> target, LinkedBody<I, O, R> body) {
    return LinkedRun.open(loop, bufferSize, cancelGrace, target, body);
  }

  // ----------------------------------------------------------------------------------------------
  // Reactive Streams

  /**
   * Subscribes to {@code publisher} and returns it as an SC receive channel with backpressure
   * (see {@link FlowReceiver}); close it to cancel the subscription.
   */
  public static <T> FlowReceiver<T> receive(Flow.Publisher<? extends T> publisher, int bufferSize) {
    return FlowReceiver.subscribe(publisher, bufferSize);
  }

  /**
   * Subscribes to {@code publisher}, runs {@code body} with the receiving end, and cancels the
   * subscription when the body ends, however it ends (a cancelled body included).
   */
  public static <T> void consume(Flow.Publisher<? extends T> publisher, int bufferSize, Block<? super FlowReceiver<T>> body)
      throws Exception {
    Objects.requireNonNull(body, "body");
    Sc.checkpointIfCancelled();
    try (FlowReceiver<T> r = FlowReceiver.subscribe(publisher, bufferSize)) {
      body.run(r);
    }
  }

  /**
   * A cold publisher: each subscriber gets a task of its own in {@code nursery} running {@code
   * producer}, which emits as the subscriber's demand allows; cancelling the subscription cancels
   * that task. See {@link ScPublisher}.
   */
  public static <T> ScPublisher<T> publisher(Nursery nursery, ScPublisher.Producer<T> producer) {
    return ScPublisher.of(nursery, producer);
  }

  /**
   * An SC receive channel as a publisher for one subscriber: a task in {@code nursery} forwards
   * what the channel receives as the subscriber asks for it; the end of the channel completes the
   * subscriber; cancelling the subscription cancels that task and closes the channel's end (its
   * senders then see {@link io.jtractor.sc.BrokenResourceError}).
   */
  public static <T> ScPublisher<T> publisher(Nursery nursery, ReceiveChannel<T> channel) {
    Objects.requireNonNull(channel, "channel");
    return ScPublisher.over(nursery, channel::receive, channel);
  }

  /**
   * Anything received from until {@link io.jtractor.sc.EndOfChannel} (a {@code MsgStream}, a
   * {@link BroadcastReceiver}) as a publisher for one subscriber; {@code closer} (may be null) is
   * closed when the forwarding ends or is cancelled (for a stream: closing it cancels its remote
   * producer).
   */
  public static <T> ScPublisher<T> publisher(Nursery nursery, BroadcastReceiver.Source<? extends T> source, AutoCloseable closer) {
    return ScPublisher.over(nursery, source, closer);
  }
}
