package io.jtractor.sc.foreign;

import io.jtractor.sc.BroadcastReceiver;
import io.jtractor.sc.BrokenResourceError;
import io.jtractor.sc.ClosedResourceError;
import io.jtractor.sc.EndOfChannel;
import io.jtractor.sc.Receiving;
import java.util.Iterator;

/**
 * The SC side of a link between an SC task and a foreign task ({@link Foreign#openChannelFrom}):
 * receive what the foreign task sends, send it items, iterate, fan out to several local tasks.
 * Prior art: tractor's {@code LinkedTaskChannel}.
 *
 * <p>{@link #receive()} returns the foreign task's items in order (null included) and, once the
 * foreign task is over and everything it sent has been received, raises {@link EndOfChannel}; if
 * it failed, its error instead (its own type), and {@link ForeignCancelled} if it was cancelled on
 * the foreign side. {@link #send(Object)} waits (a checkpoint) while the foreign side's buffer is
 * full. Iteration ends at the end of the channel.
 *
 * <p>Threads: one task receives (more through {@link #subscribe()}); any task may send.
 *
 * @param <I> what the foreign task sends to the SC side
 * @param <O> what the SC side sends to the foreign task
 */
public final class LinkedTaskChannel<I, O> implements AutoCloseable, Iterable<I> {
  private final ScInbox<I> fromForeign;
  private final ForeignInbox<O> toForeign;
  private final ForeignTask task;
  /** The broadcast state once {@link #subscribe()} was called: receive goes through it. Guarded by this. */
  private volatile BroadcastReceiver<I> broadcaster;

  LinkedTaskChannel(ScInbox<I> fromForeign, ForeignInbox<O> toForeign, ForeignTask task) {
    this.fromForeign = fromForeign;
    this.toForeign = toForeign;
    this.task = task;
  }

  /**
   * The next item from the foreign task; a checkpoint.
   *
   * @throws EndOfChannel once the foreign task is over and everything it sent was received
   * @throws ForeignCancelled if the foreign task was cancelled on its side
   * @throws ClosedResourceError if this channel was closed
   */
  public I receive() {
    BroadcastReceiver<I> b = broadcaster;
    if (b != null) return b.receive();
    return receiveDirect();
  }

  private I receiveDirect() {
    try {
      return Nulls.unwrap(fromForeign.receive());
    } catch (EndOfChannel e) {
      Throwable f = task.failure();
      if (f != null) throw Loops.sneakyThrow(f);
      throw new EndOfChannel("the foreign task has ended");
    }
  }

  /** The first item, for {@link Foreign#openChannelFrom}: the end here means none ever came. */
  I receiveFirst() {
    try {
      return receiveDirect();
    } catch (EndOfChannel e) {
      throw new EndOfChannel("the foreign task ended before it sent a first value");
    }
  }

  /**
   * Sends {@code item} (null allowed) to the foreign task; a checkpoint, waiting while its buffer
   * is full.
   *
   * @throws BrokenResourceError if the foreign task is over (its error instead, if it failed)
   * @throws ClosedResourceError if this side ended its sending ({@link #endSending()})
   */
  public void send(O item) {
    try {
      toForeign.send(Nulls.wrap(item));
    } catch (BrokenResourceError e) {
      Throwable f = task.failure();
      if (f != null) throw Loops.sneakyThrow(f);
      throw e;
    }
  }

  /**
   * Ends this side's sending: once the foreign task has received what was sent, its {@code
   * receive()} fails with {@link EndOfChannel}. Idempotent.
   */
  public void endSending() {
    toForeign.endSending();
  }

  /**
   * A new local subscriber to the foreign task's items: every subscriber sees every item that
   * arrives from now on, as {@code MsgStream.subscribe} (tractor's {@code subscribe}); the
   * channel's own {@link #receive()} reads through the same broadcast from then on. Its window
   * is the channel's buffer size; a subscriber further behind gets {@link io.jtractor.sc.Lagged}.
   */
  public BroadcastReceiver<I> subscribe() {
    return subscribe(true);
  }

  /** {@link #subscribe()}, choosing whether a lagging subscriber raises or only logs. */
  public synchronized BroadcastReceiver<I> subscribe(boolean raiseOnLag) {
    if (fromForeign.isClosed()) throw new ClosedResourceError("cannot subscribe to a closed linked channel");
    if (broadcaster == null) {
      broadcaster = BroadcastReceiver.over(this::receiveDirect, fromForeign.capacity(), raiseOnLag);
    }
    return broadcaster.subscribe(raiseOnLag);
  }

  /**
   * Closes this side's receiving end (tractor's {@code aclose}): receiving raises {@link
   * ClosedResourceError} from now on, and the foreign task's sends fail with {@link
   * BrokenResourceError}. The foreign task itself goes on until the block ends. Idempotent.
   */
  @Override
  public void close() {
    fromForeign.closeReceiving();
  }

  /** Whether this side's receiving end is closed. */
  public boolean isClosed() {
    return fromForeign.isClosed();
  }

  /** Waits until the foreign task is over (tractor's {@code wait_asyncio_complete}); a checkpoint. */
  public void awaitForeignComplete() {
    task.await();
  }

  /** Whether the foreign task is over. */
  public boolean isForeignComplete() {
    return task.isDone();
  }

  /** Receives until the end of the channel; a failure of the foreign task escapes from {@code hasNext()}. */
  @Override
  public Iterator<I> iterator() {
    return Receiving.untilEnd(this::receive);
  }

  @Override
  public String toString() {
    return "LinkedTaskChannel[" + task.what() + (task.isDone() ? ", foreign task over" : "") + "]";
  }
}
