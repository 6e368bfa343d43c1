package io.jtractor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jtractor.errors.ActorFailure;
import io.jtractor.errors.ConnectionLost;
import io.jtractor.errors.RemoteActorError;
import io.jtractor.funcs.Funcs;
import io.jtractor.sc.CancelScope;
import io.jtractor.sc.ExceptionGroup;
import io.jtractor.sc.Sc;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Ported from the non-debugger, non-context parts of tractor's test_cancellation. */
@DisplayName("one-cancels-all supervision of child actors")
class SupervisionTest extends SharedRootTest {
  @Test
  void awaitingAFailedResultInTheBodyRaisesTheRemoteErrorOnce() {
    Throwable thrown = catchThrowable(() -> root.openNursery(an -> {
      Portal p = an.runInActor("errorer", Funcs::assertErr, 0L);
      p.result();
    }));
    // tractor raises a group of the same error twice here; the same failure is reported once.
    assertThat(thrown).isInstanceOf(RemoteActorError.class);
    assertThat(((RemoteActorError) thrown).type()).isEqualTo(AssertionError.class);
  }

  @Test
  void failuresThatHappenTogetherAreRaisedTogether() {
    // A child fails; the body, busy in a shield, fails too: both are raised, as a group.
    Throwable thrown = catchThrowable(() -> root.openNursery(an -> {
      an.runInActor("errorer", Funcs::assertErr, 0L);
      Sc.shielded(s -> Sc.sleep(Duration.ofSeconds(2)));
      throw new IllegalStateException("the body failed too");
    }));
    assertThat(thrown).isInstanceOf(ExceptionGroup.class);
    ExceptionGroup g = (ExceptionGroup) thrown;
    assertThat(g.exceptions()).hasSize(2);
    assertThat(g.exceptions()).anySatisfy(e -> assertThat(e).isInstanceOf(IllegalStateException.class));
    assertThat(g.exceptions()).anySatisfy(e -> {
      assertThat(e).isInstanceOf(RemoteActorError.class);
      assertThat(((RemoteActorError) e).type()).isEqualTo(AssertionError.class);
    });
  }

  @Test
  void manyFailingChildrenRaiseOneErrorOrAGroupOfThem() {
    // tractor's test_multierror_fast_nursery: who fails before the first failure cancels the rest
    // is a race; every failure that is raised is a boxed AssertionError, none is lost or doubled.
    Throwable thrown = catchThrowable(() -> root.openNursery(an -> {
      for (int i = 0; i < 4; i++) {
        an.runInActor("errorer" + i, Funcs::assertErr, 0L);
      }
    }));
    List<Throwable> failures = thrown instanceof ExceptionGroup g ? g.exceptions() : List.of(thrown);
    assertThat(failures).hasSizeBetween(1, 4).allSatisfy(e -> {
      assertThat(e).isInstanceOf(RemoteActorError.class);
      assertThat(((RemoteActorError) e).type()).isEqualTo(AssertionError.class);
    });
  }

  @Test
  void aFailingRunInActorChildCancelsItsSleepingSiblingsAtOnce() {
    // tractor's bug #287: the failing child waited for siblings that never return.
    List<String> trail = new CopyOnWriteArrayList<>();
    Throwable thrown = catchThrowable(() -> root.openNursery(an -> {
      an.runInActor("sleeper1", Funcs::sleepForever);
      an.runInActor("sleeper2", Funcs::sleepForever);
      an.runInActor("errorer", Funcs::assertErr, 0L);
      try {
        Sc.sleepForever();
      } finally {
        trail.add("body cancelled");
      }
    }));
    assertThat(thrown).isInstanceOf(RemoteActorError.class);
    assertThat(trail).containsExactly("body cancelled");
  }

