package io.jtractor.sc.foreign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jtractor.sc.CancelScope;
import io.jtractor.sc.EndOfChannel;
import io.jtractor.sc.Event;
import io.jtractor.sc.MemoryChannel;
import io.jtractor.sc.Nursery;
import io.jtractor.sc.Sc;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Reactive Streams both ways: a publisher read by an SC task, SC work as a publisher. */
@DisplayName("Flow.Publisher <-> SC channels, with backpressure and cancellation")
@Timeout(20)
class FlowBridgeTest {
  private final Events events = new Events();

  @AfterEach
  void nothingLeft() throws InterruptedException {
    assertThat(events.aliveThreads()).as("threads left behind").isEmpty();
  }

  /**
   * A publisher of {@code 0..count-1} that emits on its own thread exactly as far as the demand
   * reaches, and records the largest demand outstanding. {@code extra} more items are sent beyond
   * the demand at the end (a rule breaker); {@code afterComplete} items after onComplete.
   */
  final class Range implements Flow.Publisher<Integer> {
    final int count;
    final int extra;
    final int afterComplete;
    final boolean deafToCancel;
    final AtomicLong maxOutstanding = new AtomicLong();
    volatile Thread thread;

    Range(int count, int extra, int afterComplete, boolean deafToCancel) {
      this.count = count;
      this.extra = extra;
      this.afterComplete = afterComplete;
      this.deafToCancel = deafToCancel;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Integer> s) {
      Object lock = new Object();
      long[] demand = {0};
      boolean[] cancelled = {false};
      s.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {
          synchronized (lock) {
            demand[0] += n;
            maxOutstanding.accumulateAndGet(demand[0], Math::max);
            lock.notifyAll();
          }
        }

        @Override
        public void cancel() {
          synchronized (lock) {
            cancelled[0] = true;
            lock.notifyAll();
          }
          events.add("subscription cancelled");
        }
      });
      thread = Thread.ofVirtual().name("range-publisher").start(() -> {
        try {
          int i = 0;
          while (i < count || deafToCancel) {
            synchronized (lock) {
              while (demand[0] == 0 && !cancelled[0]) lock.wait();
              if (cancelled[0] && !deafToCancel) return;
              if (cancelled[0] && i >= count + 1000) return; // a deaf publisher gives up eventually
              if (!cancelled[0]) demand[0]--;
            }
            s.onNext(i++);
          }
          for (int j = 0; j < extra; j++) s.onNext(i++);
          s.onComplete();
          for (int j = 0; j < afterComplete; j++) s.onNext(i++);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
    }
  }

  @Test
  void aPublisherIsReadWithDemandBoundedByTheBuffer() throws Exception {
    Range range = new Range(1000, 0, 0, false);
    List<Integer> got = new ArrayList<>();
    Foreign.consume(range, 16, rx -> {
      for (Integer v : rx) {
        got.add(v);
        assertThat(rx.inFlight()).isLessThanOrEqualTo(16);
      }
    });
    range.thread.join();
    assertThat(got).isEqualTo(IntStream.range(0, 1000).boxed().toList());
    assertThat(range.maxOutstanding.get()).isLessThanOrEqualTo(16);
  }

  @Test
  void cancellingTheConsumersScopeCancelsTheSubscription() throws Exception {
    Flow.Publisher<Object> silent = s -> s.onSubscribe(new Flow.Subscription() {
      @Override
      public void request(long n) {
        events.add("requested " + n);
      }

      @Override
      public void cancel() {
        events.add("subscription cancelled");
      }
    });
    CancelScope scope = CancelScope.create();
    Nursery.run(n -> {
      n.startSoon(() -> scope.run(s -> Foreign.consume(silent, 4, rx -> rx.receive())));
      events.await("requested 4");
      scope.cancel();
    });
    assertThat(scope.cancelledCaught()).isTrue();
    assertThat(events.list()).containsExactly("requested 4", "subscription cancelled");
  }

  @Test
  void aPublisherErrorIsRaisedWithItsTypeAfterTheItemsBeforeIt() {
    Flow.Publisher<Integer> failing = s -> {
      s.onSubscribe(new Flow.Subscription() {
        boolean sent;

        @Override
        public void request(long n) {
          if (sent) return;
          sent = true;
          s.onNext(1);
          s.onNext(2);
          s.onError(new UnsupportedOperationException("feed broke"));
        }

        @Override
        public void cancel() {}
      });
    };
    List<Integer> got = new ArrayList<>();
    Throwable t = catchThrowable(() -> Foreign.consume(failing, 8, rx -> {
      for (Integer v : rx) got.add(v);
    }));
    assertThat(got).containsExactly(1, 2);
    assertThat(t).isExactlyInstanceOf(UnsupportedOperationException.class).hasMessage("feed broke");
  }

  @Test
  void onNextBeyondTheDemandEndsTheChannelWithAClearErrorAfterEveryItem() throws Exception {
    Range range = new Range(4, 3, 0, false);
    List<Integer> got = new ArrayList<>();
    Throwable t;
    try (FlowReceiver<Integer> rx = Foreign.receive(range, 4)) {
      range.thread.join(); // every signal is in: 0..3 as asked, then 4 beyond the demand of 4
      t = catchThrowable(() -> {
        for (Integer v : rx) got.add(v);
      });
    }
    assertThat(got).containsExactly(0, 1, 2, 3, 4);
    assertThat(t).isInstanceOf(IllegalStateException.class).hasMessageContaining("beyond the demand").hasMessageContaining("rule 1.1");
    assertThat(events.list()).containsExactly("subscription cancelled");
  }

  @Test
  void aSignalAfterOnCompleteEndsTheChannelWithAClearErrorAfterEveryItem() throws Exception {
    Range range = new Range(3, 0, 1, false);
    List<Integer> got = new ArrayList<>();
    Throwable t;
    try (FlowReceiver<Integer> rx = Foreign.receive(range, 8)) {
      range.thread.join(); // every signal is in
      t = catchThrowable(() -> {
        for (Integer v : rx) got.add(v);
      });
    }
    assertThat(got).containsExactly(0, 1, 2, 3);
    assertThat(t).isInstanceOf(IllegalStateException.class).hasMessageContaining("rule 1.7");
  }

  @Test
  void aPublisherThatIgnoresCancelCannotHoldTheConsumer() throws Exception {
    Range range = new Range(2, 0, 0, true);
    try (FlowReceiver<Integer> rx = Foreign.receive(range, 2)) {
      assertThat(rx.receive()).isEqualTo(0);
    } // cancels; the publisher keeps sending (up to its own limit), and is ignored
    range.thread.join();
    assertThat(events.list()).containsExactly("subscription cancelled");
  }

  @Test
  void scWorkIsAPublisherThatEmitsOnlyAsFarAsTheDemand() {
    List<Integer> got = Collections.synchronizedList(new ArrayList<>());
    Nursery.run(n -> {
      ScPublisher<Integer> pub = Foreign.publisher(n, out -> {
        for (int i = 0; i < 5; i++) {
          out.emit(i);
          events.add("emitted " + i);
        }
      });
      Event complete = new Event();
      Flow.Subscription[] sub = new Flow.Subscription[1];
      pub.subscribe(new Flow.Subscriber<>() {
        @Override
        public void onSubscribe(Flow.Subscription s) {
          sub[0] = s;
          s.request(2);
        }

        @Override
        public void onNext(Integer item) {
          got.add(item);
        }

        @Override
        public void onError(Throwable t) {
          events.add("error " + t);
        }

        @Override
        public void onComplete() {
          events.add("complete");
          complete.set();
        }
      });
      events.await("emitted 1");
      assertThat(got).containsExactly(0, 1); // no demand left: the producer waits in emit(2)
      sub[0].request(Long.MAX_VALUE);
      complete.await();
    });
    assertThat(got).containsExactly(0, 1, 2, 3, 4);
    assertThat(events.list()).endsWith("complete");
  }

  @Test
  void cancellingTheSubscriptionCancelsTheProducingTask() throws Exception {
    AtomicBoolean errorSignalled = new AtomicBoolean();
    Nursery.run(n -> {
      ScPublisher<Integer> pub = Foreign.publisher(n, out -> {
        try {
          for (int i = 0; ; i++) out.emit(i);
        } finally {
          events.add("producer ended: " + Sc.isCancelled());
        }
      });
      pub.subscribe(new Flow.Subscriber<>() {
        Flow.Subscription s;

        @Override
        public void onSubscribe(Flow.Subscription s) {
          this.s = s;
          s.request(1);
        }

        @Override
        public void onNext(Integer item) {
          if (item == 3) s.cancel();
          else s.request(1);
        }

        @Override
        public void onError(Throwable t) {
          errorSignalled.set(true);
        }

        @Override
        public void onComplete() {}
      });
    });
    assertThat(events.list()).containsExactly("producer ended: true");
    assertThat(errorSignalled).isFalse();
  }

  @Test
  void aReceiveChannelRoundTripsThroughAPublisherAndBack() throws Exception {
    List<Integer> got = new ArrayList<>();
    Nursery.run(n -> {
      MemoryChannel<Integer> ch = MemoryChannel.open(0);
      n.startSoon(() -> {
        try (var tx = ch.sender()) {
          for (int i = 0; i < 100; i++) tx.send(i);
        }
      });
      Foreign.consume(Foreign.publisher(n, ch.receiver()), 8, rx -> {
        for (Integer v : rx) got.add(v);
      });
    });
    assertThat(got).isEqualTo(IntStream.range(0, 100).boxed().toList());
  }

  @Test
  void aChannelPublisherTakesOneSubscriberAndRefusesBadDemand() throws Exception {
    List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    Nursery.run(n -> {
      MemoryChannel<Integer> ch = MemoryChannel.open(1);
      ScPublisher<Integer> pub = Foreign.publisher(n, ch.receiver());
      Event failed = new Event();
      Flow.Subscriber<Integer> bad = new Flow.Subscriber<>() {
        @Override
        public void onSubscribe(Flow.Subscription s) {
          s.request(0);
        }

        @Override
        public void onNext(Integer item) {}

        @Override
        public void onError(Throwable t) {
          errors.add(t);
          if (errors.size() == 2) failed.set();
        }

        @Override
        public void onComplete() {}
      };
      pub.subscribe(bad);
      pub.subscribe(bad);
      failed.await();
      ch.sender().close();
    });
    assertThat(errors).hasSize(2);
    assertThat(errors).anySatisfy(e -> assertThat(e).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rule 3.9"));
    assertThat(errors).anySatisfy(e -> assertThat(e).isInstanceOf(IllegalStateException.class).hasMessageContaining("one subscriber"));
  }

  @Test
  void theProducingNurseryCancelledEndsTheSubscriberWithCancellation() {
    List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    Nursery.run(n -> {
      Foreign.publisher(n, out -> Sc.sleepForever()).subscribe(new Flow.Subscriber<Object>() {
        @Override
        public void onSubscribe(Flow.Subscription s) {
          s.request(1);
          events.add("subscribed");
        }

        @Override
        public void onNext(Object item) {}

        @Override
        public void onError(Throwable t) {
          errors.add(t);
        }

        @Override
        public void onComplete() {}
      });
      events.await("subscribed");
      n.cancel();
    });
    assertThat(errors).singleElement().isInstanceOf(CancellationException.class);
  }

  @Test
  void receivingPastTheEndIsEndOfChannel() throws Exception {
    Range range = new Range(1, 0, 0, false);
    try (FlowReceiver<Integer> rx = Foreign.receive(range, 1)) {
      assertThat(rx.receive()).isZero();
      assertThat(catchThrowable(rx::receive)).isInstanceOf(EndOfChannel.class);
    }
    range.thread.join();
  }
}
