package io.jtractor.sc.foreign;

import io.jtractor.sc.BrokenResourceError;
import io.jtractor.sc.ClosedResourceError;
import io.jtractor.sc.MemoryChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The foreign-to-SC direction of a link: a bounded {@link MemoryChannel} the foreign side offers
 * into without blocking, plus the asynchronous sends waiting for room. The SC side receives from
 * the channel and, after each item, moves waiting sends in.
 *
 * <p>Threads: the foreign side from any thread, the SC side from its task. {@link #pending} and
 * {@link #ending} are guarded by {@link #lock}; a send that waits is completed on the loop.
 */
final class ScInbox<T> implements ToSc<T> {
  private final MemoryChannel<Object> channel;
  private final Executor loop;
  private final ReentrantLock lock = new ReentrantLock();
  /** Sends waiting for room, in order. Guarded by lock. */
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  /** The foreign task has ended: the send end closes once nothing is pending. Guarded by lock. */
  private boolean ending;

  private record Pending(Object item, CompletableFuture<Void> accepted) {}

  ScInbox(int capacity, Executor loop) {
    this.channel = MemoryChannel.open(capacity);
    this.loop = loop;
  }

  @Override
  public boolean offer(T item) {
    lock.lock();
    try {
      if (!pending.isEmpty()) return false; // keep the order behind the sends that wait
      return trySend(Nulls.wrap(item));
    } finally {
      lock.unlock();
    }
  }

  @Override
  public CompletionStage<Void> send(T item) {
    lock.lock();
    try {
      Object wrapped = Nulls.wrap(item);
      if (pending.isEmpty() && trySend(wrapped)) return CompletableFuture.completedFuture(null);
      CompletableFuture<Void> accepted = new CompletableFuture<>();
      pending.addLast(new Pending(wrapped, accepted));
      return accepted;
    } catch (BrokenResourceError e) {
      return CompletableFuture.failedFuture(e);
    } finally {
      lock.unlock();
    }
  }

  private boolean trySend(Object item) {
    try {
      return channel.sender().trySend(item);
    } catch (BrokenResourceError | ClosedResourceError e) {
      throw new BrokenResourceError("the SC side of this link is closed: nothing receives what is sent");
    }
  }

  // ----------------------------------------------------------------------------------------------
  // The SC side

  /** The next item (wrapped); a checkpoint. Raises EndOfChannel once the foreign side ended. */
  Object receive() {
    Object item = channel.receiver().receive();
    refill();
    return item;
  }

  /** Moves waiting sends into the room the last receive made; closes the send end once due. */
  private void refill() {
    List<CompletableFuture<Void>> accepted = null;
    lock.lock();
    try {
      while (!pending.isEmpty()) {
        boolean in;
        try {
          in = channel.sender().trySend(pending.peekFirst().item());
        } catch (BrokenResourceError | ClosedResourceError e) {
          break;
        }
        if (!in) break;
        if (accepted == null) accepted = new ArrayList<>();
        accepted.add(pending.pollFirst().accepted());
      }
      if (ending && pending.isEmpty()) channel.sender().close();
    } finally {
      lock.unlock();
    }
    if (accepted != null) {
      List<CompletableFuture<Void>> done = accepted;
      Loops.onLoop(loop, () -> done.forEach(f -> f.complete(null)));
    }
  }

  /** The foreign task has ended: the SC side sees the end once it has received what was sent. */
  void foreignEnded() {
    lock.lock();
    try {
      ending = true;
      if (pending.isEmpty()) channel.sender().close();
    } finally {
      lock.unlock();
    }
  }

  /** The SC side closes its end: later foreign sends fail, waiting ones too. */
  void closeReceiving() {
    channel.receiver().close();
    List<Pending> failed;
    lock.lock();
    try {
      failed = List.copyOf(pending);
      pending.clear();
      if (ending) channel.sender().close();
    } finally {
      lock.unlock();
    }
    if (!failed.isEmpty()) {
      BrokenResourceError e = new BrokenResourceError("the SC side of this link closed before the item was received");
      Loops.onLoop(loop, () -> failed.forEach(p -> p.accepted().completeExceptionally(e)));
    }
  }

  boolean isClosed() {
    return channel.receiver().isClosed();
  }

  /** The buffer's size. */
  int capacity() {
    return channel.receiver().statistics().maxBufferSize();
  }
}
