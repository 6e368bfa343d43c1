package io.jtractor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jtractor.errors.ConnectionLost;
import io.jtractor.errors.ContextCancelled;
import io.jtractor.errors.RemoteActorError;
import io.jtractor.errors.TypeError;
import io.jtractor.funcs.CtxFuncs;
import io.jtractor.sc.ClosedResourceError;
import io.jtractor.sc.EndOfChannel;
import io.jtractor.sc.Nursery;
import io.jtractor.sc.Sc;
import io.jtractor.sc.TooSlowError;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Ported from tractor's test_context_stream_semantics and test_2way. */
@DisplayName("contexts: started, result, cancel, streams")
class ContextSemanticsTest extends SharedRootTest {

  /** Runs {@code body} with a daemon child exposing {@link CtxFuncs}, cancelling it afterwards. */
  static void withServer(String name, PortalBody body) {
    root.openNursery(an -> {
      Portal p = an.startActor(name, CtxFuncs.class);
      try {
        body.run(p);
      } finally {
        an.cancel();
      }
    });
  }

  @FunctionalInterface
  interface PortalBody {
    void run(Portal p) throws Exception;
  }

  // ---- test_2way ----

  @ParameterizedTest(name = "iterating on the callee side: {0}")
  @ValueSource(booleans = {true, false})
  void tenPingsGetTenPongsAndClosingTheStreamEndsTheCallee(boolean useIterator) {
    withServer("rpc_server", p -> {
      long answered = p.openContext(CtxFuncs::pingPongServer, 10L, useIterator, (ctx, first) -> {
        assertThat(first).isEqualTo(11L);
        try (MsgStream stream = ctx.openStream()) {
          for (int i = 0; i < 10; i++) {
            stream.send("ping");
            assertThat(stream.receive()).isEqualTo("pong");
          }
        }
        return ctx.<Long>result();
      });
      assertThat(answered).isEqualTo(10L);
    });
  }

  @Test
  void theCallerCanIterateTheStreamWhileSending() {
    withServer("rpc_server", p -> p.openContext(CtxFuncs::pingPongServer, 0L, true, (ctx, first) -> {
      try (MsgStream stream = ctx.openStream()) {
        stream.send("ping");
        int pongs = 0;
        for (Object reply : stream) {
          assertThat(reply).isEqualTo("pong");
          if (++pongs == 10) break;
          stream.send("ping");
        }
      }
      assertThat(ctx.<Long>result()).isEqualTo(10L);
      return null;
    }));
  }

  // ---- started misuse ----

  /**
   * The message loop no longer waits for a cancelled task to stop before reading on (the task
   * answers the {@code _cancel_task} with its last words): a task slow to stop does not stall its
   * connection. Before, the loop waited up to 3 s, so the release below could not be read until
   * the canceller had given up (0.5 s) and the trail was reversed.
   */
  @org.junit.jupiter.api.RepeatedTest(3) // its helper's state is per actor, so it repeats
  void aCancelledTaskSlowToStopDoesNotStallItsConnection() {
    withServer("stubborn", p -> {
      java.util.List<String> trail = new java.util.concurrent.CopyOnWriteArrayList<>();
      Nursery.run(n -> {
        n.startSoon(() -> p.openContext(CtxFuncs::stubborn, (ctx, first) -> {
          ctx.cancel(); // answered once the stubborn task has stopped
          trail.add("cancel acknowledged");
          return null;
        }));
        while (!p.<Boolean>run(CtxFuncs::stubbornCancelled)) {
          Thread.onSpinWait(); // read by the loop while the task it cancelled is still stopping
        }
        assertThat(p.<Boolean>run(CtxFuncs::releaseStubborn)).isTrue();
        trail.add("released");
      });
      assertThat(trail).containsExactly("released", "cancel acknowledged");
    });
  }

  @Test
  void callingStartedTwiceFailsInTheCallee() {
    withServer("too_many_starteds", p -> {
      Throwable thrown = catchThrowable(() -> p.openContext(CtxFuncs::tooManyStarteds, (ctx, first) -> {
        Sc.sleep(Duration.ofSeconds(5));
        return null;
      }));
      assertThat(thrown).isInstanceOf(RemoteActorError.class);
      assertThat(((RemoteActorError) thrown).type()).isEqualTo(IllegalStateException.class);
      assertThat(((RemoteActorError) thrown).remoteTraceback()).contains("started() was called twice");
    });
  }

  @Test
  void openingAStreamBeforeStartedFailsInTheCallee() {
    withServer("not_started", p -> {
      Throwable thrown = catchThrowable(() -> p.openContext(CtxFuncs::notStartedButStreamOpened, (ctx, first) -> null));
      assertThat(thrown).isInstanceOf(RemoteActorError.class);
      assertThat(((RemoteActorError) thrown).remoteTraceback()).contains("started() must be called before opening a stream");
    });
  }

