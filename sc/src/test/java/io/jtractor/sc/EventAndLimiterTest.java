package io.jtractor.sc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Event and CapacityLimiter")
class EventAndLimiterTest {

  @Test
  void anEventWakesEveryWaiterAndStaysSet() {
    Event event = new Event();
    Trail trail = new Trail();
    Nursery.run(
        n -> {
          for (int i = 0; i < 3; i++) {
            n.startSoon(() -> {
              event.await();
              trail.add("woke");
            });
          }
          trail.add("setting");
          event.set();
        });
    assertThat(trail.events()).containsExactly("setting", "woke", "woke", "woke");
    assertThat(event.isSet()).isTrue();
    event.await(); // already set: returns at once
  }

  @Test
  void waitingForAnEventIsCancellable() {
    CancelScope scope = Sc.moveOnAfter(Duration.ofMillis(10), s -> new Event().await());
    assertThat(scope.cancelledCaught()).isTrue();
  }

  @Test
  void aLimiterLetsInAtMostItsTotal() {
    CapacityLimiter limiter = new CapacityLimiter(2);
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    Nursery.run(
        n -> {
          for (int i = 0; i < 20; i++) {
            n.startSoon(
                () -> {
                  try (var token = limiter.hold()) {
                    most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    Sc.sleep(Duration.ofMillis(2));
                    inside.decrementAndGet();
                  }
                });
          }
        });
    assertThat(most.get()).isEqualTo(2);
    assertThat(limiter.statistics()).isEqualTo(new CapacityLimiter.Statistics(0, 2, List.of(), 0));
  }

  @Test
  void aLimiterServesWaitersInOrderOfArrival() {
    CapacityLimiter limiter = new CapacityLimiter(1);
    List<Integer> order = new CopyOnWriteArrayList<>();
    Object holder = new Object();
    limiter.acquireOnBehalfOf(holder);
    Nursery.run(
        n -> {
          for (int i = 0; i < 5; i++) {
            int id = i;
            n.startSoon(() -> {
              limiter.acquire();
              order.add(id);
              limiter.release();
            });
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (limiter.statistics().tasksWaiting() != id + 1 && System.nanoTime() < deadline) Thread.yield();
          }
          limiter.releaseOnBehalfOf(holder);
        });
    assertThat(order).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void misuseOfALimiterIsReportedAtTheCallSite() {
    CapacityLimiter limiter = new CapacityLimiter(3);
    limiter.acquire();
    assertThatThrownBy(limiter::acquire).isInstanceOf(IllegalStateException.class).hasMessageContaining("already holds");
    limiter.release();
    assertThatThrownBy(limiter::release).isInstanceOf(IllegalStateException.class).hasMessageContaining("holds no token");
    assertThatThrownBy(() -> new CapacityLimiter(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> limiter.setTotalTokens(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void raisingTheTotalLetsWaitersIn() {
    CapacityLimiter limiter = new CapacityLimiter(1);
    Object a = new Object();
    limiter.acquireOnBehalfOf(a);
    assertThat(limiter.tryAcquireOnBehalfOf(new Object())).isFalse();
    Trail trail = new Trail();
    Nursery.run(
        n -> {
          n.startSoon(() -> {
            limiter.acquire();
            trail.add("in");
            limiter.release();
          });
          long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
          while (limiter.statistics().tasksWaiting() != 1 && System.nanoTime() < deadline) Thread.yield();
          limiter.setTotalTokens(2);
        });
    assertThat(trail.events()).containsExactly("in");
    assertThat(limiter.availableTokens()).isEqualTo(1);
  }

  @Test
  void aCancelledAcquireLeavesTheLine() {
    CapacityLimiter limiter = new CapacityLimiter(1);
    Object holder = new Object();
    limiter.acquireOnBehalfOf(holder);
    CancelScope scope = Sc.moveOnAfter(Duration.ofMillis(10), s -> limiter.acquire());
    assertThat(scope.cancelledCaught()).isTrue();
    assertThat(limiter.statistics().tasksWaiting()).isZero();
    limiter.releaseOnBehalfOf(holder);
    assertThat(limiter.tryAcquire()).isTrue();
  }
}