  @Test
  void aFailingDaemonCallInTheBodyCancelsEveryChild() {
    Throwable thrown = catchThrowable(() -> root.openNursery(an -> {
      Portal daemon = an.startActor("daemon", Funcs.class);
      an.runInActor("sleeper", Funcs::sleepForever);
      daemon.run(Funcs::assertErr, 0L);
    }));
    assertThat(thrown).isInstanceOf(RemoteActorError.class);
    assertThat(((RemoteActorError) thrown).srcActorUid().name()).isEqualTo("daemon");
  }

  @Test
  void aDaemonThatDiesFailsTheNursery() {
    org.junit.jupiter.api.Assumptions.assumeFalse(Backends.inProcess(), "halting a child JVM: an in-process actor shares the JVM, which a halt takes down whole");
    Throwable thrown = catchThrowable(() -> root.openNursery(an -> {
      Portal doomed = an.startActor("doomed", Funcs.class);
      an.startActor("bystander", Funcs.class);
      try {
        doomed.run(Funcs::dieHard, 3);
      } catch (ConnectionLost expected) {
        Sc.sleepForever(); // the supervisor notices and cancels us
      }
    }));
    assertThat(thrown).isInstanceOf(ActorFailure.class).hasMessageContaining("doomed").hasMessageContaining("code 3");
  }

  @Test
  void cancellingARunInActorChildThroughItsPortalIsNotAFailure() {
    Portal[] kept = new Portal[1];
    root.openNursery(an -> {
      kept[0] = an.runInActor("sleeper", Funcs::sleepForever);
      assertThat(kept[0].cancelActor()).isTrue();
    });
    assertThat(catchThrowable(kept[0]::result)).isInstanceOf(ActorFailure.class).hasMessageContaining("cancelled before");
  }

  @Test
  void cancellingTheNurseryTearsDownDaemonsCleanly() {
    root.openNursery(an -> {
      Portal p = an.startActor("nothin", Funcs.class);
      String none = p.run(Funcs::cellarDoor, (String) null);
      assertThat(none).isNull();
      an.cancel();
      assertThat(an.isCancelled()).isTrue();
    });
  }

  @Test
  void aHardKillStillLeavesNothingBehind() {
    root.openNursery(an -> {
      an.startActor("victim", Funcs.class);
      an.runInActor("blocked", Funcs::blockFor, 60_000L);
      an.cancel(true);
    });
  }

  @Test
  void anOuterDeadlineCancelsTheNurseryAndItsChildren() {
    CancelScope scope = Sc.moveOnAfter(Duration.ofSeconds(2), s -> root.openNursery(an -> {
      an.startActor("donny", Funcs.class);
      an.runInActor("sleeper", Funcs::sleepForever);
      Sc.sleepForever();
    }));
    assertThat(scope.cancelledCaught()).isTrue();
  }

  @Test
  void aChildBlockedInForeignCodeIsCancelledWhenTheBodyFails() {
    // tractor's test_cancel_while_childs_child_in_sync_sleep
    Throwable thrown = catchThrowable(() -> root.openNursery(an -> {
      an.runInActor("spawn", Funcs::blockFor, 60_000L);
      Sc.sleep(Duration.ofMillis(300));
      throw new IllegalStateException("body gives up");
    }));
    assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessage("body gives up");
  }

  @Test
  void nestedTreesOfFailingActorsRaiseNestedGroups() {
    // tractor's test_nested_multierrors, depth 2 (each level's own nursery raises a group)
    Throwable thrown = catchThrowable(() -> root.openNursery(an -> {
      for (int i = 0; i < 2; i++) {
        an.runInActor("spawner_" + i, Funcs::spawnAndError, 2, 1);
      }
    }));
    assertThat(thrown).isInstanceOfAny(ExceptionGroup.class, RemoteActorError.class);
    List<Throwable> top = thrown instanceof ExceptionGroup g ? g.exceptions() : List.of(thrown);
    for (Throwable t : top) {
      assertThat(t).isInstanceOf(RemoteActorError.class);
      RemoteActorError rae = (RemoteActorError) t;
      assertThat(rae.type()).isIn(ExceptionGroup.class, AssertionError.class);
    }
  }
}
