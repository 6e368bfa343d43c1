package io.jtractor.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A context's flow control: what an arriving item may do, and the credit its consumption grants
 * back, a quarter of the buffer at a time, every item consumed granted exactly once.
 */
@DisplayName("stream credit: the buffer's bound and the grants")
@Timeout(60)
class StreamCreditTest {

  @Test
  void itemsBeyondTheBufferOverrunUnlessOverrunsAreAllowed() {
    StreamCredit c = new StreamCredit(false);
    c.open(3, false);
    for (int i = 0; i < 3; i++) assertThat(c.arrive()).isEqualTo(StreamCredit.Arrival.QUEUE);
    assertThat(c.arrive()).isEqualTo(StreamCredit.Arrival.OVERRUN);
    c.consumed();
    assertThat(c.arrive()).as("room again once one is consumed").isEqualTo(StreamCredit.Arrival.QUEUE);
    assertThat(c.arrive()).isEqualTo(StreamCredit.Arrival.OVERRUN);
  }

  @Test
  void consumingGrantsAQuarterOfTheBufferAtATime() {
    StreamCredit c = new StreamCredit(true);
    c.open(64, false);
    StringBuilder grants = new StringBuilder();
    for (int i = 0; i < 64; i++) {
      assertThat(c.arrive()).isEqualTo(StreamCredit.Arrival.QUEUE);
    }
    for (int i = 1; i <= 64; i++) {
      int g = c.consumed();
      if (g > 0) grants.append(i).append(':').append(g).append(' ');
    }
    assertThat(grants.toString().strip()).isEqualTo("16:16 32:16 48:16 64:16");
    assertThat(c.arrive()).as("all 64 consumed: the buffer is empty").isEqualTo(StreamCredit.Arrival.QUEUE);
  }

  /**
   * An arrival and a consumption on other threads at once (the message loop, the consuming task)
   * share one word: no grant is lost or made twice, and the bound holds.
   */
  @Test
  void concurrentArrivalsAndConsumptionGrantEveryItemExactlyOnce() throws Exception {
    StreamCredit c = new StreamCredit(true);
    c.open(64, false);
    int items = 2_000_000;
    AtomicLong arrived = new AtomicLong();
    AtomicLong granted = new AtomicLong();
    Thread sender = startSender(c, items, arrived, granted);
    long consumed = 0;
    while (consumed < items) {
      if (arrived.get() > consumed) {
        granted.addAndGet(c.consumed());
        consumed++;
      } else {
        Thread.onSpinWait();
      }
    }
    sender.join();
    assertThat(granted.get()).isEqualTo(items);
  }

  /**
   * Two consumers (another task takes items too) racing for the grant: each consumption is granted
   * once, and the grants never lag a whole batch behind, so a sender waiting for credit is never
   * stranded.
   */
  @Test
  void twoConsumersGrantEveryBatchOnceAndStrandNoSender() throws Exception {
    StreamCredit c = new StreamCredit(true);
    c.open(64, false);
    int items = 1_000_000;
    AtomicLong arrived = new AtomicLong();
    AtomicLong taken = new AtomicLong();
    AtomicLong granted = new AtomicLong();
    Thread sender = startSender(c, items, arrived, granted);
    Runnable consumer = () -> {
      while (true) {
        long t = taken.get();
        if (t >= items) return;
        if (t < arrived.get() && taken.compareAndSet(t, t + 1)) granted.addAndGet(c.consumed());
        else Thread.onSpinWait();
      }
    };
    Thread other = Thread.ofPlatform().start(consumer);
    consumer.run();
    other.join();
    sender.join();
    assertThat(granted.get()).isBetween((long) items - 15, (long) items);
  }

  /**
   * A thread that delivers {@code items} arrivals, each once the sender has credit for it (64
   * ahead of the grants): stranded, and the test timed out, if the grants lag.
   */
  private static Thread startSender(StreamCredit c, int items, AtomicLong arrived, AtomicLong granted) {
    return Thread.ofPlatform().start(() -> {
      for (int i = 0; i < items; i++) {
        while (arrived.get() - granted.get() >= 64) Thread.onSpinWait();
        assertThat(c.arrive()).isEqualTo(StreamCredit.Arrival.QUEUE);
        arrived.incrementAndGet();
      }
    });
  }
}
