package io.jtractor;

import io.jtractor.errors.ConnectionLost;
import io.jtractor.errors.RemoteActorError;
import io.jtractor.errors.TypeError;
import io.jtractor.runtime.ContextLink;
import io.jtractor.runtime.Values;
import io.jtractor.sc.BroadcastReceiver;
import io.jtractor.sc.ClosedResourceError;
import io.jtractor.sc.EndOfChannel;
import java.util.Iterator;
import java.util.Objects;

/**
 * A stream of messages between the two tasks of a context, in both directions at once (or, from
 * {@link Portal#openStreamFrom}, from a remote streaming function to its caller). Prior art:
 * tractor's {@code MsgStream}.
 *
 * <p>{@link #receive()} returns the peer's items in order and raises {@link EndOfChannel} once the
 * peer has closed its end, and on every call after; iteration ends there cleanly. {@link
 * #send(Object)} sends one item. {@link #close()} sends {@code stop} (ending the peer's
 * iteration); it is idempotent, unlike tractor's. Use it with try-with-resources.
 *
 * <p>Errors: a remote error raises from receive and send; a connection that ends raises {@link
 * ConnectionLost}; sending after close raises {@link ClosedResourceError}.
 *
 * <p>Threads: one task receives and any tasks may send; several local receivers share the stream
 * through {@link #subscribe()}.
 */
public final class MsgStream implements AutoCloseable, Iterable<Object> {
  private final ContextLink link;
  private final StreamOptions options;
  /** False for a one-way stream from a streaming function. */
  private final boolean canSend;
  /** Runs after the stop is sent, for one-way streams: cancel the remote generator, forget. */
  private final Runnable afterClose;
  /** The receiving task's view; set once the end was seen. */
  private volatile boolean endOfChannel;
  private volatile boolean closed;
  /** The broadcast state once {@link #subscribe()} was called: receive goes through it. */
  private volatile BroadcastReceiver<Object> primary;

  MsgStream(ContextLink link, StreamOptions options, boolean canSend, Runnable afterClose) {
    this.link = link;
    this.options = options;
    this.canSend = canSend;
    this.afterClose = afterClose;
  }

  /**
   * The next item from the peer; a checkpoint.
   *
   * @throws EndOfChannel once the peer has closed its end (or this side closed the stream)
   * @throws RemoteActorError if the peer failed
   * @throws ConnectionLost if the connection ended
   */
  public Object receive() {
    BroadcastReceiver<Object> b = primary;
    if (b != null) return b.receive();
    return receiveDirect();
  }

  private Object receiveDirect() {
    if (endOfChannel) throw new EndOfChannel("the stream has ended");
    try {
      return link.receiveYield();
    } catch (EndOfChannel e) {
      endOfChannel = true;
      throw e;
    }
  }

  /** The next item converted to {@code type} (records from maps, numbers widened or narrowed). */
  @SuppressWarnings("unchecked")
  public <T> T receive(Class<T> type) {
    Objects.requireNonNull(type, "type");
    return (T) Values.toJava(receive(), type);
  }

  /**
   * Sends one item; a checkpoint. To a jtractor peer whose buffer is full it waits, if the stream
   * has backpressure (the default).
   *
   * @throws ClosedResourceError if this stream was closed, or it is receive-only
   * @throws RemoteActorError if the peer failed
   * @throws ConnectionLost if the connection is gone
   * @throws TypeError if msgpack cannot carry {@code item}
   */
  public void send(Object item) {
    if (!canSend) throw new ClosedResourceError("this stream is receive-only (it comes from a streaming function)");
    if (closed) throw new ClosedResourceError("This stream was already closed");
    link.sendYield(item, options.backpressure());
  }

  /**
   * A new local subscriber to this stream's items: every subscriber sees every item that arrives
   * from now on (tractor's {@code MsgStream.subscribe}). The stream's own {@link #receive()} then
   * reads through the same broadcast. Its window is the stream's buffer size; a subscriber that
   * falls further behind gets {@link io.jtractor.sc.Lagged}.
   */
  public BroadcastReceiver<Object> subscribe() {
    return subscribe(true);
  }

  /** {@link #subscribe()}, choosing whether a lagging subscriber raises or only logs. */
  public synchronized BroadcastReceiver<Object> subscribe(boolean raiseOnLag) {
    if (closed) throw new ClosedResourceError("cannot subscribe to a closed stream");
    if (primary == null) {
      primary = BroadcastReceiver.over(this::receiveDirect, options.msgBufferSize(), raiseOnLag);
    }
    return primary.subscribe(raiseOnLag);
  }

  /**
   * This stream's items as a {@link java.util.concurrent.Flow.Publisher} for one subscriber: a
   * task in {@code nursery} forwards them as the subscriber asks; the end of the stream completes
   * the subscriber, a remote error is its {@code onError}; cancelling the subscription closes this
   * stream, which stops (and, for a one-way stream, cancels) the remote producer. See {@link
   * io.jtractor.sc.foreign.Foreign#publisher}. A null item cannot be published (Reactive Streams
   * carries none) and fails the subscriber.
   */
  public java.util.concurrent.Flow.Publisher<Object> toPublisher(io.jtractor.sc.Nursery nursery) {
    return io.jtractor.sc.foreign.Foreign.publisher(nursery, this::receive, this);
  }

  /** Whether the peer's end (or ours) has ended receiving. */
  public boolean isEnded() {
    return endOfChannel || closed;
  }

  /**
   * Closes this end: sends {@code stop} (once; later calls do nothing), after which receive raises
   * {@link EndOfChannel} and send {@link ClosedResourceError}. Shielded from cancellation.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) return;
      closed = true;
      endOfChannel = true;
    }
    link.sendStop();
    if (afterClose != null) afterClose.run();
  }

  /** Iterates over the items until the peer closes its end. */
  @Override
  public Iterator<Object> iterator() {
    return io.jtractor.sc.Receiving.untilEnd(this::receive);
  }

  @Override
  public String toString() {
    return "MsgStream[" + link + "]";
  }
}
