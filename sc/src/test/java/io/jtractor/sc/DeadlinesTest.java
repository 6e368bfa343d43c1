package io.jtractor.sc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The lazy deadline timer: a bound set and dropped leaves nothing behind, and a deadline earlier
 * than the one the timer sleeps towards still fires on time.
 */
@DisplayName("Deadlines: the lazy timer of cancel scopes")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DeadlinesTest {

  @Test
  void boundsSetAndDroppedLeaveNothingPending() {
    int before = Deadlines.pending();
    for (int i = 0; i < 10_000; i++) {
      Sc.moveOnAfter(Duration.ofSeconds(30), s -> {});
    }
    assertThat(Deadlines.pending()).isEqualTo(before);
  }

  @Test
  void anEarlierDeadlineFiresWhileTheTimerWaitsForALaterOne() {
    Nursery.run(n -> {
      n.startSoon(() -> Sc.moveOnAfter(Duration.ofSeconds(20), s -> Sc.sleepForever())); // the timer now waits ~20 s
      Sc.sleep(Duration.ofMillis(50));
      long t0 = System.nanoTime();
      CancelScope bounded = Sc.moveOnAfter(Duration.ofMillis(100), s -> Sc.sleepForever());
      long tookMs = (System.nanoTime() - t0) / 1_000_000;
      assertThat(bounded.cancelCalled()).isTrue();
      assertThat(tookMs).as("the 100 ms deadline fired near its time, not the 20 s one's").isBetween(90L, 5_000L);
      n.cancelScope().cancel();
    });
  }

  @Test
  void deadlinesFireInTheirOrderWhateverTheOrderTheyWereSetIn() {
    Trail trail = new Trail();
    Nursery.run(n -> {
      for (int ms : new int[] {300, 100, 200}) {
        n.startSoon(() -> {
          Sc.moveOnAfter(Duration.ofMillis(ms), s -> Sc.sleepForever());
          trail.add("fired " + ms);
        });
      }
    });
    assertThat(trail.events()).containsExactly("fired 100", "fired 200", "fired 300");
  }
}
