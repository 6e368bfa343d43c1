package io.jtractor.runtime;

import io.jtractor.sc.EndOfChannel;
import io.jtractor.sc.MemoryChannel;
import io.jtractor.wire.Msg;
import java.util.ArrayList;

/**
 * The messages for one side of a context but credits, in arrival order. Unbounded: the bound on
 * stream items is counted by {@link StreamCredit}. The reader may hold stream items back while it
 * knows more messages are buffered, and hand them over together ({@link #flush}): the consumer
 * wakes once per socket read, not once per item.
 *
 * <p>Threads: the connection's reader puts, holds and flushes ({@link #deferred} is confined to
 * the thread holding the reading; the relay's hand-offs order it between holders); the tasks
 * using the context receive.
 */
final class ContextInbox {
  private final MemoryChannel<Msg> channel = MemoryChannel.open(MemoryChannel.UNBOUNDED);
  /** Stream items held back by the reader, to hand over together. */
  private final ArrayList<Msg> deferred = new ArrayList<>();

  /** The reader: hands {@code msg} over now (never blocks). */
  void put(Msg msg) {
    channel.sender().trySend(msg);
  }

  /** The reader: holds {@code msg} back until {@link #flush}; true if it is the first held since. */
  boolean hold(Msg msg) {
    boolean first = deferred.isEmpty();
    deferred.add(msg);
    return first;
  }

  /** The reader: hands over what it held back, in order, in one go. */
  void flush() {
    if (deferred.isEmpty()) return;
    channel.sender().trySendAll(deferred);
    deferred.clear();
  }

  /** No more messages will come: receivers get {@link EndOfChannel} once the inbox is empty. */
  void close() {
    channel.sender().close();
  }

  /** The next message; a checkpoint. */
  Msg receive() throws EndOfChannel {
    return channel.receiver().receive();
  }
}
