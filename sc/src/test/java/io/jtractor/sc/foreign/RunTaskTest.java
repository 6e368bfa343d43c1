package io.jtractor.sc.foreign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jtractor.sc.CancelScope;
import io.jtractor.sc.Nursery;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code Foreign.runTask}: tractor's {@code run_task}, test_infected_asyncio's single-task cases. */
@DisplayName("runTask: one piece of foreign work from an SC task")
@Timeout(20)
class RunTaskTest {
  private final EventLoop loop = EventLoop.open("test-loop");
  private final Events events = new Events();

  @AfterEach
  void closeLoop() throws InterruptedException {
    assertThat(loop.close(Duration.ofSeconds(5))).as("the loop ended").isTrue();
    assertThat(events.aliveThreads()).isEmpty();
  }

  @Test
  void returnsTheValueOfTheStageStartedOnTheLoop() {
    int v = Foreign.runTask(loop, () -> {
      events.add("started on the loop: " + loop.inLoop());
      return CompletableFuture.supplyAsync(() -> 42, loop);
    });
    assertThat(v).isEqualTo(42);
    assertThat(events.list()).containsExactly("started on the loop: true");
  }

  @Test
  void aForeignErrorIsRaisedWithItsOwnType() {
    // tractor: test_aio_simple_error, asyncio's `assert 0` re-raised as AssertionError
    Throwable t = catchThrowable(() -> Foreign.runTask(loop, () -> CompletableFuture.supplyAsync(() -> {
      throw new AssertionError("assert 0");
    }, loop)));
    assertThat(t).isExactlyInstanceOf(AssertionError.class).hasMessage("assert 0");
  }

  @Test
  void aCheckedExceptionThrownByTheStartIsRaisedAsItself() {
    Throwable t = catchThrowable(() -> Foreign.<Object>runTask(() -> {
      throw new IOException("no connection");
    }));
    assertThat(t).isExactlyInstanceOf(IOException.class).hasMessage("no connection");
  }

  @Test
  void somethingThatIsNotAsyncWorkIsAClearErrorAtTheCall() {
    assertThatThrownBy(() -> Foreign.runTask(() -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("returned null, not a CompletionStage");
    assertThatThrownBy(() -> Foreign.runTask(loop, () -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a CompletionStage");
  }

  @Test
  void theScSideCancelledCancelsTheForeignWorkAndWaitsForIt() {
    // tractor: test_trio_cancels_aio_on_actor_side (move_on_after around run_task(sleep_forever))
    CompletableFuture<Object> forever = new CompletableFuture<>();
    forever.whenComplete((v, e) -> events.add("foreign work ended: " + e.getClass().getSimpleName()));
    CancelScope scope = CancelScope.create();
    Nursery.run(n -> {
      n.startSoon(() -> scope.run(s -> Foreign.runTask(loop, () -> {
        events.add("foreign work started");
        return forever;
      })));
      events.await("foreign work started");
      scope.cancel();
    });
    events.add("the SC task went on");
    assertThat(scope.cancelledCaught()).isTrue();
    assertThat(events.list()).containsExactly("foreign work started", "foreign work ended: CancellationException", "the SC task went on");
  }

  @Test
  void aFutureThatIgnoresCancelGetsAClearErrorAfterTheGracePeriod() {
    Deaf<Object> deaf = new Deaf<>();
    CancelScope scope = CancelScope.create();
    Throwable t = catchThrowable(() -> Nursery.run(n -> {
      n.startSoon(() -> scope.run(s -> Foreign.runTask(loop, Duration.ofMillis(100), () -> {
        events.add("started");
        return deaf;
      })));
      events.await("started");
      scope.cancel();
    }));
    assertThat(t).isInstanceOf(ForeignCancelTimeout.class).hasMessageContaining("ignores cancel()");
    assertThat(((ForeignCancelTimeout) t).grace()).isEqualTo(Duration.ofMillis(100));
    deaf.complete("late");
  }

  @Test
  void theForeignSideCancellingItselfIsForeignCancelledNotTheScTasksCancellation() {
    // tractor: test_aio_cancelled_from_aio_causes_trio_cancelled (AsyncioCancelled)
    Throwable t = catchThrowable(() -> Foreign.runTask(loop, () -> {
      CompletableFuture<Object> f = new CompletableFuture<>();
      loop.execute(() -> f.cancel(true));
      return f;
    }));
    assertThat(t).isExactlyInstanceOf(ForeignCancelled.class).hasCauseInstanceOf(java.util.concurrent.CancellationException.class);
  }

  @Test
  void workCancelledBeforeTheLoopRanItNeverRuns() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    loop.execute(() -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    AtomicBoolean ran = new AtomicBoolean();
    CancelScope scope = CancelScope.withTimeout(Duration.ofMillis(50));
    scope.run(s -> Foreign.runTask(loop, () -> {
      ran.set(true);
      return new CompletableFuture<>();
    }));
    assertThat(scope.cancelledCaught()).isTrue();
    release.countDown();
    CountDownLatch drained = new CountDownLatch(1);
    loop.execute(drained::countDown);
    drained.await();
    assertThat(ran).isFalse();
  }

  @Test
  void aCancelledCallerStartsNothing() {
    AtomicBoolean ran = new AtomicBoolean();
    CancelScope scope = CancelScope.create();
    scope.cancel();
    scope.run(s -> Foreign.runTask(() -> {
      ran.set(true);
      return CompletableFuture.completedFuture(1);
    }));
    assertThat(ran).isFalse();
  }

  /** A future whose {@code cancel} is ignored. */
  static final class Deaf<T> extends CompletableFuture<T> {
    @Override
    public boolean cancel(boolean mayInterrupt) {
      return false;
    }
  }
}
