package io.jtractor.sc.foreign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jtractor.sc.BroadcastReceiver;
import io.jtractor.sc.CancelScope;
import io.jtractor.sc.EndOfChannel;
import io.jtractor.sc.Event;
import io.jtractor.sc.ExceptionGroup;
import io.jtractor.sc.Nursery;
import io.jtractor.sc.Sc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code Foreign.openChannelFrom}: tractor's {@code open_channel_from}, after test_infected_asyncio's
 * inter-loop channel cases (echo server, streaming, fan-out, errors and early exits both ways).
 */
@DisplayName("openChannelFrom: a foreign task linked to an SC task")
@Timeout(20)
class OpenChannelFromTest {
  private final Events events = new Events();

  @AfterEach
  void nothingLeft() throws InterruptedException {
    assertThat(events.aliveThreads()).as("threads left behind").isEmpty();
  }

  /** tractor's aio_echo_server: sends "start", then echoes until it echoes the null sentinel. */
  private CompletionStage<Void> echoServer(ToSc<Object> toSc, FromSc<Object> fromSc) {
    toSc.offer("start");
    return echoLoop(toSc, fromSc);
  }

  private CompletionStage<Void> echoLoop(ToSc<Object> toSc, FromSc<Object> fromSc) {
    return fromSc.receive().thenCompose(msg -> {
      toSc.offer(msg);
      if (msg == null) {
        events.add("foreign echo loop ended");
        return CompletableFuture.completedFuture(null);
      }
      return echoLoop(toSc, fromSc);
    });
  }

  /**
   * tractor's push_from_aio_task: sends true, then {@code 0..count-1}; fails at {@code failAt};
   * records whether it saw the SC side's cancellation.
   */
  private CompletionStage<Void> pusher(ToSc<Object> toSc, FromSc<Object> fromSc, int count, int failAt) {
    fromSc.cancelled().thenRun(() -> events.add("foreign side saw the cancellation"));
    toSc.offer(true);
    return push(toSc, 0, count, failAt);
  }

  private CompletionStage<Void> push(ToSc<Object> toSc, int i, int count, int failAt) {
    if (i == count) {
      events.add("foreign pusher completed");
      return CompletableFuture.completedFuture(null);
    }
    if (i == failAt) return CompletableFuture.failedFuture(new IllegalStateException("foreign failure at " + i));
    return toSc.send(i).thenCompose(v -> push(toSc, i + 1, count, failAt));
  }

  @Test
  void echoServerDetailedMechanics() {
    // tractor: test_echoserver_detailed_mechanics[raise_error=False]
    String out = Foreign.openChannelFrom(this::echoServer, (chan, first) -> {
      assertThat(first).isEqualTo("start");
      for (int i = 0; i < 100; i++) {
        chan.send(i);
        assertThat(chan.receive()).isEqualTo(i);
      }
      chan.send(null); // the terminate sentinel
      assertThat(chan.receive()).isNull();
      Throwable end = catchThrowable(chan::receive);
      assertThat(end).isInstanceOf(EndOfChannel.class);
      return "done";
    });
    assertThat(out).isEqualTo("done");
    assertThat(events.list()).containsExactly("foreign echo loop ended");
  }

  @Test
  void aStreamFromTheForeignTaskEndsWithEndOfChannel() {
    // tractor: test_basic_interloop_channel_stream[fan_out=False]
    List<Object> pulled = new ArrayList<>();
    Foreign.openChannelFrom((ToSc<Object> toSc, FromSc<Object> fromSc) -> pusher(toSc, fromSc, 100, -1), (chan, first) -> {
      assertThat(first).isEqualTo(true);
      for (Object v : chan) pulled.add(v);
      return null;
    });
    assertThat(pulled).isEqualTo(IntStream.range(0, 100).boxed().toList());
    assertThat(events.list()).containsExactly("foreign pusher completed");
  }

  @Test
  void subscribeFansTheStreamOutToSeveralTasks() {
    // tractor: test_basic_interloop_channel_stream[fan_out=True]
    List<Object> a = Collections.synchronizedList(new ArrayList<>());
    List<Object> b = Collections.synchronizedList(new ArrayList<>());
    Foreign.openChannelFrom((ToSc<Object> toSc, FromSc<Object> fromSc) -> {
      toSc.offer(true);
      return fromSc.receive().thenCompose(go -> push(toSc, 0, 100, -1)); // waits until both listen
    }, (chan, first) -> {
      try (BroadcastReceiver<Object> second = chan.subscribe()) {
        Nursery.run(n -> {
          n.startSoon(() -> {
            for (Object v : second) b.add(v);
          });
          chan.send("go");
          for (Object v : chan) a.add(v);
        });
      }
      return null;
    });
    assertThat(a).isEqualTo(IntStream.range(0, 100).boxed().toList());
    assertThat(b).isEqualTo(a);
  }

