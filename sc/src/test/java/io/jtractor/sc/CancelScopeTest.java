package io.jtractor.sc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("CancelScope: cancellation, deadlines and shields")
class CancelScopeTest {

  private static final Duration LONG = Duration.ofSeconds(30);

  @Test
  void cancelFromAnotherThreadWakesTheBodyAndIsAbsorbedByTheScope() {
    Trail trail = new Trail();
    CancelScope scope = CancelScope.create();
    Nursery.run(
        n -> {
          n.startSoon(
              () -> {
                scope.run(
                    s -> {
                      trail.add("sleeping");
                      Sc.sleepForever();
                      trail.add("unreachable");
                    });
                trail.add("after scope");
              });
          trail.awaitEvent("sleeping");
          scope.cancel();
        });
    assertThat(trail.events()).containsExactly("sleeping", "after scope");
    assertThat(scope.cancelCalled()).isTrue();
    assertThat(scope.cancelledCaught()).isTrue();
  }

  @Test
  void aCancellationNamesItsScopeWhenAskedAndKeepsTheNameThroughSerialization() throws Exception {
    CancelScope scope = CancelScope.create();
    Cancelled[] seen = {null};
    scope.run(s -> {
      s.cancel();
      try {
        Sc.checkpoint();
      } catch (Cancelled c) {
        seen[0] = c;
        throw c;
      }
    });
    assertThat(seen[0].scope()).isSameAs(scope);
    assertThat(seen[0]).hasMessage("cancelled by " + scope);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(seen[0]);
    }
    try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      Cancelled back = (Cancelled) in.readObject();
      assertThat(back.scope()).as("the scope stays behind").isNull();
      assertThat(back).hasMessage("cancelled by " + scope);
    }
  }

  @Test
  void anUncancelledScopeCatchesNothing() {
    CancelScope scope = CancelScope.create();
    String value = scope.call(s -> "value");
    assertThat(value).isEqualTo("value");
    assertThat(scope.cancelCalled()).isFalse();
    assertThat(scope.cancelledCaught()).isFalse();
  }

  @Test
  void cancelledUnwindsToTheCancelledScopeNotAnInnerOne() {
    Trail trail = new Trail();
    CancelScope outer = CancelScope.create();
    outer.run(
        o -> {
          CancelScope inner = CancelScope.create();
          inner.run(
              i -> {
                o.cancel();
                try {
                  Sc.checkpoint();
                } finally {
                  trail.add("inner body unwound");
                }
              });
          trail.add("unreachable: after inner");
        });
    trail.add("after outer");
    assertThat(trail.events()).containsExactly("inner body unwound", "after outer");
    assertThat(outer.cancelledCaught()).isTrue();
  }

  @Test
  void cancelledIsAbsorbedByTheCancelledScopeNotAnOuterOne() {
    Trail trail = new Trail();
    CancelScope outer = CancelScope.create();
    outer.run(
        o -> {
          CancelScope inner = CancelScope.create();
          inner.run(
              i -> {
                i.cancel();
                Sc.checkpoint();
              });
          trail.add("after inner, caught=" + inner.cancelledCaught());
        });
    assertThat(trail.events()).containsExactly("after inner, caught=true");
    assertThat(outer.cancelledCaught()).isFalse();
  }

  @Test
  void whenBothAreCancelledTheOutermostAbsorbs() {
    CancelScope outer = CancelScope.create();
    CancelScope inner = CancelScope.create();
    outer.run(
        o ->
            inner.run(
                i -> {
                  i.cancel();
                  o.cancel();
                  Sc.checkpoint();
                }));
    assertThat(inner.cancelledCaught()).isFalse();
    assertThat(outer.cancelledCaught()).isTrue();
  }

  @Test
  void aScopeCancelledBeforeItIsEnteredCancelsAtTheFirstCheckpoint() {
    Trail trail = new Trail();
    CancelScope scope = CancelScope.create();
    scope.cancel();
    scope.run(
        s -> {
          trail.add("body runs until its first checkpoint");
          Sc.checkpoint();
          trail.add("unreachable");
        });
    assertThat(trail.events()).containsExactly("body runs until its first checkpoint");
    assertThat(scope.cancelledCaught()).isTrue();
  }

  @Test
  void cancellationIsLevelTriggered() {
    Trail trail = new Trail();
    CancelScope.create()
        .run(
            s -> {
              s.cancel();
              try {
                Sc.checkpoint();
              } catch (Cancelled c) {
                trail.add("caught once");
              }
              try {
                Sc.checkpoint();
              } catch (Cancelled c) {
                trail.add("raised again");
                throw c;
              }
            });
    assertThat(trail.events()).containsExactly("caught once", "raised again");
  }

  @Test
  void catchingExceptionDoesNotSwallowCancellation() {
    Trail trail = new Trail();
    CancelScope scope = CancelScope.create();
    scope.run(
        s -> {
          s.cancel();
          try {
            Sc.sleepForever();
          } catch (Exception e) {
            trail.add("swallowed " + e);
          }
          trail.add("unreachable");
        });
    assertThat(trail.events()).isEmpty();
    assertThat(scope.cancelledCaught()).isTrue();
  }

  @Test
  void aScopeCanBeEnteredOnlyOnce() {
    CancelScope scope = CancelScope.create();
    scope.run(s -> {});
    assertThatThrownBy(() -> scope.run(s -> {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("only once");
  }

  @Test
  void otherExceptionsPassThroughUnchanged() {
    CancelScope scope = CancelScope.create();
    Throwable thrown =
        catchThrowable(
            () ->
                scope.run(
                    s -> {
                      throw new IOException("not a cancellation");
                    }));
    assertThat(thrown).isInstanceOf(IOException.class);
    assertThat(scope.cancelledCaught()).isFalse();
  }

  @Test
  void tasksOfANurseryInsideTheScopeAreCancelledWithIt() {
    Trail trail = new Trail();
    CancelScope scope = CancelScope.create();
    scope.run(
        s ->
            Nursery.run(
                n -> {
                  for (int i = 0; i < 3; i++) {
                    n.startSoon(
                        () -> {
                          try {
                            Sc.sleepForever();
                          } finally {
                            trail.add("child cancelled");
                          }
                        });
                  }
                  s.cancel();
                }));
    assertThat(trail.events()).containsExactly("child cancelled", "child cancelled", "child cancelled");
    assertThat(scope.cancelledCaught()).isTrue();
  }

  @Test
  void theInterruptFlagIsClearOnceTheCancellationIsAbsorbed() throws InterruptedException {
    CancelScope.create()
        .run(
            s -> {
              s.cancel();
              Thread.sleep(10_000);
            });
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
    Thread.sleep(1); // would throw if an interrupt had leaked out of the scope
  }

  @Nested
  @DisplayName("deadlines")
  class Deadlines {

    @Test
    void moveOnAfterCancelsTheBodyAndReturnsNormally() {
      Trail trail = new Trail();
      CancelScope scope =
          Sc.moveOnAfter(
              Duration.ofMillis(20),
              s -> {
                trail.add("sleeping");
                Sc.sleep(LONG);
                trail.add("unreachable");
              });
      assertThat(trail.events()).containsExactly("sleeping");
      assertThat(scope.cancelledCaught()).isTrue();
    }

    @Test
    void moveOnAfterDoesNothingWhenTheBodyIsQuick() {
      CancelScope scope = Sc.moveOnAfter(Duration.ofSeconds(10), s -> {});
      assertThat(scope.cancelCalled()).isFalse();
      assertThat(scope.cancelledCaught()).isFalse();
    }

    @Test
    void failAfterRaisesTooSlowError() {
      assertThatThrownBy(() -> Sc.failAfter(Duration.ofMillis(10), s -> Sc.sleep(LONG)))
          .isInstanceOf(TooSlowError.class);
      Sc.failAfter(Duration.ofSeconds(10), s -> {}); // fast enough: nothing raised
    }

    @Test
    void anAbsoluteDeadlineInThePastCancelsAtTheFirstCheckpoint() {
      CancelScope scope = Sc.moveOnAt(Sc.currentTime() - 1, s -> Sc.sleep(LONG));
      assertThat(scope.cancelledCaught()).isTrue();
      assertThatThrownBy(() -> Sc.failAt(Sc.currentTime() - 1, s -> Sc.checkpoint()))
          .isInstanceOf(TooSlowError.class);
    }

    @Test
    void theDeadlineCanBeMovedEarlierWhileRunning() {
      CancelScope scope =
          CancelScope.withDeadline(Sc.currentTime() + LONG.toNanos());
      AtomicReference<Long> start = new AtomicReference<>();
      scope.run(
          s -> {
            start.set(Sc.currentTime());
            s.setDeadline(Sc.currentTime() + Duration.ofMillis(20).toNanos());
            Sc.sleep(LONG);
          });
      assertThat(scope.cancelledCaught()).isTrue();
    }

    @Test
    void theDeadlineCanBeMovedLaterOrRemovedWhileRunning() {
      Trail trail = new Trail();
      CancelScope scope = CancelScope.withTimeout(Duration.ofMillis(30));
      scope.run(
          s -> {
            s.setDeadline(CancelScope.NO_DEADLINE);
            Sc.sleep(Duration.ofMillis(80)); // outlives the original deadline
            trail.add("slept past the old deadline");
          });
      assertThat(trail.events()).containsExactly("slept past the old deadline");
      assertThat(scope.cancelledCaught()).isFalse();
    }

    @Test
    void aRelativeDeadlineCountsFromEntry() {
      CancelScope scope = CancelScope.withTimeout(Duration.ofMillis(50));
      assertThat(scope.relativeDeadline()).isEqualTo(Duration.ofMillis(50));
      assertThat(scope.deadline()).isEqualTo(CancelScope.NO_DEADLINE);
      long before = Sc.currentTime();
      scope.run(s -> assertThat(s.deadline()).isBetween(before + Duration.ofMillis(50).toNanos(), Sc.currentTime() + Duration.ofMillis(50).toNanos()));
      assertThatThrownBy(() -> CancelScope.create().setRelativeDeadline(Duration.ofMillis(-1)))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRelativeDeadlineSetWhileRunningCountsFromNow() {
      CancelScope scope = CancelScope.create();
      scope.run(
          s -> {
            s.setRelativeDeadline(Duration.ofMillis(20));
            assertThat(s.relativeDeadline()).isLessThanOrEqualTo(Duration.ofMillis(20));
            Sc.sleep(LONG);
          });
      assertThat(scope.cancelledCaught()).isTrue();
    }
  }

  @Nested
  @DisplayName("shields")
  class Shields {

    @Test
    void aShieldHoldsBackAnOuterCancellation() {
      Trail trail = new Trail();
      CancelScope outer = CancelScope.create();
      outer.run(
          o -> {
            o.cancel();
            Sc.shielded(
                s -> {
                  Sc.sleep(Duration.ofMillis(20));
                  Thread.sleep(5); // foreign blocking code is held back too
                  trail.add("shielded work finished");
                });
            trail.add("after shield, before checkpoint");
            Sc.checkpoint();
            trail.add("unreachable");
          });
      assertThat(trail.events()).containsExactly("shielded work finished", "after shield, before checkpoint");
      assertThat(outer.cancelledCaught()).isTrue();
    }

    @Test
    void aDeadlineThatFiresInsideAShieldTakesEffectAfterIt() {
      Trail trail = new Trail();
      CancelScope outer =
          Sc.moveOnAfter(
              Duration.ofMillis(20),
              o -> {
                Sc.shielded(
                    s -> {
                      Sc.sleep(Duration.ofMillis(100)); // the outer deadline passes in here
                      trail.add("shield finished, outer cancelled=" + o.cancelCalled());
                    });
                trail.add("left shield");
                Sc.sleep(LONG);
                trail.add("unreachable");
              });
      assertThat(trail.events()).containsExactly("shield finished, outer cancelled=true", "left shield");
      assertThat(outer.cancelledCaught()).isTrue();
    }

    @Test
    void aShieldedScopesOwnDeadlineStillCancelsIt() {
      CancelScope shielded = CancelScope.withTimeout(Duration.ofMillis(20));
      shielded.setShield(true);
      shielded.run(s -> Sc.sleep(LONG));
      assertThat(shielded.cancelledCaught()).isTrue();
    }

    @Test
    void droppingTheShieldExposesAPendingOuterCancellation() {
      Trail trail = new Trail();
      CancelScope outer = CancelScope.create();
      outer.run(
          o ->
              Nursery.run(
                  n -> {
                    CancelScope shield = CancelScope.create();
                    shield.setShield(true);
                    n.startSoon(
                        () ->
                            shield.run(
                                s -> {
                                  trail.add("shielded");
                                  try {
                                    Sc.sleepForever();
                                  } finally {
                                    trail.add("cancelled once the shield dropped");
                                  }
                                }));
                    trail.awaitEvent("shielded");
                    o.cancel();
                    shield.setShield(false);
                  }));
      assertThat(trail.events()).containsExactly("shielded", "cancelled once the shield dropped");
      assertThat(outer.cancelledCaught()).isTrue();
    }
  }

  /**
   * A checkpoint that found nothing cancelled remembers it until something changes: every change
   * that can cancel a waiting or running body must still be seen by the very next checkpoint,
   * with no wake-up or timer to help it (the body is running, not blocked).
   */
  @Nested
  @DisplayName("a checkpoint right after one that found nothing cancelled")
  class AfterAClearCheckpoint {

    /** Runs {@code change} once a checkpoint three scopes down found nothing, then checkpoints again. */
    private List<String> checkpointAround(CancelScope outer, Runnable change) {
      Trail trail = new Trail();
      outer.run(o -> CancelScope.create().run(middle -> CancelScope.create().run(inner -> {
        Sc.checkpoint();
        Sc.checkpoint();
        trail.add("clear");
        change.run();
        checkpointOnce(trail);
      })));
      return trail.events();
    }

    /** A checkpoint, with whether it raised on the trail. */
    private static void checkpointOnce(Trail trail) {
      try {
        Sc.checkpoint();
        trail.add("not raised");
      } catch (Cancelled c) {
        trail.add("raised");
        throw c;
      }
    }

    private void assertTheNextCheckpointRaisesAfter(CancelScope outer, Runnable change) {
      assertThat(checkpointAround(outer, change)).containsExactly("clear", "raised");
      assertThat(outer.cancelledCaught()).isTrue();
      Thread.interrupted(); // the cancel's interrupt: absorbed with it, not to leak into the next test
    }

    @Test
    void seesAnOuterScopeCancelledByAnotherThread() {
      CancelScope outer = CancelScope.create();
      assertTheNextCheckpointRaisesAfter(outer, () -> {
        Thread.ofPlatform().start(outer::cancel);
        while (!outer.cancelCalled()) Thread.onSpinWait(); // not join(): the cancel interrupts us
      });
    }

    @Test
    void seesAnOuterDeadlineMovedIntoThePast() {
      CancelScope outer = CancelScope.create();
      assertTheNextCheckpointRaisesAfter(outer, () -> outer.setDeadline(Sc.currentTime() - 1));
    }

    @Test
    void seesAPendingCancellationOnceTheShieldBeneathItDrops() {
      CancelScope outer = CancelScope.create();
      Trail trail = new Trail();
      outer.run(o -> {
        CancelScope shield = CancelScope.create();
        shield.setShield(true);
        shield.run(s -> {
          o.cancel();
          Sc.checkpoint();
          Sc.checkpoint(); // held back by the shield: found clear, and remembered
          trail.add("clear behind the shield");
          s.setShield(false);
          checkpointOnce(trail);
        });
      });
      assertThat(trail.events()).containsExactly("clear behind the shield", "raised");
      assertThat(outer.cancelledCaught()).isTrue();
      Thread.interrupted();
    }
  }

  @Nested
  @DisplayName("foreign blocking code is cancelled by interrupt")
  class ForeignBlocking {

    /** Runs {@code blocking} in a task, cancels its scope once it blocks, and checks the outcome. */
    private void assertCancelledWhileBlockedIn(Task blocking) {
      Trail trail = new Trail();
      AtomicReference<Thread> taskThread = new AtomicReference<>();
      CancelScope scope = CancelScope.create();
      Nursery.run(
          n -> {
            n.startSoon(
                () ->
                    scope.run(
                        s -> {
                          taskThread.set(Thread.currentThread());
                          trail.add("blocking");
                          blocking.run();
                          trail.add("unreachable");
                        }));
            trail.awaitEvent("blocking");
            Trail.awaitBlocked(taskThread.get());
            scope.cancel();
          });
      assertThat(trail.events()).containsExactly("blocking");
      assertThat(scope.cancelledCaught()).isTrue();
      assertThat(taskThread.get().isAlive()).isFalse();
    }

    @Test
    void threadSleep() {
      assertCancelledWhileBlockedIn(() -> Thread.sleep(LONG.toMillis()));
    }

    @Test
    void blockingQueueTake() {
      assertCancelledWhileBlockedIn(() -> new LinkedBlockingQueue<String>().take());
    }

    @Test
    void objectWait() {
      Object monitor = new Object();
      assertCancelledWhileBlockedIn(
          () -> {
            synchronized (monitor) {
              monitor.wait();
            }
          });
    }

    @Test
    void lockInterruptibly() {
      ReentrantLock lock = new ReentrantLock();
      lock.lock();
      try {
        assertCancelledWhileBlockedIn(lock::lockInterruptibly);
      } finally {
        lock.unlock();
      }
    }

    @Test
    void processWaitFor() throws Exception {
      Process sleeper = new ProcessBuilder("sleep", "30").start();
      try {
        assertCancelledWhileBlockedIn(sleeper::waitFor);
      } finally {
        sleeper.destroyForcibly();
        assertThat(sleeper.waitFor(10, TimeUnit.SECONDS)).isTrue();
      }
    }

    @Test
    void socketRead() throws Exception {
      try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
          Socket client = new Socket(server.getInetAddress(), server.getLocalPort());
          Socket accepted = server.accept()) {
        InputStream in = client.getInputStream();
        assertCancelledWhileBlockedIn(in::read);
        assertThat(client.isClosed()).isTrue(); // the JDK closes a socket whose reader is interrupted
      }
    }

    @Test
    void serverSocketAccept() throws Exception {
      try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        assertCancelledWhileBlockedIn(server::accept);
      }
    }

    @Test
    void wrappedInterruptedExceptionsStillCountAsCancellation() {
      assertCancelledWhileBlockedIn(
          () -> {
            try {
              Thread.sleep(LONG.toMillis());
            } catch (InterruptedException e) {
              throw new RuntimeException("wrapped", e);
            }
          });
    }

    @Test
    void anInterruptedExceptionOutsideACancelledScopeIsAnOrdinaryFailure() {
      Throwable thrown =
          catchThrowable(
              () ->
                  Nursery.run(
                      n ->
                          n.startSoon(
                              () -> {
                                throw new InterruptedException("not a cancellation");
                              })));
      assertThat(thrown).isInstanceOf(InterruptedException.class);
    }

    @Test
    void anErrorWhileSiblingsAreBlockedInForeignCodeCancelsThemAll() throws Exception {
      Trail trail = new Trail();
      Object monitor = new Object();
      Process sleeper = new ProcessBuilder("sleep", "30").start();
      try {
        Throwable thrown =
            catchThrowable(
                () ->
                    Nursery.run(
                        n -> {
                          n.startSoon(() -> {
                            try {
                              Thread.sleep(LONG.toMillis());
                            } finally {
                              trail.add("sleep cancelled");
                            }
                          });
                          n.startSoon(() -> {
                            try {
                              new LinkedBlockingQueue<>().take();
                            } finally {
                              trail.add("take cancelled");
                            }
                          });
                          n.startSoon(() -> {
                            try {
                              synchronized (monitor) {
                                monitor.wait();
                              }
                            } finally {
                              trail.add("wait cancelled");
                            }
                          });
                          n.startSoon(() -> {
                            try {
                              sleeper.waitFor();
                            } finally {
                              trail.add("waitFor cancelled");
                            }
                          });
                          n.startSoon(() -> {
                            throw new IllegalStateException("the one failure");
                          });
                        }));
        assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessage("the one failure");
        assertThat(trail.events())
            .containsExactlyInAnyOrder("sleep cancelled", "take cancelled", "wait cancelled", "waitFor cancelled");
        assertThat(trail.aliveThreads()).isEmpty();
      } finally {
        sleeper.destroyForcibly();
        assertThat(sleeper.waitFor(10, TimeUnit.SECONDS)).isTrue();
      }
    }
  }
}
