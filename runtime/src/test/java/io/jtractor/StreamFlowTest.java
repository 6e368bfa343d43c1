package io.jtractor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jtractor.errors.RemoteActorError;
import io.jtractor.errors.StreamOverrun;
import io.jtractor.funcs.CtxFuncs;
import io.jtractor.sc.BroadcastReceiver;
import io.jtractor.sc.ClosedResourceError;
import io.jtractor.sc.EndOfChannel;
import io.jtractor.sc.Nursery;
import io.jtractor.sc.Sc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Overruns and backpressure (tractor's test_one_end_stream_not_opened, test_allow_overruns_stream),
 * one-way streams (test_legacy_one_way_streaming) and broadcast subscribers
 * (test_task_broadcasting, test_local_task_fanout_from_stream).
 */
@DisplayName("streams: overruns, backpressure, one-way streams, broadcast")
class StreamFlowTest extends SharedRootTest {

  private static void withServer(String name, ContextSemanticsTest.PortalBody body) {
    ContextSemanticsTest.withServer(name, body);
  }

  // ---- tractor's overrun rules (backpressure off) ----

  @Test
  void aCallerThatOverrunsACalleeWithoutAStreamGetsStreamOverrun() {
    withServer("never_open_stream", p -> {
      Throwable thrown = catchThrowable(() -> p.openContext(CtxFuncs::neverOpenStream, (ctx, first) -> {
        try (MsgStream s = ctx.openStream(StreamOptions.DEFAULT.withBackpressure(false))) {
          for (long i = 0; i < io.jtractor.runtime.ContextLink.DEFAULT_BUFFER + 1; i++) s.send(i);
          Sc.sleepForever();
        }
        return null;
      }));
      assertThat(thrown).isInstanceOf(RemoteActorError.class);
      assertThat(((RemoteActorError) thrown).type()).isEqualTo(StreamOverrun.class);
      assertThat(((RemoteActorError) thrown).remoteTraceback()).contains("No stream open");
    });
  }

  @Test
  void aCalleeThatOverrunsItsCallerFailsWithTheOverrunRelayed() {
    withServer("keep_sending", p -> {
      Throwable thrown = catchThrowable(() -> p.openContext(CtxFuncs::keepSendingFromCallee, false, (ctx, first) -> {
        Sc.sleepForever(); // never opens a stream
        return null;
      }));
      // tractor: RemoteActorError whose type is RemoteActorError (the callee re-raised the
      // StreamOverrun it got); jtractor keeps the original type and says it was relayed.
      assertThat(thrown).isInstanceOf(RemoteActorError.class);
      RemoteActorError rae = (RemoteActorError) thrown;
      assertThat(rae.type()).isEqualTo(StreamOverrun.class);
      assertThat(rae.typeName()).isEqualTo("RemoteActorError"); // tractor's type_str for a relay
      assertThat(rae.boxedTypeName()).isEqualTo("StreamOverrun");
    });
  }

  @ParameterizedTest(name = "caller cancels the context: {0}")
  @ValueSource(booleans = {false, true})
  void overrunsAllowedQueueTheOverflowInsteadOfFailing(boolean cancel) {
    withServer("echo_back", p -> {
      List<Long> seq = List.of(0L, 1L, 2L);
      Context[] seen = {null};
      p.openContext(CtxFuncs::echoBackSequence, seq, 3L, cancel, (ctx, first) -> {
        seen[0] = ctx;
        try (MsgStream s = ctx.openStream(new StreamOptions(1, true, false))) {
          for (int round = 0; round < 3; round++) {
            for (long v : seq) {
              s.send(v);
              Sc.sleep(Duration.ofMillis(20));
            }
            List<Object> batch = new ArrayList<>();
            for (int i = 0; i < seq.size(); i++) batch.add(s.receive());
            assertThat(batch).isEqualTo(List.<Object>of(0L, 1L, 2L));
          }
        }
        if (cancel) ctx.cancel();
        return null;
      });
      if (cancel) {
        assertThat(seen[0].cancellation().canceller()).isEqualTo(root.uid());
      } else {
        assertThat(seen[0].<String>result()).isEqualTo("yo");
      }
    });
  }

  // ---- backpressure between jtractor peers (the default) ----

  @Test
  void withBackpressureAFastSenderWaitsAndNothingIsLost() {
    withServer("slow_sink", p -> {
      long n = 3000;
      long sum = p.openContext(CtxFuncs::sink, 2L, (ctx, first) -> {
        try (MsgStream s = ctx.openStream()) {
          for (long i = 0; i < n; i++) s.send(i);
        }
        return ctx.<Long>result();
      });
      assertThat(sum).isEqualTo(n * (n - 1) / 2);
    });
  }

  @Test
  void withBackpressureACalleeNobodyReadsWaitsInsteadOfOverrunning() {
    withServer("keep_sending", p -> p.openContext(CtxFuncs::keepSendingFromCallee, true, (ctx, first) -> {
      Sc.sleep(Duration.ofMillis(500)); // ~500 sends' worth: the callee would have overrun by now
      try (MsgStream s = ctx.openStream()) {
        for (long i = 0; i < 200; i++) assertThat(s.receive()).isEqualTo(i); // in order, none lost
      }
      ctx.cancel();
      return null;
    }));
  }

  // ---- one-way streams (tractor's async generators) ----

  @Test
  void aStreamingFunctionsValuesArriveInOrderAndItsReturnEndsTheStream() {
    withServer("streamer", p -> {
      List<Object> got = new ArrayList<>();
      try (MsgStream s = p.openStreamFrom(CtxFuncs::counter, 10L)) {
        for (Object v : s) got.add(v);
        assertThatThrownBy(s::receive).isInstanceOf(EndOfChannel.class);
        assertThatThrownBy(() -> s.send(1)).isInstanceOf(ClosedResourceError.class);
      }
      assertThat(got).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    });
  }

  @Test
  void closingAOneWayStreamEarlyCancelsTheRemoteGenerator() {
    withServer("streamer", p -> {
      try (MsgStream s = p.openStreamFrom(CtxFuncs::forever)) {
        for (int i = 0; i < 3; i++) assertThat(s.receive()).isEqualTo((long) i);
        assertThat(p.run(CtxFuncs::state)).isTrue();
      }
      assertThat(p.run(CtxFuncs::state)).isFalse(); // the generator saw Cancelled
    });
  }

  @Test
  void aFailingGeneratorsErrorIsRaisedFromReceive() {
    withServer("streamer", p -> {
      try (MsgStream s = p.openStreamFrom(CtxFuncs::failingGenerator)) {
        assertThat(s.receive()).isEqualTo(1L);
        Throwable thrown = catchThrowable(s::receive);
        assertThat(thrown).isInstanceOf(RemoteActorError.class);
        assertThat(((RemoteActorError) thrown).type()).isEqualTo(IllegalArgumentException.class);
      }
    });
  }

  @Test
  void openingAStreamFromANonStreamingFunctionIsRefused() {
    withServer("streamer", p -> {
      assertThatThrownBy(() -> p.openStreamFromNs(CtxFuncs.class.getName(), "state", java.util.Map.of()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("not a streaming function");
      assertThat(p.run(CtxFuncs::state)).isNotNull(); // the connection is still usable
    });
  }

  // ---- broadcast: several local tasks share one stream ----

  @Test
  void everySubscriberSeesEveryValueOfTheStream() {
    withServer("inf_streamer", p -> p.openContext(CtxFuncs::infStreamer, (ctx, first) -> {
      int tasks = 8;
      AtomicLongArray counts = new AtomicLongArray(tasks);
      AtomicLongArray lastSeen = new AtomicLongArray(tasks);
      try (MsgStream stream = ctx.openStream(StreamOptions.DEFAULT.withMsgBufferSize(1024))) {
        Nursery.run(n -> {
          List<BroadcastReceiver<Object>> subs = new ArrayList<>();
          for (int t = 0; t < tasks; t++) subs.add(stream.subscribe());
          for (int t = 0; t < tasks; t++) {
            int me = t;
            BroadcastReceiver<Object> sub = subs.get(t);
            n.startSoon(() -> {
              try (sub) {
                long expect = -1;
                for (Object v : sub) {
                  long x = (Long) v;
                  if (expect >= 0) assertThat(x).isEqualTo(expect); // no gaps, in order
                  expect = x + 1;
                  counts.incrementAndGet(me);
                  lastSeen.set(me, x);
                  if (counts.get(me) == 500) return; // < the window: no one can lag
                }
              }
            });
          }
        });
        stream.send("done");
      }
      for (int t = 0; t < tasks; t++) assertThat(counts.get(t)).isEqualTo(500);
      return null;
    }));
  }

  @Test
  void receivingThroughTheStreamAfterSubscribingSharesTheValues() {
    withServer("streamer", p -> {
      List<Object> a = new CopyOnWriteArrayList<>();
      List<Object> b = new CopyOnWriteArrayList<>();
      try (MsgStream s = p.openStreamFrom(CtxFuncs::counter, 50L)) {
        BroadcastReceiver<Object> sub = s.subscribe();
        Nursery.run(n -> {
          n.startSoon(() -> {
            for (Object v : sub) b.add(v);
          });
          for (Object v : s) a.add(v);
        });
      }
      assertThat(a).hasSize(50).isEqualTo(b);
    });
  }
}
