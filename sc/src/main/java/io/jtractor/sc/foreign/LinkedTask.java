package io.jtractor.sc.foreign;

import java.util.concurrent.CompletionStage;

/**
 * The foreign side of {@link Foreign#openChannelFrom}: started on the foreign loop with its two
 * ends of the link, it returns a stage that completes when the foreign task is over. Its first
 * item sent to the SC side is the {@code first} value the SC body receives.
 *
 * <pre>{@code
 * LinkedTask<Object, Object> echo = (toSc, fromSc) -> {
 *   toSc.offer("start");
 *   return loop(toSc, fromSc); // fromSc.receive().thenCompose(msg -> { toSc.offer(msg); return loop(...); })
 * };
 * }</pre>
 *
 * @param <I> what the foreign task sends to the SC side
 * @param <O> what the SC side sends to the foreign task
 */
@FunctionalInterface
public interface LinkedTask<I, O> {
  CompletionStage<?> start(ToSc<I> toSc, FromSc<O> fromSc) throws Exception;
}