  @Test
  void theCallerCannotCallStartedNorTheCalleeResult() {
    withServer("sides", p -> p.openContext(CtxFuncs::simpleSetupTeardown, 1L, false, (ctx, first) -> {
      assertThat(ctx.isCaller()).isTrue();
      assertThatThrownBy(() -> ctx.started("x")).isInstanceOf(IllegalStateException.class);
      return null;
    }));
  }

  // ---- simple context: setup, result, teardown ----

  @Test
  void theCalleesStartedValueAndResultReachTheCaller() {
    withServer("simple_context", p -> {
      String r = p.openContext(CtxFuncs::simpleSetupTeardown, 10L, false, (ctx, first) -> {
        assertThat(first).isEqualTo(11L);
        return ctx.result();
      });
      assertThat(r).isEqualTo("yo");
      assertThat(p.run(CtxFuncs::state)).isFalse(); // the callee's finally ran
    });
  }

  @Test
  void aFailingCallerBodyCancelsTheCalleeAndPropagates() {
    withServer("simple_context", p -> {
      Throwable thrown = catchThrowable(() -> p.openContext(CtxFuncs::simpleSetupTeardown, 10L, true, (ctx, first) -> {
        assertThat(p.run(CtxFuncs::state)).isTrue();
        throw new IllegalArgumentException("the caller failed");
      }));
      assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasMessage("the caller failed");
      assertThat(p.run(CtxFuncs::state)).isFalse();
    });
  }

  // ---- test_caller_cancels ----

  @ParameterizedTest(name = "cancel with Portal.cancelActor: {0}")
  @ValueSource(booleans = {false, true})
  void aCallerThatCancelsGetsItsCancellationBackNotRaised(boolean viaCancelActor) {
    withServer("simple_context", p -> {
      Context[] seen = {null};
      p.openContext(CtxFuncs::simpleSetupTeardown, 10L, true, (ctx, first) -> {
        seen[0] = ctx;
        if (viaCancelActor) p.cancelActor();
        else ctx.cancel();
        assertThat(ctx.<String>result()).isNull();
        return null;
      });
      ContextCancelled cc = seen[0].cancellation();
      assertThat(cc).isNotNull();
      assertThat(cc.canceller()).isEqualTo(root.uid());
      if (!viaCancelActor) assertThat(p.isConnected()).isTrue(); // only the task was cancelled
    });
  }

  @Test
  void cancellingACalleeThatAlreadyReturnedKeepsItsResult() {
    withServer("simple_context", p -> p.openContext(CtxFuncs::simpleSetupTeardown, 10L, false, (ctx, first) -> {
      Sc.sleep(Duration.ofMillis(300));
      ctx.cancel();
      assertThat(ctx.<String>result()).isEqualTo("yo");
      return null;
    }));
  }

  // ---- callee closes / caller closes ----

  @Test
  void aCalleeThatClosesItsStreamEndsTheCallersIteration() {
    withServer("closer", p -> p.openContext(CtxFuncs::closeCtxImmediately, (ctx, first) -> {
      assertThat(first).isNull();
      Sc.failAfter(Duration.ofSeconds(5), s -> {
        try (MsgStream stream = ctx.openStream()) {
          List<Object> got = new CopyOnWriteArrayList<>();
          for (Object o : stream) got.add(o);
          assertThat(got).isEmpty();
          assertThatThrownBy(stream::receive).isInstanceOf(EndOfChannel.class);
        }
      });
      assertThatThrownBy(ctx::openStream).isInstanceOf(ClosedResourceError.class); // one-shot
      return null;
    }));
  }

  @Test
  void openingAStreamAfterCancellingRaisesContextCancelledWhichTheExitSwallows() {
    withServer("expect_cancelled", p -> {
      p.openContext(CtxFuncs::expectCancelled, (ctx, first) -> {
        assertThat(p.run(CtxFuncs::state)).isTrue();
        ctx.cancel();
        ctx.openStream(); // raises ContextCancelled: this side asked for it, so not a failure
        throw new AssertionError("not reached");
      });
      assertThat(p.isConnected()).isTrue();
      assertThat(p.run(CtxFuncs::state)).isFalse(); // the callee saw Cancelled
    });
  }

  @Test
  void resultBlocksWhileTheCalleeRuns() {
    withServer("expect_cancelled", p -> p.openContext(CtxFuncs::expectCancelled, (ctx, first) -> {
      assertThatThrownBy(() -> Sc.failAfter(Duration.ofMillis(200), s -> ctx.result())).isInstanceOf(TooSlowError.class);
      ctx.cancel();
      return null;
    }));
  }

