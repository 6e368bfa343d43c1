package io.jtractor.sc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("BatchReceiver: a receive end that takes a batch under one lock")
class BatchReceiverTest {

  /** Waits (bounded) until the channel's statistics show the condition. */
  private static void awaitStats(MemoryChannel<?> ch, java.util.function.Predicate<MemoryChannel.Statistics> ok) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!ok.test(ch.sender().statistics())) {
      if (System.nanoTime() > deadline) throw new AssertionError("channel never reached state; now " + ch.sender().statistics());
      Thread.yield();
    }
  }

  @Test
  void itemsComeOutInTheOrderTheyWereSentUnboundedOnesAmongThem() {
    MemoryChannel<Object> ch = MemoryChannel.open(4, item -> item instanceof Integer);
    BatchReceiver<Object> batch = ch.receiver().batched(64);
    for (Object o : List.of(1, "a", 2, "b", 3)) ch.sender().send(o);
    List<Object> got = new ArrayList<>();
    for (int i = 0; i < 5; i++) got.add(batch.receive());
    assertThat(got).containsExactly(1, "a", 2, "b", 3);
    assertThat(batch.tryReceive()).isNull();
  }

  /** The bound holds exactly: items taken into the batch count until handed out, not until taken in. */
  @Test
  void itemsInTheBatchCountAgainstTheBoundUntilHandedOut() {
    MemoryChannel<Integer> ch = MemoryChannel.open(4);
    BatchReceiver<Integer> batch = ch.receiver().batched(64);
    for (int i = 1; i <= 4; i++) ch.sender().send(i);
    assertThat(batch.receive()).isEqualTo(1); // the batch took all four; three are still held
    assertThat(ch.sender().trySend(5)).as("room for the one handed out").isTrue();
    assertThat(ch.sender().trySend(6)).as("no more: three held, one buffered").isFalse();
    assertThat(batch.receive()).isEqualTo(2);
    assertThat(ch.sender().trySend(6)).isTrue();
    assertThat(ch.sender().trySend(7)).isFalse();
    List<Integer> rest = new ArrayList<>();
    for (int i = 0; i < 4; i++) rest.add(batch.receive());
    assertThat(rest).containsExactly(3, 4, 5, 6);
  }

  /**
   * A sender waiting for room the batch holds gets in although the receiver, having taken an item
   * out, waits elsewhere (here, for that very sender) and never comes back to the channel: with
   * the room known only at the receiver's next fill, this would wait for ever.
   */
  @Test
  void aSenderGetsRoomTheBatchFreedWhileTheReceiverWaitsElsewhere() {
    MemoryChannel<Integer> ch = MemoryChannel.open(2);
    BatchReceiver<Integer> batch = ch.receiver().batched(64);
    ch.sender().send(1);
    ch.sender().send(2);
    Event sent = new Event();
    Trail trail = new Trail();
    Nursery.run(n -> {
      n.startSoon(() -> {
        ch.sender().send(3);
        trail.add("sent 3");
        sent.set();
      });
      awaitStats(ch, s -> s.tasksWaitingSend() == 1);
      trail.add("got " + batch.receive()); // the batch takes 1 and 2; handing out 1 frees one place
      sent.await();
      trail.add("then " + batch.receive() + ", " + batch.receive());
    });
    // The send ended while the receiver waited for it, away from the channel (before "then").
    assertThat(trail.events()).containsSubsequence("sent 3", "then 2, 3").contains("got 1").hasSize(3);
  }

  @Test
  void aCancelledReceiveLosesNoItem() {
    MemoryChannel<Integer> ch = MemoryChannel.open(8);
    BatchReceiver<Integer> batch = ch.receiver().batched(64);
    ch.sender().send(1);
    ch.sender().send(2);
    assertThat(batch.receive()).isEqualTo(1); // 2 waits in the batch
    CancelScope scope = CancelScope.create();
    scope.cancel();
    scope.run(s -> batch.receive());
    assertThat(scope.cancelledCaught()).as("a receive is a checkpoint, items at hand or not").isTrue();
    assertThat(batch.receive()).isEqualTo(2);
  }

  /** Items flow through a small buffer while the receiver is cancelled at random points: none lost, none out of order. */
  @Test
  void aStreamThroughASmallBufferArrivesWholeAcrossCancelledReceives() {
    MemoryChannel<Integer> ch = MemoryChannel.open(8);
    BatchReceiver<Integer> batch = ch.receiver().batched(5);
    List<Integer> got = new CopyOnWriteArrayList<>();
    int count = 20_000;
    Nursery.run(n -> {
      n.startSoon(() -> {
        for (int i = 0; i < count; i++) ch.sender().send(i);
        ch.sender().close();
      });
      for (int round = 0; ; round++) {
        long deadline = Sc.currentTime() + 20_000L * (round % 5);
        boolean[] ended = {false};
        Sc.moveOnAt(deadline, s -> {
          try {
            while (true) got.add(batch.receive());
          } catch (EndOfChannel end) {
            ended[0] = true;
          }
        });
        if (ended[0]) break;
      }
    });
    assertThat(got).hasSize(count);
    for (int i = 0; i < count; i++) assertThat(got.get(i)).isEqualTo(i);
  }

  @Test
  void theEndComesAfterEverythingSent() {
    MemoryChannel<String> ch = MemoryChannel.open(4);
    BatchReceiver<String> batch = ch.receiver().batched(2);
    ch.sender().send("a");
    ch.sender().send("b");
    ch.sender().send("c");
    ch.sender().close();
    assertThat(List.of(batch.receive(), batch.receive(), batch.receive())).containsExactly("a", "b", "c");
    assertThatThrownBy(batch::receive).isInstanceOf(EndOfChannel.class);
    assertThatThrownBy(batch::tryReceive).isInstanceOf(EndOfChannel.class);
  }

  /** Closing the end breaks a sender waiting for room, as with a plain receive end. */
  @Test
  void closingTheEndBreaksAWaitingSender() {
    MemoryChannel<String> ch = MemoryChannel.open(1);
    BatchReceiver<String> batch = ch.receiver().batched(8);
    ch.sender().send("a");
    Trail trail = new Trail();
    Nursery.run(n -> {
      n.startSoon(() -> {
        try {
          ch.sender().send("b"); // waits: "a" fills the buffer
        } catch (BrokenResourceError e) {
          trail.add("sender broke");
        }
      });
      awaitStats(ch, s -> s.tasksWaitingSend() == 1);
      ch.receiver().close();
    });
    assertThat(trail.events()).containsExactly("sender broke");
    assertThatThrownBy(batch::receive).isInstanceOf(ClosedResourceError.class);
  }

  @Test
  void aClosedEndDropsWhatItsBatchHolds() {
    MemoryChannel<String> ch = MemoryChannel.open(4);
    BatchReceiver<String> batch = ch.receiver().batched(8);
    ch.sender().send("a");
    ch.sender().send("b");
    assertThat(batch.receive()).isEqualTo("a"); // "b" waits in the batch
    ch.receiver().close();
    assertThatThrownBy(batch::receive).isInstanceOf(ClosedResourceError.class);
  }

  @Test
  void oneBatchPerChannelOfOneItemAtLeast() {
    MemoryChannel<String> ch = MemoryChannel.open(4);
    assertThatThrownBy(() -> ch.receiver().batched(0)).isInstanceOf(IllegalArgumentException.class);
    ch.receiver().batched(1);
    assertThatThrownBy(() -> ch.receiver().batched(1)).isInstanceOf(IllegalStateException.class);
    ch.receiver().close();
    assertThatThrownBy(() -> ch.receiver().batched(1)).isInstanceOf(ClosedResourceError.class);
  }
}
