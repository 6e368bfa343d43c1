package io.jtractor.sc.foreign;

import io.jtractor.sc.ClosedResourceError;
import io.jtractor.sc.EndOfChannel;
import io.jtractor.sc.Event;
import io.jtractor.sc.Receiving;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Flow.Publisher} read as an SC receive channel, with real backpressure: it never
 * requests more than its buffer holds ({@code request(n)} as the consumer makes room, in batches
 * of half the buffer), so a fast publisher waits for a slow SC task. {@link #close()} cancels the
 * subscription; use it with try-with-resources, or through {@link Foreign#consume}, so that a
 * cancelled consumer cancels the subscription too.
 *
 * <p>{@link #receive()} returns the items in order, then raises {@link EndOfChannel} after {@code
 * onComplete}, or the publisher's error (its own type) after {@code onError}. A publisher that
 * breaks the Reactive Streams rules (an {@code onNext} beyond the demand, a null item, a signal
 * after its terminal signal) has its subscription cancelled and ends
 * the channel with an {@link IllegalStateException} naming the rule; every item it delivered
 * before is still received first. Signals after this side cancelled are ignored (rule 3.12
 * allows a few).
 *
 * <p>Threads: the publisher signals from any thread; one task receives; {@code close} from any
 * thread. Guarded by {@link #lock}: the buffer, demand and terminal state; calls to the
 * subscription are made serially under {@link #subscriptionLock} (rule 2.7).
 *
 * @param <T> the type of the items
 */
public final class FlowReceiver<T> implements AutoCloseable, Iterable<T> {
  private final String source;
  private final int bufferSize;
  private final int batch;

  private final ReentrantLock lock = new ReentrantLock();
  private final ReentrantLock subscriptionLock = new ReentrantLock();
  // ---- guarded by lock ----
  private final ArrayDeque<Object> buffer = new ArrayDeque<>();
  private Flow.Subscription subscription;
  /** Requested and not yet delivered. */
  private long outstanding;
  /** Received by the consumer since the last request. */
  private int consumedSinceRequest;
  /** Null while open; COMPLETE, or the error to raise once the buffer is drained. */
  private Object terminal;
  /** The publisher sent its terminal signal (later signals break rule 1.7). */
  private boolean publisherTerminated;
  /** The publisher broke a rule and its subscription was cancelled: its later signals are ignored. */
  private boolean violated;
  private boolean closed;
  /** Set and replaced whenever an item or a terminal signal arrives, or the receiver closes. */
  private Event changed = new Event();

  private static final Object COMPLETE = new Object();

  private FlowReceiver(String source, int bufferSize) {
    this.source = source;
    this.bufferSize = bufferSize;
    this.batch = Math.max(1, bufferSize / 2);
  }

  /**
   * Subscribes to {@code publisher} (on the calling thread) and returns the receiving end.
   *
   * @param bufferSize how many items may be requested and not yet received, at most
   * @throws IllegalArgumentException if {@code bufferSize < 1}
   */
  public static <T> FlowReceiver<T> subscribe(Flow.Publisher<? extends T> publisher, int bufferSize) {
    Objects.requireNonNull(publisher, "publisher");
    if (bufferSize < 1) throw new IllegalArgumentException("bufferSize must be at least 1: " + bufferSize);
    FlowReceiver<T> r = new FlowReceiver<>(String.valueOf(publisher), bufferSize);
    publisher.subscribe(r.new Subscriber());
    return r;
  }

  /** What the publisher calls. */
  private final class Subscriber implements Flow.Subscriber<T> {
    @Override
    public void onSubscribe(Flow.Subscription s) {
      Objects.requireNonNull(s, "subscription"); // rule 2.13
      boolean cancelIt;
      lock.lock();
      try {
        cancelIt = subscription != null || closed || violated;
        if (!cancelIt) {
          subscription = s;
          outstanding = bufferSize;
        }
      } finally {
        lock.unlock();
      }
      if (cancelIt) {
        s.cancel();
        return;
      }
      subscriptionCall(() -> s.request(bufferSize));
    }

    @Override
    public void onNext(T item) {
      boolean cancel = false;
      lock.lock();
      try {
        if (closed || violated) return; // after our cancel: ignored (rule 3.12)
        if (publisherTerminated) {
          if (item != null) buffer.addLast(item);
          violationLocked("onNext after the publisher's terminal signal (rule 1.7)", null);
          cancel = true;
        } else if (item == null) {
          violationLocked("onNext(null) (rule 2.13)", null);
          cancel = true;
        } else {
          buffer.addLast(item); // kept even beyond the demand: nothing delivered is lost
          if (outstanding == 0) {
            violationLocked("onNext beyond the demand requested (rule 1.1)", null);
            cancel = true;
          } else {
            outstanding--;
          }
        }
        signalLocked();
      } finally {
        lock.unlock();
      }
      if (cancel) cancelSubscription();
    }

    @Override
    public void onError(Throwable t) {
      terminate(t == null ? new IllegalStateException("onError(null) (rule 2.13)") : t);
    }

    @Override
    public void onComplete() {
      terminate(COMPLETE);
    }

    private void terminate(Object how) {
      lock.lock();
      try {
        if (closed || violated) return;
        if (publisherTerminated) {
          violationLocked("a second terminal signal (rule 1.7)", how instanceof Throwable t ? t : null);
        } else {
          terminal = how;
          publisherTerminated = true;
        }
        signalLocked();
      } finally {
        lock.unlock();
      }
    }
  }

  private void violationLocked(String what, Throwable cause) {
    terminal = new IllegalStateException("publisher " + source + " broke the Reactive Streams rules: " + what, cause);
    violated = true;
  }

  private void signalLocked() {
    Event old = changed;
    changed = new Event();
    old.set();
  }

  private void subscriptionCall(Runnable call) {
    subscriptionLock.lock();
    try {
      call.run();
    } catch (RuntimeException e) {
      // rule 3.15/3.16: the subscription should not throw; a broken one cannot hurt the SC side
      System.getLogger(FlowReceiver.class.getName()).log(System.Logger.Level.WARNING, "subscription of " + source + " threw", e);
    } finally {
      subscriptionLock.unlock();
    }
  }

  private void cancelSubscription() {
    Flow.Subscription s;
    lock.lock();
    try {
      s = subscription;
    } finally {
      lock.unlock();
    }
    if (s != null) subscriptionCall(s::cancel);
  }

  /**
   * The next item; a checkpoint while none is buffered.
   *
   * @throws EndOfChannel after the publisher completed and every item was received
   * @throws ClosedResourceError if this receiver was closed
   * @throws IllegalStateException if the publisher broke the rules (after the items it delivered)
   */
  public T receive() {
    while (true) {
      Event wait;
      long request = 0;
      Flow.Subscription s = null;
      T item = null;
      boolean got = false;
      lock.lock();
      try {
        if (closed) throw new ClosedResourceError("this flow receiver is closed");
        if (!buffer.isEmpty()) {
          item = Nulls.unwrap(buffer.pollFirst());
          got = true;
          if (terminal == null && ++consumedSinceRequest >= batch) {
            request = consumedSinceRequest;
            consumedSinceRequest = 0;
            outstanding += request;
            s = subscription;
          }
        } else if (terminal == COMPLETE) {
          throw new EndOfChannel("publisher " + source + " completed");
        } else if (terminal instanceof Throwable t) {
          throw Loops.sneakyThrow(t);
        }
        wait = changed;
      } finally {
        lock.unlock();
      }
      if (got) {
        if (s != null) {
          long n = request;
          Flow.Subscription sub = s;
          subscriptionCall(() -> sub.request(n));
        }
        return item;
      }
      wait.await();
    }
  }

  /**
   * Cancels the subscription (unless the publisher already ended) and closes this end: receiving
   * raises {@link ClosedResourceError}, later signals are ignored. Idempotent; any thread.
   */
  @Override
  public void close() {
    boolean cancel;
    lock.lock();
    try {
      if (closed) return;
      closed = true;
      cancel = !publisherTerminated && !violated;
      buffer.clear();
      signalLocked();
    } finally {
      lock.unlock();
    }
    if (cancel) cancelSubscription();
  }

  /** Whether this receiver was closed. */
  public boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  /** How many items are requested and not yet delivered, plus buffered: never more than the buffer size from a rule-abiding publisher. */
  public long inFlight() {
    lock.lock();
    try {
      return outstanding + buffer.size();
    } finally {
      lock.unlock();
    }
  }

  /** Receives until the end; a publisher error escapes from {@code hasNext()}. */
  @Override
  public Iterator<T> iterator() {
    return Receiving.untilEnd(this::receive);
  }

  @Override
  public String toString() {
    return "FlowReceiver[" + source + "]";
  }
}
