package io.jtractor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jtractor.errors.ActorFailure;
import io.jtractor.errors.AttributeError;
import io.jtractor.errors.ConnectionLost;
import io.jtractor.errors.ModuleNotExposed;
import io.jtractor.errors.RemoteActorError;
import io.jtractor.errors.TypeError;
import io.jtractor.funcs.BrokenModule;
import io.jtractor.funcs.Funcs;
import io.jtractor.funcs.NotExposed;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Ported from tractor's test_spawning, test_rpc and test_local, in our own words. */
@DisplayName("spawning child JVMs and calling into them")
class SpawningAndRpcTest extends SharedRootTest {
  @Test
  void aRunInActorChildReturnsItsResultBothInsideAndAfterTheNursery() {
    AtomicReference<Portal> portal = new AtomicReference<>();
    root.openNursery(an -> {
      Portal p = an.runInActor("some_linguist", Funcs::cellarDoor, "Dang that's beautiful");
      portal.set(p);
      String inside = p.result();
      assertThat(inside).isEqualTo("Dang that's beautiful");
    });
    String after = portal.get().result();
    assertThat(after).isEqualTo("Dang that's beautiful");
  }

  @Test
  void aNullResultIsAResultToo() {
    String r = root.callNursery(an -> an.runInActor("some_linguist", Funcs::cellarDoor, (String) null).result());
    assertThat(r).isNull();
  }

  @Test
  void aDaemonServesCallsUntilItIsCancelled() {
    root.openNursery(an -> {
      Portal frank = an.startActor("frank", Funcs.class);
      assertThat(frank.uid().name()).isEqualTo("frank");
      assertThat(frank.run(Funcs::question)).isEqualTo("have you ever seen a portal?");
      assertThat(frank.run(Funcs::question)).isEqualTo("have you ever seen a portal?");
      assertThat(frank.run(Funcs::actorName)).isEqualTo("frank");
      if (Backends.inProcess()) {
        assertThat(frank.run(Funcs::pid)).isEqualTo(ProcessHandle.current().pid());
      } else {
        assertThat(frank.run(Funcs::pid)).isNotEqualTo(ProcessHandle.current().pid());
      }
      assertThat(frank.cancelActor()).isTrue();
    });
  }

  /**
   * The connection's reader runs short calls itself (no thread wake-up per call); a call that then
   * blocks must not keep the connection unread: here it waits for a call that can only arrive
   * over the same connection after it. Without the hand-off by {@code InlineCallWatch} this hangs.
   */
  @Test
  void aCallThatWaitsForALaterCallOnTheSameConnectionGetsIt() {
    root.openNursery(an -> {
      Portal p = an.startActor("gatekeeper", Funcs.class);
      for (int i = 0; i < 20; i++) p.run(Funcs::question); // short calls: the next one runs inline
      java.util.List<String> trail = new java.util.concurrent.CopyOnWriteArrayList<>();
      io.jtractor.sc.Nursery.run(n -> {
        n.startSoon(() -> trail.add(p.run(Funcs::waitAtGate)));
        while (p.run(Funcs::gateWaiters) == 0) {
          Thread.onSpinWait(); // each of these calls, too, is read only once the reading was handed over
        }
        trail.add("opening");
        assertThat(p.run(Funcs::openGate)).isTrue();
      });
      assertThat(trail).containsExactly("opening", "through the gate");
      assertThat(p.run(Funcs::question)).isEqualTo("have you ever seen a portal?");
      p.cancelActor();
    });
  }

  @Test
  void valuesCrossAsMsgpackIncludingRecords() {
    root.openNursery(an -> {
      Portal p = an.startActor("typed", Funcs.class);
      assertThat(p.run(Funcs::add, 40L, 2L)).isEqualTo(42L);
      assertThat(p.run(Funcs::movePoint, new Funcs.Point(1, 2, "p"), 10)).isEqualTo(new Funcs.Point(11, 2, "p'"));
      assertThat(p.run(Funcs::words, 3)).containsExactly("w0", "w1", "w2");
      assertThat(p.run(Funcs::echo, (Object) List.of(1L, "two", true, 2.5))).isEqualTo(List.of(1L, "two", true, 2.5));
      assertThat((byte[]) p.run(Funcs::echo, (Object) new byte[] {1, 2, 3})).containsExactly(1, 2, 3);
      assertThat(p.runFromNs(Funcs.class.getName(), "hello", Map.of("name", "python"))).isEqualTo("hi python");
      assertThat(p.run(Funcs::mapOf, "k", 7L)).isEqualTo(Map.of("k", 7L));
      p.run(Funcs::sleepMs, 1L); // a procedure (void): returns once it is done
      p.cancelActor();
    });
  }

