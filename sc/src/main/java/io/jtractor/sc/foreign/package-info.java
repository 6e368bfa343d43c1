/**
 * The bridge between SC tasks and foreign async code on the JVM: {@link
 * java.util.concurrent.CompletionStage}s, {@link java.util.concurrent.Flow} (Reactive Streams) and
 * the event-loop libraries built on them. Structured concurrency holds across the boundary. It
 * depends on nothing but the JDK and {@code sc}, and knows nothing of actors.
 *
 * <h2>What lives here</h2>
 * <ul>
 *   <li>{@link io.jtractor.sc.foreign.Foreign#runTask}: start foreign work, wait for its result.
 *   <li>{@link io.jtractor.sc.foreign.Foreign#openChannelFrom}: a foreign task linked to an SC
 *       task by a two-way channel ({@link io.jtractor.sc.foreign.LinkedTaskChannel} on the SC
 *       side, {@link io.jtractor.sc.foreign.ToSc} and {@link io.jtractor.sc.foreign.FromSc} on the
 *       foreign side).
 *   <li>{@link io.jtractor.sc.foreign.FlowReceiver}: a publisher read as an SC channel, with
 *       backpressure; {@link io.jtractor.sc.foreign.ScPublisher}: SC work as a publisher.
 *   <li>{@link io.jtractor.sc.foreign.EventLoop}: a single-threaded executor that plays the
 *       foreign side's event loop, and {@link io.jtractor.sc.foreign.LoopFactory} to name one.
 * </ul>
 *
 * <h2>Semantics kept</h2>
 *
 * <p>Prior art: tractor's {@code to_asyncio} (trio tasks driving asyncio tasks in an "infected"
 * actor) and trio-asyncio (trio and asyncio sharing one loop). Kept from them:
 * <ul>
 *   <li>the SC side cancelled → the foreign work is cancelled and waited for before the SC task
 *       goes on;
 *   <li>a foreign error reaches the SC task with its own type (tractor re-raises asyncio's {@code
 *       AssertionError} as itself), and cancels the SC body of a link at its next checkpoint;
 *   <li>the foreign side cancelling itself is not the SC task's cancellation: it is raised as
 *       {@link io.jtractor.sc.foreign.ForeignCancelled} (tractor's {@code AsyncioCancelled});
 *   <li>a link waits for the foreign task's first item ({@code open_channel_from} yields {@code
 *       (first, chan)}); the foreign task's end is the SC side's {@link
 *       io.jtractor.sc.EndOfChannel}; leaving the block cancels a foreign task still running;
 *       {@link io.jtractor.sc.foreign.LinkedTaskChannel#subscribe()} fans out like {@code
 *       MsgStream.subscribe}.
 * </ul>
 *
 * <h2>Where we deviate</h2>
 * <ul>
 *   <li><b>Futures are not tasks.</b> An asyncio task is the work itself; cancelling it throws
 *       into the coroutine. A Java {@code CompletionStage} is a handle on a result: the bridge
 *       cancels it the JDK's way ({@code cancel(true)}), which a {@code CompletableFuture}
 *       honours by completing at once, whether or not the work behind it stops. Linked foreign
 *       tasks also see the cancellation where they wait (their {@code FromSc.receive()} fails with
 *       {@code CancellationException}) and can watch {@code FromSc.cancelled()}. "Waited for" means
 *       the stage has completed.
 *   <li><b>Bounded waits.</b> Cancelled work that does not complete within a grace period (a
 *       future that ignores {@code cancel}, a blocked loop) raises {@link
 *       io.jtractor.sc.foreign.ForeignCancelTimeout} instead of hanging the SC task (tractor
 *       waits forever).
 *   <li><b>No guest mode.</b> trio runs inside asyncio's loop; here SC tasks keep their virtual
 *       threads and the foreign side has an {@link java.util.concurrent.Executor} of its own. What
 *       the bridge completes for the foreign side (a receive, a send that waited for room, the
 *       cancellation) is completed on that executor, never on an SC task's thread.
 *   <li><b>Backpressure both ways.</b> The SC side's {@code send} waits while the foreign side's
 *       buffer is full (tractor's {@code put_nowait} raises); the foreign side can {@code offer}
 *       (tractor's {@code send_nowait}) or {@code send} asynchronously. Null items cross.
 *   <li><b>Two failures are a group.</b> A body failure and an independent foreign failure are
 *       raised together as an {@link io.jtractor.sc.ExceptionGroup} (tractor chains one to the
 *       other); a broken channel after the SC side cancelled is part of that cancellation.
 * </ul>
 */
package io.jtractor.sc.foreign;
