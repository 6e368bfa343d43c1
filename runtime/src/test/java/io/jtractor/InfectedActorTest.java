package io.jtractor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jtractor.config.SpawnOptions;
import io.jtractor.errors.ContextCancelled;
import io.jtractor.errors.RemoteActorError;
import io.jtractor.funcs.AioFuncs;
import io.jtractor.sc.CancelScope;
import io.jtractor.sc.EndOfChannel;
import io.jtractor.sc.ExceptionGroup;
import io.jtractor.sc.Sc;
import io.jtractor.sc.foreign.ForeignCancelled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Ported from tractor's test_infected_asyncio: actors with a foreign event loop. */
@DisplayName("infected actors: foreign async work in child actors")
class InfectedActorTest extends SharedRootTest {
  private static final SpawnOptions INFECTED = SpawnOptions.inherited().infected();

  @Test
  void theScSideCancelsTheForeignTaskWithADeadline() {
    // test_trio_cancels_aio_on_actor_side
    boolean caught = root.callNursery(an -> an.withSpawnOptions(INFECTED).runInActor(AioFuncs::trioCancelsSingleAioTask).<Boolean>result());
    assertThat(caught).isTrue();
  }

  @Test
  void aForeignErrorComesBackBoxedWithItsOwnType() {
    // test_aio_simple_error
    Throwable t = catchThrowable(() -> root.openNursery(an ->
        an.withSpawnOptions(INFECTED).runInActor(AioFuncs::asyncioActor, "sleepAndErr", "AssertionError")));
    assertThat(t).isInstanceOf(RemoteActorError.class);
    assertThat(((RemoteActorError) t).type()).isEqualTo(AssertionError.class);
  }

  @Test
  void cancellingTheActorCancelsItsForeignTaskQuietly() {
    // test_tractor_cancels_aio
    root.openNursery(an -> {
      Portal p = an.withSpawnOptions(INFECTED).runInActor(AioFuncs::asyncioActor, "sleepForever", "Cancelled");
      assertThat(p.cancelActor()).isTrue();
    });
  }

  @Test
  void cancellingTheNurseryCancelsTheForeignTaskQuietly() {
    // test_trio_cancels_aio
    CancelScope scope = CancelScope.create();
    scope.run(s -> root.openNursery(an -> {
      an.withSpawnOptions(INFECTED).runInActor(AioFuncs::asyncioActor, "sleepForever", "Cancelled");
      s.cancel();
    }));
    assertThat(scope.cancelledCaught()).isTrue();
  }

  @Test
  void aLinkedTaskThatErrorsFailsTheContextWithItsType() {
    // test_context_spawns_aio_task_that_errors[parent_actor_cancels_child=False]
    Throwable t = catchThrowable(() -> root.openNursery(an -> {
      Portal p = an.startActor("aio_daemon", INFECTED, AioFuncs.class);
      p.openContext(AioFuncs::trioCtx, 100L, (ctx, first) -> {
        assertThat(first).isEqualTo("start");
        Sc.sleepForever();
        return null;
      });
    }));
    assertThat(t).isInstanceOf(RemoteActorError.class);
    assertThat(((RemoteActorError) t).type()).isEqualTo(AssertionError.class);
  }

  @Test
  void theParentCancellingTheInfectedActorGetsItsCancellationBack() {
    // test_context_spawns_aio_task_that_errors[parent_actor_cancels_child=True], as fixed after
    // the tractor commit we port: a ContextCancelled whose canceller is the root, returned, not raised
    Context[] seen = {null};
    root.openNursery(an -> {
      Portal p = an.startActor("aio_daemon", INFECTED, AioFuncs.class);
      p.openContext(AioFuncs::trioCtx, 15_000L, (ctx, first) -> { // its error would come long after the cancel
        seen[0] = ctx;
        assertThat(first).isEqualTo("start");
        p.cancelActor();
        assertThat(ctx.<Object>result()).isNull();
        return null;
      });
    });
    assertThat(seen[0].cancellation()).isNotNull();
    assertThat(seen[0].cancellation().canceller()).isEqualTo(root.uid());
  }