  @Test
  void aSecondTaskOfTheCallerCanCancelTheContext() {
    withServer("expect_cancelled", p -> {
      List<Object> got = new CopyOnWriteArrayList<>();
      p.openContext(CtxFuncs::expectCancelled, (ctx, first) -> {
        try (MsgStream stream = ctx.openStream()) {
          Nursery.run(n -> {
            n.startSoon(() -> {
              stream.send("yo");
              Sc.sleep(Duration.ofMillis(100));
              assertThat(p.run(CtxFuncs::state)).isTrue();
              ctx.cancel();
              assertThat(p.run(CtxFuncs::state)).isFalse();
            });
            for (Object o : stream) got.add(o); // ends with ContextCancelled, swallowed at the exit
          });
        }
        return null;
      });
      assertThat(got).containsExactly("yo");
      assertThat(p.isConnected()).isTrue();
    });
  }

  // ---- callee cancels itself ----

  @Test
  void aContextFunctionCalledAsAPlainFunctionFailsTheCallNamingTheFunctype() {
    // The call's answers are read with no record; a functype other than asyncfunc still names itself.
    withServer("plain_call_to_context", p -> {
      Throwable thrown = catchThrowable(() -> p.runFromNs(CtxFuncs.class.getName(), "closeCtxImmediately"));
      assertThat(thrown).hasMessageContaining("expected functype 'asyncfunc'").hasMessageContaining("context");
      assertThat(p.<Boolean>run(CtxFuncs::state)).as("the actor still answers calls").isNotNull();
    });
  }

  @Test
  void aCalleeCancelledAgainAndAgainNamesWhoCancelledItEachTime() {
    // The callee answers a cancel like the last one with the error it made then: each still names
    // the function, how it was cancelled and by whom.
    withServer("cancelled_again", p -> {
      for (int i = 0; i < 3; i++) {
        Throwable itself = catchThrowable(() -> p.openContext(CtxFuncs::cancelSelfAfterStarted, (ctx, first) -> {
          Sc.sleepForever();
          return null;
        }));
        assertThat(itself).isInstanceOf(ContextCancelled.class);
        assertThat(((ContextCancelled) itself).remoteTraceback()).contains("`cancelSelfAfterStarted()`@", "cancelled itself");
        assertThat(((ContextCancelled) itself).canceller()).isEqualTo(((ContextCancelled) itself).srcActorUid());
        Throwable other = catchThrowable(() -> p.openContext(CtxFuncs::cancelSelf, (ctx, first) -> null));
        assertThat(((ContextCancelled) other).remoteTraceback()).contains("`cancelSelf()`@", "cancelled itself");
      }
    });
  }

  @Test
  void aCalleeThatCancelsItselfBeforeStartedFailsTheOpening() {
    withServer("cancel_self", p -> {
      Throwable thrown = catchThrowable(() -> p.openContext(CtxFuncs::cancelSelf, (ctx, first) -> null));
      assertThat(thrown).isInstanceOf(ContextCancelled.class);
      assertThat(((ContextCancelled) thrown).remoteTraceback()).contains("cancelled itself");
      assertThat(((ContextCancelled) thrown).canceller()).isEqualTo(p.uid());
    });
  }

  @Test
  void aCalleeThatCancelsItselfAfterStartedGivesTheCallerAContextCancelled() {
    // tractor raised a TypeError here (canceller None, spec §12).
    withServer("cancel_self", p -> {
      List<String> trail = new CopyOnWriteArrayList<>();
      Throwable thrown = catchThrowable(() -> p.openContext(CtxFuncs::cancelSelfAfterStarted, (ctx, first) -> {
        trail.add("started " + first);
        try {
          Sc.sleepForever();
        } finally {
          trail.add("body cancelled");
        }
        return null;
      }));
      assertThat(trail).containsExactly("started first", "body cancelled");
      assertThat(thrown).isInstanceOf(ContextCancelled.class);
      assertThat(((ContextCancelled) thrown).canceller()).isEqualTo(p.uid());
    });
  }

  // ---- remote errors interrupt the caller ----