  @Test
  void aForeignTaskThatFailsBeforeItsFirstValueRaisesItsErrorAndTheBodyNeverRuns() {
    // tractor: sleep_and_err without sending 'start'
    Throwable t = catchThrowable(() -> Foreign.openChannelFrom((ToSc<Object> toSc, FromSc<Object> fromSc) ->
        CompletableFuture.supplyAsync(() -> {
          throw new AssertionError("assert 0");
        }), (chan, first) -> {
          events.add("body ran");
          return null;
        }));
    assertThat(t).isExactlyInstanceOf(AssertionError.class).hasMessage("assert 0");
    assertThat(events.list()).isEmpty();
  }

  @Test
  void aForeignTaskThatEndsWithoutAFirstValueIsEndOfChannel() {
    Throwable t = catchThrowable(() -> Foreign.openChannelFrom((ToSc<Object> toSc, FromSc<Object> fromSc) ->
        CompletableFuture.completedFuture(null), (chan, first) -> null));
    assertThat(t).isInstanceOf(EndOfChannel.class).hasMessageContaining("before it sent a first value");
  }

  @Test
  void aForeignErrorCancelsTheBlockedBodyAndIsRaisedWithItsType() {
    // tractor: test_context_spawns_aio_task_that_errors (the trio side sleeps forever)
    Throwable t = catchThrowable(() -> Foreign.openChannelFrom((ToSc<Object> toSc, FromSc<Object> fromSc) -> {
      toSc.offer("start");
      return fromSc.receive().thenApply(go -> {
        throw new AssertionError("assert 0");
      });
    }, (chan, first) -> {
      try {
        chan.send("go");
        Sc.sleepForever();
      } finally {
        events.add("body cancelled");
      }
      return null;
    }));
    assertThat(t).isExactlyInstanceOf(AssertionError.class);
    assertThat(events.list()).containsExactly("body cancelled");
  }

  /** Sends {@code i}, waits for the SC side's ack, and so on; fails at {@code failAt}. */
  private static CompletionStage<Void> lockStep(ToSc<Object> toSc, FromSc<Object> fromSc, int i, int failAt) {
    if (i == failAt) return CompletableFuture.failedFuture(new IllegalStateException("foreign failure at " + i));
    toSc.offer(i);
    return fromSc.receive().thenCompose(ack -> lockStep(toSc, fromSc, i + 1, failAt));
  }

  @Test
  void aForeignErrorMidStreamReachesTheReceiver() {
    // tractor: test_aio_errors_and_channel_propagates_and_closes (there 1 ms apart, here in lock step)
    List<Object> pulled = new ArrayList<>();
    Throwable t = catchThrowable(() -> Foreign.openChannelFrom((ToSc<Object> toSc, FromSc<Object> fromSc) -> {
      toSc.offer(true);
      return lockStep(toSc, fromSc, 0, 51);
    }, (chan, first) -> {
      for (Object v : chan) {
        pulled.add(v);
        chan.send("ack");
      }
      return null;
    }));
    assertThat(t).isInstanceOf(IllegalStateException.class).hasMessage("foreign failure at 51");
    assertThat(pulled).isEqualTo(IntStream.range(0, 51).boxed().toList());
  }

  @Test
  void anErrorInTheBodyWhileTheForeignSideIsBlockedCancelsItAndIsRaised() {
    // tractor: test_trio_error_cancels_intertask_chan
    Throwable t = catchThrowable(() -> Foreign.openChannelFrom((ToSc<Object> toSc, FromSc<Object> fromSc) -> {
      toSc.offer("start");
      return fromSc.receive().whenComplete((v, e) -> events.add("foreign receive ended: " + e.getClass().getSimpleName()));
    }, (chan, first) -> {
      throw new IllegalArgumentException("body failed");
    }));
    assertThat(t).isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("body failed");
    assertThat(events.list()).containsExactly("foreign receive ended: CancellationException");
  }

