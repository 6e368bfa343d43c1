package io.jtractor.sc.foreign;

import java.util.concurrent.CompletionStage;

/**
 * What a linked foreign task receives its SC task's items through: asynchronous, completed on
 * the foreign loop. Prior art: the {@code from_trio} queue tractor hands an asyncio task.
 *
 * @param <T> the type of the items
 */
public interface FromSc<T> {

  /**
   * The next item the SC task sent. The stage fails with {@link
   * java.util.concurrent.CancellationException} once the SC side cancels this foreign task (as
   * an asyncio task's {@code await} raises {@code CancelledError}), and with {@link
   * io.jtractor.sc.EndOfChannel} once the SC side has ended its sending and everything it sent
   * has been received.
   */
  CompletionStage<T> receive();

  /**
   * A stage that completes (on the foreign loop) when the SC side cancels this foreign task: for
   * foreign code that is not waiting on {@link #receive()} and must notice (close a connection,
   * stop a timer). Each call returns a new dependent stage.
   */
  CompletionStage<Void> cancelled();

  /** Whether the SC side has cancelled this foreign task. */
  boolean isCancelled();
}
