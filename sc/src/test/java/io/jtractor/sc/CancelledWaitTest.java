package io.jtractor.sc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Cancelling a task that sleeps, waits to receive from or send to a channel, waits for an
 * {@link Event} or for a {@link CapacityLimiter}'s token wakes it without making an {@link
 * InterruptedException}: the cancellation is delivered by interrupting the thread, and a wait that
 * ended in that exception (a {@code Thread.sleep}, a {@code Condition.await}) paid for filling in
 * its stack trace on every cancel (docs/design.md, "The cancel's own CPU"). Exceptions are seen
 * through the flight recorder's {@code jdk.JavaExceptionThrow} event, which records every {@code
 * Exception} made; a plain interrupted {@code Thread.sleep} shows that the event is seen at all.
 */
class CancelledWaitTest {

  /** What the task waits in. */
  enum Wait {
    SLEEP {
      @Override
      void run() {
        Sc.sleepForever();
      }
    },
    SLEEP_WITH_A_DEADLINE {
      @Override
      void run() {
        Sc.sleep(java.time.Duration.ofSeconds(30));
      }
    },
    RECEIVE {
      @Override
      void run() {
        MemoryChannel<String> ch = MemoryChannel.open(1);
        ch.receiver().receive();
      }
    },
    SEND {
      @Override
      void run() {
        MemoryChannel<String> ch = MemoryChannel.open(0);
        ch.sender().send("never taken");
      }
    },
    EVENT {
      @Override
      void run() {
        new Event().await();
      }
    },
    CAPACITY_LIMITER {
      @Override
      void run() {
        CapacityLimiter limiter = new CapacityLimiter(1);
        limiter.acquireOnBehalfOf("someone else");
        limiter.acquire();
      }
    };

    abstract void run();
  }

  private static boolean parked(Thread t) {
    Thread.State state = t.getState();
    return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Wait.class)
  void aCancelledWaitUnwindsWithoutAnInterruptedExceptionOnPlatformAndVirtualThreads(Wait wait) throws Exception {
    Set<Long> watched = ConcurrentHashMap.newKeySet();
    List<String> made = new CopyOnWriteArrayList<>();
    Trail trail = new Trail();
    Thread plain = Thread.ofPlatform().unstarted(() -> {
      try {
        Thread.sleep(30_000);
      } catch (InterruptedException expected) {
        trail.add("plain sleep interrupted");
      }
    });
    try (RecordingStream rs = new RecordingStream()) {
      rs.enable("jdk.JavaExceptionThrow");
      rs.enable("jdk.JavaErrorThrow"); // without it, no exception events reach the stream (JDK 25)
      rs.onEvent("jdk.JavaExceptionThrow", e -> {
        if (e.getThread() != null && watched.contains(e.getThread().getJavaThreadId())) {
          made.add(e.getThread().getJavaThreadId() + " " + e.getClass("thrownClass").getName());
        }
      });
      rs.startAsync();

      watched.add(plain.threadId());
      plain.start();
      plain.interrupt();
      plain.join();

      for (boolean virtual : new boolean[] {false, true}) {
        String kind = virtual ? "virtual" : "platform";
        CancelScope scope = CancelScope.create();
        Thread t = (virtual ? Thread.ofVirtual() : Thread.ofPlatform()).unstarted(() -> Nursery.run(n -> {
          watched.add(Thread.currentThread().threadId());
          scope.run(s -> {
            trail.add(kind + " sleeping");
            try {
              wait.run();
            } finally {
              trail.add(kind + " unwound");
            }
          });
        }));
        t.start();
        trail.awaitEvent(kind + " sleeping");
        long until = System.nanoTime() + 10_000_000_000L; // parked, so that the cancel wakes a park
        while (!parked(t) && System.nanoTime() < until) Thread.onSpinWait();
        assertThat(parked(t)).as(kind + " parked before the cancel").isTrue();
        scope.cancel();
        t.join();
        assertThat(scope.cancelledCaught()).as(kind).isTrue();
      }
      rs.stop(); // every event recorded so far has been handed to onEvent
    }
    assertThat(trail.events()).containsExactly(
        "plain sleep interrupted", "platform sleeping", "platform unwound", "virtual sleeping", "virtual unwound");
    String interrupted = " " + InterruptedException.class.getName();
    assertThat(made).as("the plain sleep's InterruptedException is seen").contains(plain.threadId() + interrupted);
    assertThat(made)
        .as("throwables made on the watched threads: InterruptedException only on the plain sleep's")
        .filteredOn(m -> m.endsWith(interrupted))
        .allMatch(m -> m.equals(plain.threadId() + interrupted));
  }

  /**
   * A cancel wakes a thread parked in one of this package's waits with an unpark after the scope
   * tree's lock is released, not with an interrupt under it; so the wait itself must look for the
   * cancellation once the park ends. A cancel that lands anywhere around the park still ends the
   * wait: here, hundreds of cancels at every distance from a wait's start, each of which would
   * leave the task parked for good if one were lost.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(Wait.class)
  void aCancelRacingAWaitAsItParksIsNeverLost(Wait wait) throws Exception {
    for (boolean virtual : new boolean[] {false, true}) {
      for (int round = 0; round < 300; round++) {
        CancelScope scope = CancelScope.create();
        Event entered = new Event();
        Thread t = (virtual ? Thread.ofVirtual() : Thread.ofPlatform()).unstarted(() -> Nursery.run(n -> scope.run(s -> {
          entered.set();
          wait.run();
        })));
        t.start();
        entered.await();
        for (int spin = 0; spin < round % 40; spin++) Thread.onSpinWait(); // lands before, in, or after the park
        scope.cancel();
        t.join(10_000);
        assertThat(t.isAlive()).as((virtual ? "virtual" : "platform") + " round " + round + ": the wait ended").isFalse();
        assertThat(scope.cancelledCaught()).isTrue();
      }
    }
  }

  /**
   * Inside a cancelled scope the interrupt flag stays set after a wait raised {@link Cancelled},
   * though the wait was woken by an unpark: foreign blocking code in cleanup sees the
   * cancellation too (a {@code Thread.sleep} there ends at once).
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(Wait.class)
  void aWaitWokenByACancelLeavesTheInterruptFlagSetInsideTheScope(Wait wait) throws Exception {
    for (boolean virtual : new boolean[] {false, true}) {
      String kind = virtual ? "virtual" : "platform";
      Trail trail = new Trail();
      CancelScope scope = CancelScope.create();
      Thread t = (virtual ? Thread.ofVirtual() : Thread.ofPlatform()).unstarted(() -> Nursery.run(n -> {
        scope.run(s -> {
          trail.add("waiting");
          try {
            wait.run();
          } catch (Cancelled c) {
            trail.add("cancelled, interrupt flag " + Thread.currentThread().isInterrupted());
            try {
              Thread.sleep(30_000);
            } catch (InterruptedException e) {
              trail.add("foreign sleep interrupted");
            }
            throw c;
          }
        });
        trail.add("left the scope, interrupt flag " + Thread.currentThread().isInterrupted());
      }));
      t.start();
      trail.awaitEvent("waiting");
      long until = System.nanoTime() + 10_000_000_000L;
      while (!parked(t) && System.nanoTime() < until) Thread.onSpinWait();
      scope.cancel();
      t.join(10_000);
      assertThat(t.isAlive()).as(kind).isFalse();
      assertThat(trail.events()).as(kind).containsExactly(
          "waiting", "cancelled, interrupt flag true", "foreign sleep interrupted", "left the scope, interrupt flag false");
    }
  }
}
