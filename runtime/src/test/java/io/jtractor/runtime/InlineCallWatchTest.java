package io.jtractor.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("InlineCallWatch: a reader running a call itself loses the reading only if the call is long")
class InlineCallWatchTest {
  @Test
  void aShortRunKeepsTheReadingAndNothingIsHandedOver() {
    int kept = 0;
    for (int i = 0; i < 100; i++) {
      AtomicInteger handOffs = new AtomicInteger();
      InlineCallWatch.Run run = InlineCallWatch.begin(handOffs::incrementAndGet);
      boolean stillReader = run.finish();
      InlineCallWatch.end(run);
      // exactly one side wins: a run paused past the hand-off time (a loaded machine) lost the reading
      assertThat(handOffs.get()).isEqualTo(stillReader ? 0 : 1);
      if (stillReader) kept++;
    }
    assertThat(kept).isGreaterThan(90);
  }

  @Test
  void aLongRunHasItsReadingHandedOverOnceAndLearnsSoWhenItFinishes() throws InterruptedException {
    CountDownLatch handedOver = new CountDownLatch(1);
    AtomicInteger handOffs = new AtomicInteger();
    InlineCallWatch.Run run = InlineCallWatch.begin(() -> {
      handOffs.incrementAndGet();
      handedOver.countDown();
    });
    // the "call" blocks until the watch has acted, as one waiting for the next message would
    assertThat(handedOver.await(10, TimeUnit.SECONDS)).isTrue();
    boolean stillReader = run.finish();
    InlineCallWatch.end(run);
    assertThat(stillReader).isFalse();
    Thread.sleep(5 * InlineCallWatch.HAND_OFF_AFTER_NANOS / 1_000_000); // ticks pass: no second hand-off
    assertThat(handOffs).hasValue(1);
  }

  @Test
  void aRunThatComputesPastTheFirstLimitKeepsTheReadingUntilTheSecond() {
    // Runnable (computing, or preempted on a busy machine) is not stuck: the reading stays until
    // HAND_OFF_RUNNABLE_AFTER_NANOS. With the old single 1 ms limit this run lost the reading.
    AtomicInteger handOffs = new AtomicInteger();
    long began = System.nanoTime();
    InlineCallWatch.Run run = InlineCallWatch.begin(handOffs::incrementAndGet);
    long until = began + 3 * InlineCallWatch.HAND_OFF_AFTER_NANOS;
    while (System.nanoTime() - until < 0) Thread.onSpinWait();
    boolean stillReader = run.finish();
    long took = System.nanoTime() - began;
    InlineCallWatch.end(run);
    assertThat(handOffs.get()).isEqualTo(stillReader ? 0 : 1);
    if (!stillReader) { // only a machine so loaded that the 3 ms spin took past the second limit
      assertThat(took).isGreaterThanOrEqualTo(InlineCallWatch.HAND_OFF_RUNNABLE_AFTER_NANOS);
    }
  }

  @Test
  void aRunThatComputesPastTheSecondLimitHasItsReadingHandedOver() {
    CountDownLatch handedOver = new CountDownLatch(1);
    InlineCallWatch.Run run = InlineCallWatch.begin(handedOver::countDown);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (handedOver.getCount() > 0 && System.nanoTime() - until < 0) Thread.onSpinWait(); // never parks
    assertThat(handedOver.getCount()).isZero();
    assertThat(run.finish()).isFalse();
    InlineCallWatch.end(run);
  }

  @Test
  void aRunInTheRuntimesOwnWriteCountsAsWaiting() {
    // A platform thread blocked in a socket write to a slow peer shows as runnable: the runtime
    // marks its own writes so that the reading is handed over after the first limit, not the second.
    InlineCallWatch.Run run = InlineCallWatch.begin(() -> {});
    long pastFirstLimit = run.startedNanos + 2 * InlineCallWatch.HAND_OFF_AFTER_NANOS;
    try {
      assertThat(run.due(pastFirstLimit)).as("running, not writing").isFalse();
      InlineCallWatch.Run marked = InlineCallWatch.ownWriteBegins();
      assertThat(marked).isSameAs(run);
      assertThat(run.due(pastFirstLimit)).as("in the runtime's own write").isTrue();
      InlineCallWatch.ownWriteEnds(marked);
      assertThat(run.due(pastFirstLimit)).isFalse();
    } finally {
      run.finish();
      InlineCallWatch.end(run);
    }
    assertThat(InlineCallWatch.ownWriteBegins()).as("no run after end").isNull();
  }

  @Test
  void aCallsReadsWhileItSleepsAreNotCountedAndTheWatchLeavesThemAlone() throws InterruptedException {
    InlineCallWatch.Run run = InlineCallWatch.begin(() -> {});
    try {
      long began = run.startedNanos;
      assertThat(run.beginReading()).isTrue();
      long farPast = System.nanoTime() + 10 * InlineCallWatch.HAND_OFF_RUNNABLE_AFTER_NANOS;
      assertThat(run.due(farPast)).as("never while it reads").isFalse();
      Thread.sleep(5);
      run.endReading(true);
      assertThat(run.startedNanos - began).as("the read's time is not counted").isGreaterThanOrEqualTo(5_000_000L);
      assertThat(run.due(farPast)).as("its limits apply again").isTrue();
    } finally {
      run.finish();
      InlineCallWatch.end(run);
    }
  }

  @Test
  void aRunGivenUpBeforeAWaitLeavesTheWatchToSleep() throws InterruptedException {
    InlineCallWatch.Run run = InlineCallWatch.begin(() -> {});
    try {
      assertThat(run.giveUp()).isTrue();
      Thread watch = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().equals("jtractor-inline-call-watch")).findFirst().orElseThrow();
      long until = System.nanoTime() + 5_000_000_000L;
      // The call has not ended, but nothing is left to take from it: the watch parks for good
      // after its linger instead of looking at the run again and again.
      while (watch.getState() != Thread.State.WAITING && System.nanoTime() < until) Thread.sleep(1);
      assertThat(watch.getState()).isEqualTo(Thread.State.WAITING);
      assertThat(run.finish()).as("the reading was given up").isFalse();
    } finally {
      InlineCallWatch.end(run);
    }
  }

  @Test
  void theWatchWakesAgainAfterSleepingForGood() throws InterruptedException {
    InlineCallWatch.Run first = InlineCallWatch.begin(() -> {});
    first.finish();
    InlineCallWatch.end(first);
    Thread.sleep(2 * InlineCallWatch.LINGER_NANOS / 1_000_000); // the watch parks for good
    CountDownLatch handedOver = new CountDownLatch(1);
    InlineCallWatch.Run run = InlineCallWatch.begin(handedOver::countDown);
    assertThat(handedOver.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(run.finish()).isFalse();
    InlineCallWatch.end(run);
  }
}
