package io.jtractor.sc.foreign;

import java.util.concurrent.CompletionStage;

/**
 * What a linked foreign task sends to its SC task through: never blocks, may be used from any
 * thread. Items arrive in order, null included. Prior art: the {@code to_trio} memory channel
 * tractor hands an asyncio task.
 *
 * @param <T> the type of the items
 */
public interface ToSc<T> {

  /**
   * Sends {@code item} if the SC side's buffer has room now.
   *
   * @return false if the buffer is full (nothing was sent)
   * @throws io.jtractor.sc.BrokenResourceError if the SC side closed its end
   */
  boolean offer(T item);

  /**
   * Sends {@code item}, waiting (asynchronously) for room in the SC side's buffer: the stage
   * completes, on the foreign loop, once the item is in the buffer, and fails with {@link
   * io.jtractor.sc.BrokenResourceError} if the SC side closes first. Items sent this way keep
   * their order, also among {@link #offer}s.
   */
  CompletionStage<Void> send(T item);
}