  @Test
  void onlyExposedNamespacesAreCallable() {
    root.openNursery(an -> {
      Portal p = an.startActor("guarded", Funcs.class);
      RemoteActorError notExposed = catchThrowableOfType(() -> p.run(NotExposed::secret));
      assertThat(notExposed.type()).isEqualTo(ModuleNotExposed.class);
      assertThat(notExposed.typeName()).isEqualTo("ModuleNotExposed");
      assertThat(notExposed.remoteTraceback()).contains("Make sure you exposed the target module");

      RemoteActorError noSuchFunc = catchThrowableOfType(() -> p.runFromNs(Funcs.class.getName(), "fake_func", Map.of()));
      assertThat(noSuchFunc.type()).isEqualTo(AttributeError.class);

      RemoteActorError badArgs = catchThrowableOfType(() -> p.runFromNs(Funcs.class.getName(), "hello", Map.of("unexpected", 10)));
      assertThat(badArgs.type()).isEqualTo(TypeError.class);
      assertThat(badArgs.remoteTraceback()).contains("unexpected");
      RemoteActorError oneTooMany = catchThrowableOfType(() -> p.runFromNs(Funcs.class.getName(), "hello", Map.of("name", "x", "zzz", 1)));
      assertThat(oneTooMany.type()).isEqualTo(TypeError.class);
      assertThat(oneTooMany.remoteTraceback()).contains("unexpected keyword argument 'zzz'");

      RemoteActorError mistyped = catchThrowableOfType(() -> p.runFromNs(Funcs.class.getName(), "add", Map.of("a", "x", "b", 1)));
      assertThat(mistyped.type()).isEqualTo(TypeError.class);

      // the actor survived every refusal
      assertThat(p.run(Funcs::hello, "still here")).isEqualTo("hi still here");
      p.cancelActor();
    });
  }

  @Test
  void aRemoteErrorComesBackBoxedWithItsTypeTraceAndSource() {
    Throwable thrown = catchThrowable(() -> root.openNursery(an -> an.runInActor("errorer", Funcs::assertErr, 0L)));
    assertThat(thrown).isInstanceOf(RemoteActorError.class);
    RemoteActorError e = (RemoteActorError) thrown;
    assertThat(e.type()).isEqualTo(AssertionError.class);
    assertThat(e.typeName()).isEqualTo("AssertionError");
    assertThat(e.remoteTraceback()).contains("kaboom").contains("Funcs.assertErr");
    assertThat(e.srcActorUid().name()).isEqualTo("errorer");
    assertThat(e.getMessage()).contains("('errorer', '");
  }

  @Test
  void aRunInActorCallWithBadArgumentsFailsTheNursery() {
    Throwable thrown =
        catchThrowable(() -> root.openNursery(an -> an.runInActor("errorer", Funcs.class.getName(), "assertErr", Map.of("unexpected", 10), Funcs.class)));
    assertThat(thrown).isInstanceOf(RemoteActorError.class);
    assertThat(((RemoteActorError) thrown).type()).isEqualTo(TypeError.class);
  }

  @Test
  void anErrorRelayedThroughAMiddleActorKeepsItsTypeAndPath() {
    Throwable thrown = catchThrowable(() -> root.openNursery(an -> an.runInActor("middle", Funcs::relayFailure)));
    assertThat(thrown).isInstanceOf(RemoteActorError.class);
    RemoteActorError e = (RemoteActorError) thrown;
    assertThat(e.typeName()).isEqualTo("RemoteActorError"); // as tractor boxes a relay
    assertThat(e.type()).isEqualTo(AssertionError.class); // but the original type survives
    assertThat(e.srcActorUid().name()).isEqualTo("deep");
    assertThat(e.relayPath()).extracting(u -> u.name()).contains("middle");
    assertThat(e.remoteTraceback()).contains("kaboom");
  }

  @Test
  void aChildThatFailsToBootIsAnErrorOfItsNurseryAndTheRootLivesOn() {
    Throwable thrown = catchThrowable(() -> root.openNursery(an -> {
      Portal p = an.startActor("broken", BrokenModule.class);
      p.run(BrokenModule::value);
    }));
    // The failed boot reaches the call and the supervisor; whichever raises it first cancels the
    // other, but both may (a child in this JVM ends at once): every error is that one.
    List<Throwable> errors = thrown instanceof io.jtractor.sc.ExceptionGroup g ? g.exceptions() : List.of(thrown);
    for (Throwable t : errors) {
      assertThat(t).isInstanceOfAny(RemoteActorError.class, ActorFailure.class, ConnectionLost.class);
      assertThat(t.getMessage()).contains("cannot be imported");
    }
    // the parent's runtime is unharmed
    long two = root.callNursery(an -> an.runInActor("after", Funcs::add, 1L, 1L).<Long>result());
    assertThat(two).isEqualTo(2L);
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "error={0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
  void aChildsTeardownCleanupsRunWhetherItFailsOrCancelsItself(boolean error) throws Exception {
    // tractor's test_lifetime_stack_wipes_tmpfile
    java.nio.file.Path file = java.nio.file.Files.createTempFile("jtractor-lifetime", ".tmp");
    try {
      io.jtractor.sc.Sc.moveOnAfter(java.time.Duration.ofSeconds(10), s -> {
        try {
          root.openNursery(an -> an.runInActor("crasher", Funcs::crashAndCleanUp, file.toString(), error).result());
        } catch (RemoteActorError | ActorFailure expected) {
          // the error path raises the boxed AssertionError; the self-cancel path ends the actor
        }
      });
      assertThat(file).doesNotExist();
    } finally {
      java.nio.file.Files.deleteIfExists(file);
    }
  }

  @Test
  void methodReferencesMustNameRemotableMethods() {
    root.openNursery(an -> {
      assertThatThrownBy(() -> an.runInActor(() -> "a lambda")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("method reference");
    });
  }

  @Test
  void resultIsOnlyForRunInActorPortals() {
    root.openNursery(an -> {
      Portal p = an.startActor("daemon", Funcs.class);
      assertThatThrownBy(p::result).isInstanceOf(IllegalStateException.class);
      p.cancelActor();
    });
  }

  private static RemoteActorError catchThrowableOfType(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    Throwable t = catchThrowable(call);
    assertThat(t).isInstanceOf(RemoteActorError.class);
    return (RemoteActorError) t;
  }
}
