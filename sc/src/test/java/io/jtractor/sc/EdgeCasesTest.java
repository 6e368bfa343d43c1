package io.jtractor.sc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The corners found in review: each of these was wrong once. */
@DisplayName("edge cases of scopes, nurseries and interrupts")
class EdgeCasesTest {

  @Test
  void aTryWithResourcesNurseryCancellingItselfIsNotMistakenForAnOuterDeadline() {
    Trail trail = new Trail();
    // Must not raise TooSlowError: the deadline never fired.
    Sc.failAfter(
        Duration.ofSeconds(30),
        s ->
            Nursery.run(
                outer ->
                    outer.startSoon(
                        () -> {
                          try (Nursery n = Nursery.open()) {
                            n.startSoon(Sc::sleepForever);
                            n.cancel();
                            Sc.checkpoint();
                            n.join();
                          }
                        })));
    trail.add("no TooSlowError");
    assertThat(trail.events()).containsExactly("no TooSlowError");
  }

  @Test
  void startedWhileTheCallerIsCancelledLeavesTheTaskWithTheCaller() {
    Trail trail = new Trail();
    Nursery.run(
        n -> {
          CancelScope callerScope = CancelScope.create();
          callerScope.run(
              s ->
                  n.start(
                      status -> {
                        s.cancel(); // the caller is cancelled before the task reports
                        status.started("too late");
                        try {
                          Sc.sleepForever();
                        } finally {
                          trail.add("task cancelled with its caller");
                        }
                      }));
          trail.add("start() raised, caught=" + callerScope.cancelledCaught());
          n.startSoon(() -> trail.add("nursery still healthy"));
        });
    assertThat(trail.events())
        .containsExactly("task cancelled with its caller", "start() raised, caught=true", "nursery still healthy");
  }

  @Test
  void aChildFailureReachesTheNextBoundaryWhenTheBodyWasInForeignBlockingCode() {
    Throwable thrown =
        catchThrowable(
            () ->
                Nursery.run(
                    outer ->
                        outer.startSoon(
                            () -> {
                              try (Nursery n = Nursery.open()) {
                                n.startSoon(() -> {
                                  throw new IllegalStateException("child failed");
                                });
                                Thread.sleep(30_000); // interrupted when the child fails
                                n.join();
                              }
                            })));
    assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessage("child failed");
  }

  @Test
  void anOutsideInterruptAbortsABlockingCallOnAThreadThatIsNotATask() throws Exception {
    MemoryChannel<String> ch = MemoryChannel.open(0);
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Thread t =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    ch.receiver().receive();
                    outcome.complete(null);
                  } catch (Throwable e) {
                    outcome.complete(e);
                  }
                });
    Trail.awaitBlocked(t);
    t.interrupt();
    assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(Cancelled.class);
    t.join();
  }

  @Test
  void joinAndCloseBelongToTryWithResourcesNurseriesOnly() {
    Nursery.run(
        n -> {
          assertThatThrownBy(n::join).isInstanceOf(IllegalStateException.class).hasMessageContaining("open()");
          assertThatThrownBy(n::close).isInstanceOf(IllegalStateException.class).hasMessageContaining("open()");
        });
  }

  @Test
  void aNurseryLeftOpenByMistakeIsUnwoundAndTheThreadStaysUsable() {
    Nursery outer = Nursery.open();
    Nursery inner = Nursery.open(); // never closed: misuse
    assertThat(inner.isOpen()).isTrue();
    outer.join();
    assertThatThrownBy(outer::close).isInstanceOf(IllegalStateException.class).hasMessageContaining("out of order");
    CancelScope after = Sc.moveOnAfter(Duration.ofMillis(5), s -> Sc.sleepForever());
    assertThat(after.cancelledCaught()).isTrue();
  }

  @Test
  void theSameExceptionRaisedByTheBodyAndAChildIsReportedOnce() {
    IllegalStateException shared = new IllegalStateException("shared");
    Throwable thrown =
        catchThrowable(
            () ->
                Nursery.run(
                    n -> {
                      MemoryChannel<RuntimeException> ch = MemoryChannel.open(1);
                      n.startSoon(() -> Sc.shielded(s -> {
                        ch.sender().send(shared);
                        throw shared;
                      }));
                      throw ch.receiver().receive();
                    }));
    assertThat(thrown).isSameAs(shared);
  }

  @Test
  void aWrappedCancelledStillCountsAsTheCancellation() {
    CancelScope scope = CancelScope.create();
    scope.run(
        s -> {
          s.cancel();
          try {
            Sc.checkpoint();
          } catch (Cancelled c) {
            throw new RuntimeException("wrapped by user code", c);
          }
        });
    assertThat(scope.cancelledCaught()).isTrue();
  }

  @Test
  void veryLongSleepsDoNotOverflow() {
    CancelScope scope = Sc.moveOnAfter(Duration.ofMillis(10), s -> Sc.sleep(Duration.ofSeconds(Long.MAX_VALUE)));
    assertThat(scope.cancelledCaught()).isTrue();
  }

  @Test
  void endsOfDifferentChannelsCannotBePaired() {
    MemoryChannel<String> a = MemoryChannel.open(1);
    MemoryChannel<String> b = MemoryChannel.open(1);
    assertThatThrownBy(() -> new MemoryChannel<>(a.sender(), b.receiver())).isInstanceOf(IllegalArgumentException.class);
  }
}
