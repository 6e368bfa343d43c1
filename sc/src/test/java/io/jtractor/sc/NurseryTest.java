package io.jtractor.sc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Nursery: children are supervised like trio's")
class NurseryTest {

  static final class Boom extends RuntimeException {
    Boom(String m) {
      super(m);
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(60)
  void aLongLivedNurseryKeepsNoRecordOfChildrenThatFinished() {
    int bursts = 100;
    int burst = 50;
    Nursery.run(
        n -> {
          n.startSoon(Sc::sleepForever); // lives as long as the nursery: it never sweeps anything
          MemoryChannel<Integer> done = MemoryChannel.open(burst);
          for (int b = 0; b < bursts; b++) {
            for (int i = 0; i < burst; i++) {
              int k = i;
              n.startSoon(() -> done.sender().send(k));
            }
            for (int i = 0; i < burst; i++) done.receiver().receive();
          }
          // 5,000 children came and went. The threads still held are at most those that were
          // ending when the last child finished (never more than ran at once); the scopes linked
          // under the nursery's are the sleeper's and at most 63 not yet swept.
          assertThat(n.retainedThreadCount()).isLessThanOrEqualTo(burst);
          assertThat(n.cancelScope().linkedChildCount()).isLessThanOrEqualTo(1 + 63);
          n.cancel();
        });
  }

  @Test
  void waitsForEveryChildBeforeReturning() {
    Trail trail = new Trail();
    Event go = new Event();
    Nursery.run(
        n -> {
          n.startSoon(() -> {
            go.await();
            trail.add("a done");
          });
          n.startSoon(() -> {
            go.await();
            trail.add("b done");
          });
          trail.add("body done");
          go.set();
        });
    trail.add("after");
    assertThat(trail.events()).hasSize(4).startsWith("body done").endsWith("after");
    assertThat(trail.aliveThreads()).isEmpty();
  }

  @Test
  void childrenMayStartMoreChildrenWhileTheNurseryWaits() {
    Trail trail = new Trail();
    Nursery.run(n -> n.startSoon(() -> n.startSoon(() -> n.startSoon(() -> trail.add("grandchild")))));
    assertThat(trail.events()).containsExactly("grandchild");
  }

  @Test
  void callReturnsTheBodysValue() {
    int value = Nursery.call(n -> 42);
    assertThat(value).isEqualTo(42);
  }

  @Test
  void aFailingChildCancelsTheBodyAndItsSiblingsAndIsRaisedAsItself() {
    Trail trail = new Trail();
    Throwable thrown =
        catchThrowable(
            () ->
                Nursery.run(
                    n -> {
                      n.startSoon(
                          () -> {
                            try {
                              Sc.sleepForever();
                            } finally {
                              trail.add("sibling cancelled");
                            }
                          });
                      n.startSoon(
                          () -> {
                            trail.add("failing");
                            throw new Boom("child failed");
                          });
                      try {
                        Sc.sleepForever();
                      } finally {
                        trail.add("body cancelled");
                      }
                    }));
    assertThat(thrown).isInstanceOf(Boom.class).hasMessage("child failed");
    assertThat(trail.events()).startsWith("failing").contains("sibling cancelled", "body cancelled");
    assertThat(trail.aliveThreads()).isEmpty();
  }

  @Test
  void severalFailuresAreRaisedAsAGroupWithoutCancelledInside() {
    Event first = new Event();
    Event second = new Event();
    Throwable thrown =
        catchThrowable(
            () ->
                Nursery.run(
                    n -> {
                      // Both fail from inside a shield, so neither failure can cancel the other first.
                      n.startSoon(() -> Sc.shielded(s -> {
                        first.set();
                        second.await();
                        throw new Boom("one");
                      }));
                      n.startSoon(() -> Sc.shielded(s -> {
                        first.await();
                        second.set();
                        throw new IllegalStateException("two");
                      }));
                      n.startSoon(Sc::sleepForever); // only ever cancelled
                    }));
    assertThat(thrown).isInstanceOf(ExceptionGroup.class);
    ExceptionGroup group = (ExceptionGroup) thrown;
    assertThat(group.exceptions()).hasSize(2).noneMatch(Cancelled.class::isInstance);
    assertThat(group.exceptions())
        .extracting(Throwable::getMessage)
        .containsExactlyInAnyOrder("one", "two");
  }

  @Test
  void aFailingBodyCancelsTheChildren() {
    Trail trail = new Trail();
    Throwable thrown =
        catchThrowable(
            () ->
                Nursery.run(
                    n -> {
                      Event running = new Event();
                      n.startSoon(
                          () -> {
                            running.set();
                            try {
                              Sc.sleepForever();
                            } finally {
                              trail.add("child cancelled");
                            }
                          });
                      running.await();
                      throw new Boom("body failed");
                    }));
    assertThat(thrown).isInstanceOf(Boom.class);
    assertThat(trail.events()).containsExactly("child cancelled");
  }

  @Test
  void aCheckedExceptionIsRaisedAsItself() {
    Throwable thrown =
        catchThrowable(
            () ->
                Nursery.run(
                    n ->
                        n.startSoon(
                            () -> {
                              throw new IOException("disk on fire");
                            })));
    assertThat(thrown).isInstanceOf(IOException.class).hasMessage("disk on fire");
  }

  @Test
  void aClosedNurseryAcceptsNoNewTask() {
    AtomicReference<Nursery> escaped = new AtomicReference<>();
    Nursery.run(escaped::set);
    assertThat(escaped.get().isOpen()).isFalse();
    assertThatThrownBy(() -> escaped.get().startSoon(() -> {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed to new arrivals");
  }

  @Test
  void cancellingTheNurseryCancelsEverythingAndIsAbsorbed() {
    Trail trail = new Trail();
    Nursery.run(
        n -> {
          for (int i = 0; i < 3; i++) {
            int id = i;
            n.startSoon(
                () -> {
                  try {
                    Sc.sleepForever();
                  } finally {
                    trail.add("child " + id + " cancelled");
                  }
                });
          }
          n.cancel();
          Sc.sleepForever();
        });
    trail.add("after");
    assertThat(trail.events()).hasSize(4).last().isEqualTo("after");
    assertThat(trail.aliveThreads()).isEmpty();
  }

  @Test
  void cancellationReachesEveryLiveChildAmongManyThatHaveEnded() {
    // Ended tasks are swept from the scope tree lazily; the live ones must still be reached.
    Trail trail = new Trail();
    Nursery.run(
        n -> {
          MemoryChannel<Integer> done = MemoryChannel.open(MemoryChannel.UNBOUNDED);
          for (int i = 0; i < 500; i++) {
            int id = i;
            n.startSoon(() -> done.sender().send(id));
            if (i % 7 == 0) {
              n.startSoon(() -> {
                try {
                  Sc.sleepForever();
                } finally {
                  trail.add("cancelled");
                }
              });
            }
          }
          for (int i = 0; i < 500; i++) done.receiver().receive();
          n.cancel();
        });
    assertThat(trail.events()).hasSize(72).containsOnly("cancelled");
    assertThat(trail.aliveThreads()).isEmpty();
  }

  @Test
  void nestedNurseriesFailingAtTwoLevelsAtOnceRaiseNestedGroups() {
    Event innerFailing = new Event();
    Event outerFailing = new Event();
    Throwable thrown =
        catchThrowable(
            () ->
                Nursery.run(
                    outer -> {
                      outer.startSoon(
                          () ->
                              Nursery.run(
                                  inner -> {
                                    inner.startSoon(() -> Sc.shielded(s -> {
                                      innerFailing.set();
                                      outerFailing.await();
                                      throw new Boom("inner child");
                                    }));
                                    inner.startSoon(() -> Sc.shielded(s -> {
                                      outerFailing.await();
                                      throw new IllegalStateException("inner sibling");
                                    }));
                                  }));
                      outer.startSoon(() -> Sc.shielded(s -> {
                        innerFailing.await();
                        outerFailing.set();
                        throw new IllegalArgumentException("outer child");
                      }));
                    }));
    assertThat(thrown).isInstanceOf(ExceptionGroup.class);
    ExceptionGroup group = (ExceptionGroup) thrown;
    assertThat(group.exceptions()).hasSize(2);
    assertThat(group.exceptions()).anyMatch(IllegalArgumentException.class::isInstance);
    ExceptionGroup nested =
        (ExceptionGroup) group.exceptions().stream().filter(ExceptionGroup.class::isInstance).findFirst().orElseThrow();
    assertThat(nested.exceptions()).extracting(Throwable::getMessage).containsExactlyInAnyOrder("inner child", "inner sibling");
    assertThat(group.leaves()).hasSize(3).noneMatch(Cancelled.class::isInstance);
  }

  @Test
  void noThreadOfANurseryIsAliveAfterItExits() {
    Trail trail = new Trail();
    Nursery.run(
        n -> {
          for (int i = 0; i < 200; i++) {
            n.startSoon(() -> trail.add("ran"));
          }
        });
    assertThat(trail.threads()).hasSize(200);
    assertThat(trail.aliveThreads()).isEmpty();
  }

  @Test
  void childrenRunOnNamedVirtualThreads() {
    AtomicReference<Thread> seen = new AtomicReference<>();
    Nursery.run(n -> n.startSoon("worker-1", () -> seen.set(Thread.currentThread())));
    assertThat(seen.get().isVirtual()).isTrue();
    assertThat(seen.get().getName()).isEqualTo("worker-1");
  }

  @Nested
  @DisplayName("start(): a task that reports when it is ready")
  class Start {

    @Test
    void returnsTheValuePassedToStartedAndKeepsTheTaskRunning() {
      Trail trail = new Trail();
      Nursery.run(
          n -> {
            String v =
                n.start(
                    status -> {
                      trail.add("setting up");
                      status.started("ready");
                      trail.add("serving");
                    });
            trail.add("start returned " + v);
          });
      assertThat(trail.events()).startsWith("setting up").contains("start returned ready", "serving");
    }

    @Test
    void aFailureBeforeStartedGoesToTheCallerNotTheNursery() {
      Trail trail = new Trail();
      Nursery.run(
          n -> {
            n.startSoon(
                () -> {
                  try {
                    Sc.sleep(java.time.Duration.ofMillis(50));
                    trail.add("sibling finished normally");
                  } catch (Cancelled c) {
                    trail.add("sibling cancelled");
                    throw c;
                  }
                });
            Throwable t = catchThrowable(() -> n.start(status -> {
              throw new Boom("setup failed");
            }));
            trail.add("caller got " + t.getMessage());
          });
      assertThat(trail.events()).containsExactly("caller got setup failed", "sibling finished normally");
    }

    @Test
    void aTaskThatReturnsWithoutCallingStartedIsAnError() {
      Nursery.run(
          n ->
              assertThatThrownBy(() -> n.start(status -> {}))
                  .isInstanceOf(IllegalStateException.class)
                  .hasMessageContaining("without calling started()"));
    }

    @Test
    void startedTwiceIsAnError() {
      Throwable thrown =
          catchThrowable(
              () ->
                  Nursery.run(
                      n ->
                          n.start(
                              status -> {
                                status.started("x");
                                status.started("y");
                              })));
      assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessageContaining("already called");
    }

    @Test
    void aFailureAfterStartedGoesToTheNursery() {
      Throwable thrown =
          catchThrowable(
              () ->
                  Nursery.run(
                      n -> {
                        n.start(
                            status -> {
                              status.started();
                              throw new Boom("after start");
                            });
                        Sc.sleepForever();
                      }));
      assertThat(thrown).isInstanceOf(Boom.class).hasMessage("after start");
    }

    @Test
    void cancellingTheCallerBeforeStartedCancelsTheTaskAndTheCallersScopeAbsorbsIt() {
      Trail trail = new Trail();
      Nursery.run(
          n -> {
            CancelScope callerScope = CancelScope.create();
            callerScope.run(
                s ->
                    n.start(
                        status -> {
                          try {
                            trail.add("starting");
                            s.cancel(); // the caller is cancelled while the task is still starting
                            Sc.sleepForever();
                          } finally {
                            trail.add("task cancelled before started");
                          }
                        }));
            trail.add("caller scope caught=" + callerScope.cancelledCaught());
          });
      assertThat(trail.events())
          .containsExactly("starting", "task cancelled before started", "caller scope caught=true");
    }

    @Test
    void afterStartedTheTaskIsCancelledWithTheNurseryNotWithTheCaller() {
      Trail trail = new Trail();
      Nursery.run(
          n -> {
            CancelScope.create()
                .run(
                    callerScope -> {
                      n.start(
                          status -> {
                            status.started();
                            Sc.sleep(java.time.Duration.ofMillis(100));
                            trail.add("task survived the caller's cancellation");
                          });
                      callerScope.cancel();
                    });
            trail.add("caller moved on");
          });
      assertThat(trail.events()).containsExactly("caller moved on", "task survived the caller's cancellation");
    }
  }

  @Nested
  @DisplayName("try-with-resources form")
  class TryWithResources {

    @Test
    void joinWaitsAndRaisesTheFailureAsItself() {
      Throwable thrown =
          catchThrowable(
              () -> {
                try (Nursery n = Nursery.open()) {
                  n.startSoon(() -> {
                    throw new Boom("child");
                  });
                  n.startSoon(Sc::sleepForever);
                  n.join();
                }
              });
      assertThat(thrown).isInstanceOf(Boom.class);
    }

    @Test
    void joinWaitsForChildren() {
      Trail trail = new Trail();
      try (Nursery n = Nursery.open()) {
        n.startSoon(() -> {
          Sc.sleep(java.time.Duration.ofMillis(20));
          trail.add("child");
        });
        n.join();
        trail.add("joined");
      }
      assertThat(trail.events()).containsExactly("child", "joined");
      assertThat(trail.aliveThreads()).isEmpty();
    }

    @Test
    void closingWithoutJoinCancelsTheChildrenAndSaysSo() {
      Trail trail = new Trail();
      Throwable thrown =
          catchThrowable(
              () -> {
                try (Nursery n = Nursery.open()) {
                  n.startSoon(() -> {
                    try {
                      Sc.sleepForever();
                    } finally {
                      trail.add("child cancelled");
                    }
                  });
                }
              });
      assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessageContaining("before join()");
      assertThat(trail.events()).containsExactly("child cancelled");
    }

    @Test
    void aBodyExceptionCancelsTheChildrenAndStaysThePrimaryException() {
      Trail trail = new Trail();
      Throwable thrown =
          catchThrowable(
              () -> {
                try (Nursery n = Nursery.open()) {
                  n.startSoon(() -> {
                    try {
                      Sc.sleepForever();
                    } finally {
                      trail.add("child cancelled");
                    }
                  });
                  throw new Boom("body");
                }
              });
      assertThat(thrown).isInstanceOf(Boom.class).hasMessage("body");
      assertThat(trail.events()).containsExactly("child cancelled");
    }

    @Test
    void aBodyCancelledByAFailingChildEndsWithTheFailureAtTheNextBoundary() {
      Throwable thrown =
          catchThrowable(
              () ->
                  Nursery.run(
                      outer ->
                          outer.startSoon(
                              () -> {
                                try (Nursery n = Nursery.open()) {
                                  n.startSoon(() -> {
                                    throw new Boom("grandchild");
                                  });
                                  Sc.sleepForever(); // cancelled because the child failed
                                  n.join();
                                }
                              })));
      assertThat(thrown).isInstanceOf(Boom.class).hasMessage("grandchild");
    }

    @Test
    void joinIsForTheOwnerOnly() {
      try (Nursery n = Nursery.open()) {
        Nursery.run(
            other ->
                other.startSoon(
                    () ->
                        assertThatThrownBy(n::join)
                            .isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("thread that opened")));
        n.join();
      }
    }
  }

  @Test
  void errorsListedInOrderForASingleFailingChildAmongSuccessfulOnes() {
    List<String> done = new java.util.concurrent.CopyOnWriteArrayList<>();
    Throwable thrown =
        catchThrowable(
            () ->
                Nursery.run(
                    n -> {
                      n.startSoon(() -> done.add("quick"));
                      n.startSoon(() -> {
                        throw new Boom("only failure");
                      });
                    }));
    assertThat(thrown).isInstanceOf(Boom.class);
  }
}
