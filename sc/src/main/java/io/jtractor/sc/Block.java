package io.jtractor.sc;

/**
 * A block of code run inside a scope that it is handed (a {@link Nursery} or a {@link
 * CancelScope}): the Java shape of trio's {@code with} blocks.
 *
 * @param <S> the scope handed to the block
 */
@FunctionalInterface
public interface Block<S> {
  void run(S scope) throws Exception;
}