  @Test
  void leavingEarlyCancelsTheForeignTaskQuietly() {
    // tractor: test_trio_closes_early_and_channel_exits
    List<Object> pulled = new ArrayList<>();
    Foreign.openChannelFrom((ToSc<Object> toSc, FromSc<Object> fromSc) -> pusher(toSc, fromSc, 1_000_000, -1), (chan, first) -> {
      for (Object v : chan) {
        pulled.add(v);
        if (v.equals(50)) break;
      }
      return null;
    });
    assertThat(pulled).isEqualTo(IntStream.rangeClosed(0, 50).boxed().toList());
    assertThat(events.list()).containsExactly("foreign side saw the cancellation");
  }

  @Test
  void theForeignSideCancellingItselfIsForeignCancelled() {
    Throwable t = catchThrowable(() -> Foreign.openChannelFrom((ToSc<Object> toSc, FromSc<Object> fromSc) -> {
      toSc.offer("start");
      CompletableFuture<Void> self = new CompletableFuture<>();
      fromSc.receive().thenRun(() -> self.cancel(true));
      return self;
    }, (chan, first) -> {
      chan.send("cancel yourself");
      return chan.receive();
    }));
    assertThat(t).isExactlyInstanceOf(ForeignCancelled.class);
  }

  @Test
  void anOuterCancellationCancelsTheForeignTaskAndIsAbsorbedByItsScope() {
    // tractor: test_trio_cancels_aio
    CancelScope scope = CancelScope.create();
    Event blocked = new Event();
    Nursery.run(n -> {
      n.startSoon(() -> scope.run(s -> Foreign.openChannelFrom((ToSc<Object> toSc, FromSc<Object> fromSc) -> {
        toSc.offer("start");
        return fromSc.receive().whenComplete((v, e) -> events.add("foreign ended: " + e.getClass().getSimpleName()));
      }, (chan, first) -> {
        blocked.set();
        return chan.receive();
      })));
      blocked.await();
      scope.cancel();
    });
    assertThat(scope.cancelledCaught()).isTrue();
    assertThat(events.list()).containsExactly("foreign ended: CancellationException");
  }

  @Test
  void aForeignTaskThatIgnoresCancelGetsAClearErrorAfterTheGrace() {
    RunTaskTest.Deaf<Void> deaf = new RunTaskTest.Deaf<>();
    Throwable t = catchThrowable(() -> Foreign.openChannelFrom(null, 8, Duration.ofMillis(100),
        (ToSc<Object> toSc, FromSc<Object> fromSc) -> {
          toSc.offer("start");
          return deaf;
        }, (chan, first) -> "left at once"));
    assertThat(t).isInstanceOf(ForeignCancelTimeout.class);
    deaf.complete(null);
  }

  @Test
  void bothSidesFailingIsAGroup() {
    Throwable t = catchThrowable(() -> Foreign.openChannelFrom((ToSc<Object> toSc, FromSc<Object> fromSc) -> {
      toSc.offer("start");
      return fromSc.cancelled().thenRun(() -> {
        throw new IllegalStateException("failed while cancelled");
      });
    }, (chan, first) -> {
      throw new IllegalArgumentException("body failed");
    }));
    assertThat(t).isInstanceOf(ExceptionGroup.class);
    assertThat(((ExceptionGroup) t).exceptions()).extracting(Throwable::getMessage)
        .containsExactly("body failed", "failed while cancelled");
  }

  @Test
  void theForeignTaskRunsOnTheGivenLoopAndTheSendersWaitForRoom() {
    try (EventLoop loop = EventLoop.open("given-loop")) {
      List<Object> got = Foreign.openChannelFrom(loop, 2, Duration.ofSeconds(2), (ToSc<Object> toSc, FromSc<Object> fromSc) -> {
        events.add("started on the given loop: " + loop.inLoop());
        toSc.offer("start");
        return receiveAll(fromSc, new ArrayList<>()).thenAccept(all -> toSc.offer(all));
      }, (chan, first) -> {
        for (int i = 0; i < 10; i++) chan.send(i); // more than the buffer of 2: waits for the foreign side
        chan.endSending();
        @SuppressWarnings("unchecked")
        List<Object> all = (List<Object>) chan.receive();
        return all;
      });
      assertThat(got).isEqualTo(IntStream.range(0, 10).boxed().toList());
    }
    assertThat(events.list()).containsExactly("started on the given loop: true");
  }

  /** Receives until the SC side ends its sending. */
  private static CompletionStage<List<Object>> receiveAll(FromSc<Object> fromSc, List<Object> into) {
    return fromSc.receive().handle((v, e) -> {
      if (e != null) return CompletableFuture.completedFuture(into);
      into.add(v);
      return receiveAll(fromSc, into);
    }).thenCompose(x -> x);
  }
}