  @Test
  void theForeignSideCancellingItselfIsForeignCancelled() {
    // test_aio_cancelled_from_aio_causes_trio_cancelled
    Throwable t = catchThrowable(() -> root.openNursery(an ->
        an.withSpawnOptions(INFECTED).runInActor(AioFuncs::asyncioActor, "aioCancel", "ForeignCancelled")));
    assertThat(t).isInstanceOf(RemoteActorError.class);
    assertThat(((RemoteActorError) t).type()).isEqualTo(ForeignCancelled.class);
  }

  @ParameterizedTest(name = "fan out with subscribe: {0}")
  @ValueSource(booleans = {false, true})
  void anInterLoopChannelStreamsTheWholeSequence(boolean fanOut) {
    // test_basic_interloop_channel_stream
    List<Long> pulled = root.callNursery(an ->
        an.withSpawnOptions(INFECTED).runInActor(AioFuncs::streamFromAio, fanOut ? "fanOut" : "plain").<List<Long>>result());
    List<Long> expect = LongStream.range(0, 100).boxed().toList();
    if (fanOut) {
      List<Long> doubled = new ArrayList<>();
      for (long v : expect) {
        doubled.add(v);
        doubled.add(v);
      }
      assertThat(pulled.stream().sorted().toList()).isEqualTo(doubled);
    } else {
      assertThat(pulled).isEqualTo(expect);
    }
  }

  @Test
  void anScErrorCancelsTheInterLoopChannel() {
    // test_trio_error_cancels_intertask_chan (the child also checks its foreign task saw the cancel)
    Throwable t = catchThrowable(() -> root.openNursery(an ->
        an.withSpawnOptions(INFECTED).runInActor(AioFuncs::streamFromAio, "raiseErr").result()));
    assertThat(boxedTypes(t)).containsOnly(RuntimeException.class);
  }

  @Test
  void leavingTheChannelEarlyExitsQuietly() {
    // test_trio_closes_early_and_channel_exits
    List<Long> pulled = root.callNursery(an ->
        an.withSpawnOptions(INFECTED).runInActor(AioFuncs::streamFromAio, "exitEarly").<List<Long>>result());
    assertThat(pulled).isEqualTo(LongStream.rangeClosed(0, 50).boxed().toList());
  }

  @Test
  void aForeignErrorPropagatesAndClosesTheChannel() {
    // test_aio_errors_and_channel_propagates_and_closes
    Throwable t = catchThrowable(() -> root.openNursery(an ->
        an.withSpawnOptions(INFECTED).runInActor(AioFuncs::streamFromAio, "aioRaiseErr").result()));
    assertThat(boxedTypes(t)).containsOnly(IllegalStateException.class);
  }

  @ParameterizedTest(name = "raise an error mid-stream: {0}")
  @ValueSource(booleans = {false, true})
  void theEchoServerBridgesAStreamToAForeignTask(boolean raiseMidStream) {
    // test_echoserver_detailed_mechanics
    Throwable t = catchThrowable(() -> root.openNursery(an -> {
      Portal p = an.startActor("aio_server", INFECTED, AioFuncs.class);
      p.openContext(AioFuncs::trioToAioEchoServer, (ctx, first) -> {
        assertThat(first).isEqualTo("start");
        try (MsgStream stream = ctx.openStream()) {
          for (long i = 0; i < 100; i++) {
            stream.send(i);
            assertThat(stream.receive()).isEqualTo(i);
            if (raiseMidStream && i == 50) throw new IllegalStateException("raised mid-stream");
          }
          stream.send(null); // the terminate sentinel
          assertThat(stream.receive()).isNull();
          assertThat(catchThrowable(stream::receive)).isInstanceOf(EndOfChannel.class);
        }
        return null;
      });
      p.cancelActor();
    }));
    if (raiseMidStream) {
      assertThat(t).isInstanceOf(IllegalStateException.class).hasMessage("raised mid-stream");
    } else {
      assertThat(t).isNull();
    }
  }

