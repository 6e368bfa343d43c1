package io.jtractor.sc.foreign;

/**
 * The SC side of {@link Foreign#openChannelFrom}: runs with the channel and the foreign task's
 * first item, while the foreign task runs.
 *
 * @param <I> what the foreign task sends to the SC side
 * @param <O> what the SC side sends to the foreign task
 * @param <R> the body's result
 */
@FunctionalInterface
public interface LinkedBody<I, O, R> {
  R run(LinkedTaskChannel<I, O> channel, I first) throws Exception;
}
