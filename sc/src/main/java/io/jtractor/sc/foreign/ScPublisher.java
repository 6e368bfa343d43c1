package io.jtractor.sc.foreign;

import io.jtractor.sc.BroadcastReceiver;
import io.jtractor.sc.CancelScope;
import io.jtractor.sc.Cancelled;
import io.jtractor.sc.EndOfChannel;
import io.jtractor.sc.Event;
import io.jtractor.sc.Nursery;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * SC work exposed as a {@link Flow.Publisher}: each subscription runs a producing task in a given
 * {@link Nursery}, which emits only as far as the subscriber's demand reaches ({@link Sink#emit}
 * waits, as a checkpoint, for a {@code request(n)}). Cancelling the subscription cancels the
 * producing task; the producer returning completes the subscriber, its failure is the
 * subscriber's {@code onError} (not a failure of the nursery, which the subscriber stands for
 * here); the nursery cancelled from outside ends the subscriber with a {@link
 * CancellationException}. Every signal comes from the producing task, so they are serial.
 *
 * <p>Built by {@link Foreign#publisher(Nursery, Producer)} (a cold publisher: a producer per
 * subscriber) or {@link Foreign#publisher(Nursery, BroadcastReceiver.Source, AutoCloseable)} (an
 * SC receive channel or a stream: one subscriber, the source closed when it ends or is cancelled).
 *
 * @param <T> the type of the items
 */
public final class ScPublisher<T> implements Flow.Publisher<T> {
  private static final System.Logger LOG = System.getLogger(ScPublisher.class.getName());

  /** What emits the items of one subscription: runs as an SC task. */
  @FunctionalInterface
  public interface Producer<T> {
    void run(Sink<T> out) throws Exception;
  }

  /** Where a producer emits. */
  public interface Sink<T> {
    /**
     * Hands {@code item} to the subscriber once it has asked for it; a checkpoint. Raises {@link
     * Cancelled} once the subscription is cancelled.
     *
     * @throws NullPointerException for a null item (Reactive Streams carries none)
     */
    void emit(T item);
  }

  private final Nursery nursery;
  private final Producer<T> producer;
  private final String name;
  /** Non-null for a publisher that takes one subscriber: whether it was taken. */
  private final AtomicBoolean taken;

  private ScPublisher(Nursery nursery, Producer<T> producer, String name, boolean once) {
    this.nursery = Objects.requireNonNull(nursery, "nursery");
    this.producer = Objects.requireNonNull(producer, "producer");
    this.name = name;
    this.taken = once ? new AtomicBoolean() : null;
  }

  static <T> ScPublisher<T> of(Nursery nursery, Producer<T> producer) {
    return new ScPublisher<>(nursery, producer, "publisher", false);
  }

  static <T> ScPublisher<T> over(Nursery nursery, BroadcastReceiver.Source<? extends T> source, AutoCloseable closer) {
    Objects.requireNonNull(source, "source");
    return new ScPublisher<T>(nursery, out -> {
      try {
        while (true) {
          T item;
          try {
            item = source.receive();
          } catch (EndOfChannel end) {
            return;
          }
          out.emit(item);
        }
      } finally {
        if (closer != null) closer.close();
      }
    }, "publisher over " + source, true);
  }

  @Override
  public void subscribe(Flow.Subscriber<? super T> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber"); // rule 1.9
    if (taken != null && !taken.compareAndSet(false, true)) {
      subscriber.onSubscribe(NOTHING);
      subscriber.onError(new IllegalStateException(name + " takes one subscriber, and it has one"));
      return;
    }
    Pump<T> pump = new Pump<>(subscriber);
    subscriber.onSubscribe(pump);
    try {
      nursery.startSoon(name, () -> pump.run(producer));
    } catch (RuntimeException closed) {
      subscriber.onError(new IllegalStateException("the nursery of " + name + " is closed: " + closed.getMessage(), closed));
    }
  }

  private static final Flow.Subscription NOTHING = new Flow.Subscription() {
    @Override
    public void request(long n) {}

    @Override
    public void cancel() {}
  };

  /**
   * One subscription: its demand and its producing task. Demand, the cancel flag and the bad
   * request are guarded by {@link #lock}; the subscriber is signalled only by the producing task.
   */
  private static final class Pump<T> implements Flow.Subscription, Sink<T> {
    private final Flow.Subscriber<? super T> subscriber;
    private final CancelScope scope = CancelScope.create();
    private final ReentrantLock lock = new ReentrantLock();
    private long demand; // guarded by lock
    private boolean cancelled; // guarded by lock
    private IllegalArgumentException badRequest; // guarded by lock
    private Event changed = new Event(); // guarded by lock

    Pump(Flow.Subscriber<? super T> subscriber) {
      this.subscriber = subscriber;
    }

    @Override
    public void request(long n) {
      boolean stop = false;
      lock.lock();
      try {
        if (cancelled || badRequest != null) return;
        if (n <= 0) {
          badRequest = new IllegalArgumentException("request(" + n + "): demand must be positive (rule 3.9)");
          stop = true;
        } else {
          demand = demand + n < 0 ? Long.MAX_VALUE : demand + n; // rule 3.17
        }
        signalLocked();
      } finally {
        lock.unlock();
      }
      if (stop) scope.cancel();
    }

    @Override
    public void cancel() {
      lock.lock();
      try {
        cancelled = true;
        signalLocked();
      } finally {
        lock.unlock();
      }
      scope.cancel();
    }

    private void signalLocked() {
      Event old = changed;
      changed = new Event();
      old.set();
    }

    @Override
    public void emit(T item) {
      Objects.requireNonNull(item, "a Flow.Publisher cannot carry null items (rule 2.13)");
      while (true) {
        Event wait;
        lock.lock();
        try {
          if (demand > 0) {
            demand--;
            break;
          }
          wait = changed;
        } finally {
          lock.unlock();
        }
        wait.await();
      }
      try {
        subscriber.onNext(item);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "a subscriber's onNext threw (rule 2.13): its subscription is cancelled", e);
        cancel();
        io.jtractor.sc.Sc.checkpointIfCancelled();
      }
    }

    void run(Producer<T> producer) {
      Throwable failure = null;
      try {
        scope.run(s -> producer.run(this));
      } catch (Throwable t) {
        failure = t;
      }
      IllegalArgumentException bad;
      boolean byCancel;
      lock.lock();
      try {
        bad = badRequest;
        byCancel = cancelled;
      } finally {
        lock.unlock();
      }
      if (failure instanceof Cancelled c) {
        if (!byCancel) subscriber.onError(new CancellationException("the SC side producing these items was cancelled"));
        throw c;
      }
      if (byCancel) return; // the subscriber asked: no more signals (rule 1.8)
      if (bad != null) {
        subscriber.onError(bad);
      } else if (failure != null) {
        subscriber.onError(failure);
      } else {
        subscriber.onComplete();
      }
    }
  }

  @Override
  public String toString() {
    return "ScPublisher[" + name + "]";
  }
}
