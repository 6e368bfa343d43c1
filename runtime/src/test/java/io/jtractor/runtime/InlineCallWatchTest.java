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