  @Test
  void whatTheLoopRunsSeesItsActorWhicheverThreadStartedTheLoop() {
    root.openNursery(an -> {
      Portal p = an.startActor("aio_funcs", INFECTED, AioFuncs.class);
      // The loop's thread is started by its first submitter; here a thread bound to no actor.
      assertThat(p.run(AioFuncs::loopActorFirstUsedFromAnUnboundThread)).isEqualTo("aio_funcs");
      p.cancelActor();
    });
  }

  @Test
  void exposedFunctionsMayReturnFuturesAndPublishersCalledOnTheLoop() {
    root.openNursery(an -> {
      Portal p = an.startActor("aio_funcs", INFECTED, AioFuncs.class);
      assertThat(p.run(AioFuncs::isInfected)).isTrue();
      // A function declared to return a future answers its value; a typed caller gets it completed.
      assertThat(p.run(AioFuncs::doubleLater, 21L).toCompletableFuture().join()).isEqualTo("42 from foreign-loop:aio_funcs");
      assertThat(p.runFromNs(AioFuncs.class.getName(), "doubleLater", Map.of("n", 1))).isEqualTo("2 from foreign-loop:aio_funcs");

      Throwable t = catchThrowable(() -> p.run(AioFuncs::failLater));
      assertThat(t).isInstanceOf(RemoteActorError.class);
      assertThat(((RemoteActorError) t).type()).isEqualTo(AssertionError.class);

      List<Object> got = new ArrayList<>();
      try (MsgStream s = p.openStreamFromNs(AioFuncs.class.getName(), "counter", Map.of("n", 200))) {
        for (Object v : s) got.add(v);
      }
      assertThat(got).isEqualTo(new ArrayList<Object>(LongStream.range(0, 200).boxed().toList()));
      p.cancelActor();
    });
  }

  @Test
  void cancellingACallOrAStreamCancelsTheForeignWork() {
    root.openNursery(an -> {
      Portal p = an.startActor("aio_funcs", INFECTED, AioFuncs.class);
      CancelScope call = CancelScope.withTimeout(Duration.ofMillis(300));
      call.run(s -> p.run(AioFuncs::neverCompletes));
      assertThat(call.cancelledCaught()).isTrue();
      awaitCancelled(p, 1);

      try (MsgStream s = p.openStreamFromNs(AioFuncs.class.getName(), "ticker", Map.of())) {
        for (int i = 0; i < 100; i++) assertThat(s.receive()).isEqualTo((long) i);
      } // closing the stream cancels the remote generator, and so the subscription
      awaitCancelled(p, 2);
      p.cancelActor();
    });
  }

  @Test
  void onlyAnInfectedActorHasAForeignLoop() {
    root.openNursery(an -> {
      Portal plain = an.startActor("plain", AioFuncs.class);
      assertThat(plain.run(AioFuncs::isInfected)).isFalse();
      Throwable t = catchThrowable(() -> plain.run(AioFuncs::runTaskWithoutALoop));
      assertThat(t).isInstanceOf(RemoteActorError.class).hasMessageContaining("is not infected");
      assertThat(((RemoteActorError) t).type()).isEqualTo(IllegalStateException.class);
      plain.cancelActor();
    });
    assertThat(catchThrowable(() -> SpawnOptions.DEFAULT.infected(NoDefaultConstructor.class)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("public no-argument constructor");
  }

  /** A loop factory a child could not make. */
  public static final class NoDefaultConstructor implements io.jtractor.sc.foreign.LoopFactory {
    public NoDefaultConstructor(String unused) {}

    @Override
    public java.util.concurrent.Executor open(String name) {
      return Runnable::run;
    }
  }

  /** Polls the child's count of cancelled foreign work (a cancel crosses asynchronously). */
  private static void awaitCancelled(Portal p, int atLeast) {
    Sc.failAfter(Duration.ofSeconds(10), s -> {
      while (p.run(AioFuncs::cancelledCount) < atLeast) Sc.sleep(Duration.ofMillis(10));
    });
  }

  /** The boxed types of a remote error, or of each member of a group of them. */
  private static List<Class<? extends Throwable>> boxedTypes(Throwable t) {
    List<Throwable> all = t instanceof ExceptionGroup g ? g.leaves() : List.of(t);
    return all.stream().map(e -> e instanceof RemoteActorError r ? r.type() : Throwable.class).toList();
  }
}