  @Test
  void aCalleeErrorInterruptsTheCallersBodyAndIsRaisedAtItsEnd() {
    withServer("errorer", p -> {
      List<String> trail = new CopyOnWriteArrayList<>();
      Throwable thrown = catchThrowable(() -> p.openContext(CtxFuncs::failAfterStarted, 100L, (ctx, first) -> {
        try {
          Sc.sleepForever(); // never calls result()
        } finally {
          trail.add("body interrupted");
        }
        return null;
      }));
      assertThat(trail).containsExactly("body interrupted");
      assertThat(thrown).isInstanceOf(RemoteActorError.class);
      assertThat(((RemoteActorError) thrown).type()).isEqualTo(IllegalStateException.class);
      assertThat(((RemoteActorError) thrown).srcActorUid()).isEqualTo(p.uid());
      assertRaisedInThisTest(thrown);
    });
  }

  @Test
  void aCalleeErrorIsRaisedFromAStreamReceive() {
    withServer("errorer", p -> {
      Throwable thrown = catchThrowable(() -> p.openContext(CtxFuncs::failAfterStarted, 50L, (ctx, first) -> {
        try (MsgStream s = ctx.openStream()) {
          return s.receive();
        }
      }));
      assertThat(thrown).isInstanceOf(RemoteActorError.class);
      assertThat(((RemoteActorError) thrown).type()).isEqualTo(IllegalStateException.class);
      assertRaisedInThisTest(thrown);
    });
  }

  /**
   * A remote error's local stack trace shows where it was raised into the caller's code (tractor
   * raises it in the caller's task), not the connection's reader, which received it.
   */
  private static void assertRaisedInThisTest(Throwable thrown) {
    assertThat(thrown.getStackTrace())
        .extracting(StackTraceElement::getClassName)
        .anyMatch(c -> c.startsWith(ContextSemanticsTest.class.getName()))
        .noneMatch(c -> c.endsWith("ReaderRelay"));
    assertThat(thrown.getStackTrace()[0].getClassName()).as("the first frame is where it was raised").startsWith("io.jtractor.runtime.");
  }

  @Test
  void aThirdPartyCancellingTheCalleesActorIsRaisedToTheCaller() {
    // The third party is the server's own parent: only an actor's parent chain may cancel it.
    root.openNursery(an -> {
      Portal mid = an.startActor("mid", CtxFuncs.class, io.jtractor.funcs.Funcs.class);
      Throwable[] hostEnded = {null};
      Nursery.run(n -> {
        n.startSoon("host", () -> hostEnded[0] = catchThrowable(() -> mid.run(io.jtractor.funcs.Funcs::hostChild, "server")));
        try (Portal server = Discovery.waitForActor("server")) {
          long port = server.run(io.jtractor.funcs.Funcs::listenPort);
          Throwable thrown = catchThrowable(() -> server.openContext(CtxFuncs::neverOpenStream, (ctx, first) -> {
            // Not us, so it is a failure here.
            assertThat(mid.run(io.jtractor.funcs.Funcs::cancelActorAt, port)).isTrue();
            Sc.sleepForever();
            return null;
          }));
          assertThat(thrown).isInstanceOf(ContextCancelled.class);
          assertThat(((ContextCancelled) thrown).canceller()).isEqualTo(mid.uid());
        }
      }); // until mid's hosting ends: not cancelled here, so the outcome does not race the cancel
      // mid cancelled the server over a connection of its own, not through its nursery, which
      // reports a daemon that ended unasked.
      assertThat(hostEnded[0]).isInstanceOf(RemoteActorError.class);
      assertThat(((RemoteActorError) hostEnded[0]).remoteTraceback()).contains("server").contains("without being asked to");
      an.cancel();
    });
  }

  // ---- connection loss ----

  @Test
  void aContextWhoseConnectionDiesFailsPromptlyWithConnectionLost() {
    // tractor leaves such a context waiting until something cancels it (spec §4.8).
    root.openNursery(an -> {
      Portal server = an.startActor("server", CtxFuncs.class, io.jtractor.funcs.Funcs.class);
      long port = server.run(io.jtractor.funcs.Funcs::listenPort);
      // A second connection to the server, used only by this context, so the nursery's own
      // connection (and its supervision) stay out of the picture.
      Portal p = new Portal(root.actor().connect(new java.net.InetSocketAddress("127.0.0.1", (int) port)), null);
      List<String> trail = new CopyOnWriteArrayList<>();
      Throwable thrown = catchThrowable(() -> p.openContext(CtxFuncs::neverOpenStream, (ctx, first) -> {
        p.channel().wire().close(); // the connection dies under the context
        try {
          Sc.sleepForever();
        } finally {
          trail.add("body interrupted");
        }
        return null;
      }));
      assertThat(trail).containsExactly("body interrupted");
      assertThat(thrown).isInstanceOf(ConnectionLost.class).hasMessageContaining("neverOpenStream");
      assertThat(server.run(CtxFuncs::state)).isNotNull(); // the actor itself is fine
      an.cancel();
    });
  }
}
