package io.jtractor.sc;

/**
 * A {@link Block} that returns a value.
 *
 * @param <S> the scope handed to the block
 * @param <R> the block's result
 */
@FunctionalInterface
public interface ValueBlock<S, R> {
  R call(S scope) throws Exception;
}
