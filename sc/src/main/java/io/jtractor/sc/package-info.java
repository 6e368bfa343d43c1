/**
 * Structured concurrency for Java on virtual threads: a port of trio's model, the layer every
 * other part of jtractor stands on. It knows nothing about actors.
 *
 * <h2>What lives here</h2>
 * <ul>
 *   <li>{@link io.jtractor.sc.Nursery}: a scope that owns child tasks; nothing outlives it, a
 *       failing child cancels its siblings and the body, failures are raised when all are done.
 *   <li>{@link io.jtractor.sc.CancelScope}: cancellation and deadlines, with shielding; {@link
 *       io.jtractor.sc.Sc} has the trio-style helpers ({@code moveOnAfter}, {@code failAfter},
 *       {@code sleep}, {@code checkpoint}).
 *   <li>{@link io.jtractor.sc.MemoryChannel}: trio's memory channels (rendezvous, bounded,
 *       unbounded) with cloneable {@link io.jtractor.sc.SendChannel} and {@link
 *       io.jtractor.sc.ReceiveChannel} ends.
 *   <li>{@link io.jtractor.sc.Event} and {@link io.jtractor.sc.CapacityLimiter}.
 *   <li>{@link io.jtractor.sc.ExceptionGroup}: several failures raised as one.
 *   <li>{@code io.jtractor.sc.foreign}: the bridge to foreign async code ({@code
 *       CompletionStage}s, {@code Flow} publishers, event loops).
 * </ul>
 *
 * <h2>How cancellation reaches a task</h2>
 *
 * <p>Every task runs on its own virtual thread. Each thread has a stack of cancel scopes; the
 * scopes of all threads form one tree (a task's scopes hang under the nursery that started it).
 * Cancelling a scope marks it and interrupts the thread of every task whose innermost scope lies
 * below it, unless a shielded scope stands in between. That gives two delivery paths:
 *
 * <ul>
 *   <li><b>Checkpoints</b>: every blocking call of this package (and {@link
 *       io.jtractor.sc.Sc#checkpoint()}) checks the scope stack and raises {@link
 *       io.jtractor.sc.Cancelled}. The check is level-triggered, as in trio: while a scope is
 *       cancelled, every checkpoint inside it raises again. A thread parked in one of these calls
 *       is unparked rather than interrupted, once the canceller has let go of the tree's lock; it
 *       sets its own interrupt flag as it raises.
 *   <li><b>Interrupts</b>: foreign blocking code ({@code Thread.sleep}, {@code
 *       BlockingQueue.take}, {@code Object.wait}, {@code Process.waitFor}, socket I/O) is woken by
 *       the interrupt. Whatever it throws ({@code InterruptedException}, {@code
 *       ClosedByInterruptException}, or a wrapper of either) is treated as {@code Cancelled} when it
 *       reaches a scope boundary of a cancelled scope. The interrupt flag stays set while the
 *       thread is inside a cancelled scope and is cleared when the scope absorbs the cancellation.
 * </ul>
 *
 * <p>A shielded scope holds back both: nothing is delivered to code running inside it on behalf of
 * scopes outside it; an interrupt already pending when it is entered is cleared, and on exit the
 * thread is interrupted again if a scope outside is (still) cancelled.
 *
 * <p>An interrupt that no cancelled scope explains is ignored by this package's blocking calls on
 * a task's thread (they re-check and wait on), but on any other thread it aborts the call with
 * {@link io.jtractor.sc.Cancelled}, the interrupt flag set again: an executor shutting down or a
 * test timeout can stop a {@code main} thread blocked in {@code receive()}.
 *
 * <h2>Why {@code Cancelled} is an {@link java.lang.Error}</h2>
 *
 * <p>Trio's {@code Cancelled} derives from {@code BaseException} so that {@code except Exception}
 * does not swallow it. The Java equivalent is {@code Error}: {@code catch (Exception e)} and {@code
 * catch (RuntimeException e)} let it through, and it needs no {@code throws} clause.
 */
package io.jtractor.sc;
