package io.jtractor.sc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("MemoryChannel: trio's memory channels")
class MemoryChannelTest {

  /** Waits (bounded) until the channel's statistics show the condition. */
  private static void awaitStats(MemoryChannel<?> ch, java.util.function.Predicate<MemoryChannel.Statistics> ok) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!ok.test(ch.sender().statistics())) {
      if (System.nanoTime() > deadline) throw new AssertionError("channel never reached state; now " + ch.sender().statistics());
      Thread.yield();
    }
  }

  @Test
  void aRendezvousSendWaitsForAReceiver() {
    Trail trail = new Trail();
    MemoryChannel<String> ch = MemoryChannel.open(0);
    Nursery.run(
        n -> {
          n.startSoon(
              () -> {
                trail.add("sending");
                ch.sender().send("hello");
                trail.add("sent");
              });
          awaitStats(ch, s -> s.tasksWaitingSend() == 1);
          trail.add("receiving");
          trail.add("got " + ch.receiver().receive());
        });
    assertThat(trail.events()).containsSubsequence("sending", "receiving", "got hello");
    assertThat(trail.events()).containsSubsequence("sending", "receiving", "sent");
  }

  @Test
  void aRendezvousTrySendSucceedsOnlyWhenAReceiverWaits() {
    MemoryChannel<String> ch = MemoryChannel.open(0);
    assertThat(ch.sender().trySend("nobody listening")).isFalse();
    List<String> got = new CopyOnWriteArrayList<>();
    Nursery.run(
        n -> {
          n.startSoon(() -> got.add(ch.receiver().receive()));
          awaitStats(ch, s -> s.tasksWaitingReceive() == 1);
          assertThat(ch.sender().trySend("now")).isTrue();
        });
    assertThat(got).containsExactly("now");
  }

  /**
   * A bound on some items only: numbers wait for room, strings (say, control messages) never wait,
   * are never counted, and go ahead of a number whose sender waits; everything is received in the
   * order it entered the channel.
   */
  @Test
  void aBoundOnSomeItemsLetsTheOthersThroughWithoutWaiting() {
    MemoryChannel<Object> ch = MemoryChannel.open(2, item -> item instanceof Integer);
    ch.sender().send(1);
    ch.sender().send("a");
    ch.sender().send(2);
    ch.sender().send("b"); // the buffer is full of numbers; a string still goes in
    assertThat(ch.sender().trySend(3)).as("a third number: no room").isFalse();
    assertThat(ch.sender().statistics().currentBufferUsed()).isEqualTo(4);
    Trail trail = new Trail();
    List<Object> got = new ArrayList<>();
    Nursery.run(
        n -> {
          n.startSoon(
              () -> {
                ch.sender().send(3);
                trail.add("3 sent");
              });
          awaitStats(ch, st -> st.tasksWaitingSend() == 1);
          ch.sender().send("c"); // goes ahead of the waiting 3, which is not in the channel yet
          trail.add("c sent");
          got.add(ch.receiver().receive()); // 1: room for the waiting 3
        });
    assertThat(trail.events()).containsExactly("c sent", "3 sent");
    for (int i = 0; i < 5; i++) got.add(ch.receiver().receive());
    assertThat(got).containsExactly(1, "a", 2, "b", "c", 3);
  }

  @Test
  void resizingLetsWaitingSendersInFirstComeFirstOrMakesSendsWait() {
    MemoryChannel<Integer> ch = MemoryChannel.open(1);
    ch.sender().send(1);
    Trail trail = new Trail();
    Nursery.run(
        n -> {
          for (int i = 2; i <= 3; i++) {
            int item = i;
            n.startSoon(
                () -> {
                  ch.sender().send(item);
                  trail.add(item + " sent");
                });
            awaitStats(ch, st -> st.tasksWaitingSend() == item - 1);
          }
          ch.receiver().resize(3);
        });
    // Both are let go at once; which of the two woken tasks records it first is theirs to race.
    // First come, first in is the buffer's order, received below.
    assertThat(trail.events()).containsExactlyInAnyOrder("2 sent", "3 sent");
    assertThat(ch.receiver().statistics().maxBufferSize()).isEqualTo(3);
    ch.receiver().resize(1);
    assertThat(ch.sender().trySend(4)).as("three buffered, room for one").isFalse();
    assertThat(List.of(ch.receiver().receive(), ch.receiver().receive(), ch.receiver().receive())).containsExactly(1, 2, 3);
    assertThat(ch.sender().trySend(4)).isTrue();
    assertThatThrownBy(() -> ch.receiver().resize(-1)).isInstanceOf(IllegalArgumentException.class);
    ch.receiver().close();
    assertThatThrownBy(() -> ch.receiver().resize(2)).isInstanceOf(ClosedResourceError.class);
  }

  @Test
  void aBufferedSendBlocksOnlyWhenFull() {
    MemoryChannel<Integer> ch = MemoryChannel.open(2);
    ch.sender().send(1);
    ch.sender().send(2);
    assertThat(ch.sender().trySend(3)).isFalse();
    assertThat(ch.sender().statistics())
        .isEqualTo(new MemoryChannel.Statistics(2, 2, 1, 1, 0, 0));
    Trail trail = new Trail();
    Nursery.run(
        n -> {
          n.startSoon(
              () -> {
                ch.sender().send(3);
                trail.add("third sent");
              });
          awaitStats(ch, s -> s.tasksWaitingSend() == 1);
          trail.add("receive " + ch.receiver().receive());
        });
    assertThat(trail.events()).containsExactlyInAnyOrder("receive 1", "third sent");
    assertThat(ch.receiver().receive()).isEqualTo(2);
    assertThat(ch.receiver().receive()).isEqualTo(3);
  }

  @Test
  void anUnboundedChannelNeverBlocksASender() {
    MemoryChannel<Integer> ch = MemoryChannel.open(MemoryChannel.UNBOUNDED);
    for (int i = 0; i < 10_000; i++) {
      assertThat(ch.sender().trySend(i)).isTrue();
    }
    assertThat(ch.receiver().statistics().currentBufferUsed()).isEqualTo(10_000);
    assertThat(ch.receiver().receive()).isZero();
  }

  @ParameterizedTest(name = "buffer {0}")
  @ValueSource(ints = {0, 1, 64, MemoryChannel.UNBOUNDED})
  void itemsArriveInOrderAndIterationEndsWhenTheSenderCloses(int buffer) {
    MemoryChannel<Integer> ch = MemoryChannel.open(buffer);
    List<Integer> got = new ArrayList<>();
    Nursery.run(
        n -> {
          n.startSoon(
              () -> {
                try (SendChannel<Integer> tx = ch.sender()) {
                  for (int i = 0; i < 1000; i++) tx.send(i);
                }
              });
          for (int i : ch.receiver()) got.add(i);
        });
    assertThat(got).hasSize(1000).isSorted();
  }

  @Test
  void receiversDrainTheBufferBeforeSeeingTheEnd() {
    MemoryChannel<String> ch = MemoryChannel.open(4);
    ch.sender().send("a");
    ch.sender().send("b");
    ch.sender().close();
    assertThat(ch.receiver().receive()).isEqualTo("a");
    assertThat(ch.receiver().tryReceive()).isEqualTo("b");
    assertThatThrownBy(() -> ch.receiver().receive()).isInstanceOf(EndOfChannel.class);
    assertThatThrownBy(() -> ch.receiver().tryReceive()).isInstanceOf(EndOfChannel.class);
    assertThat(ch.receiver().receiveOrClosed()).isNull();
  }

  @Test
  void tryReceiveReturnsNullWhenNothingIsReady() {
    MemoryChannel<String> ch = MemoryChannel.open(1);
    assertThat(ch.receiver().tryReceive()).isNull();
  }

  @Test
  void theChannelEndsOnlyWhenEveryClonedSenderIsClosed() {
    MemoryChannel<String> ch = MemoryChannel.open(10);
    SendChannel<String> second = ch.sender().clone();
    ch.sender().close();
    second.send("still open");
    assertThat(ch.receiver().receive()).isEqualTo("still open");
    assertThat(ch.receiver().statistics().openSendChannels()).isEqualTo(1);
    second.close();
    assertThat(ch.receiver().receiveOrClosed()).isNull();
  }

  @Test
  void clonedReceiversShareTheItems() {
    MemoryChannel<Integer> ch = MemoryChannel.open(0);
    List<Integer> a = new CopyOnWriteArrayList<>();
    List<Integer> b = new CopyOnWriteArrayList<>();
    Nursery.run(
        n -> {
          ReceiveChannel<Integer> rx2 = ch.receiver().clone();
          n.startSoon(() -> ch.receiver().forEach(a::add));
          n.startSoon(() -> rx2.forEach(b::add));
          try (SendChannel<Integer> tx = ch.sender()) {
            for (int i = 0; i < 100; i++) tx.send(i);
          }
        });
    List<Integer> all = new ArrayList<>(a);
    all.addAll(b);
    assertThat(all).containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, 100).boxed().toList());
  }

  @Nested
  @DisplayName("closing")
  class Closing {

    @Test
    void sendingWhenEveryReceiverIsClosedIsBroken() {
      MemoryChannel<String> ch = MemoryChannel.open(5);
      ch.sender().send("dropped");
      ch.receiver().close();
      assertThat(ch.sender().statistics().currentBufferUsed()).isZero();
      assertThatThrownBy(() -> ch.sender().send("x")).isInstanceOf(BrokenResourceError.class);
      assertThatThrownBy(() -> ch.sender().trySend("x")).isInstanceOf(BrokenResourceError.class);
      assertThat(ch.sender().sendOrClosed("x")).isFalse();
    }

    @Test
    void sendersBlockedWhenTheLastReceiverClosesAreBroken() {
      MemoryChannel<Integer> ch = MemoryChannel.open(1);
      ch.sender().send(0);
      Trail trail = new Trail();
      Nursery.run(
          n -> {
            for (int i = 1; i <= 3; i++) {
              int item = i;
              SendChannel<Integer> tx = ch.sender().clone();
              n.startSoon(
                  () -> {
                    try {
                      tx.send(item);
                    } catch (BrokenResourceError e) {
                      trail.add("broken");
                    }
                  });
            }
            awaitStats(ch, s -> s.tasksWaitingSend() == 3);
            ch.receiver().close();
          });
      assertThat(trail.events()).containsExactly("broken", "broken", "broken");
    }

    @Test
    void aSenderBlockedOnAnEndThatIsClosedGetsClosedResourceError() {
      MemoryChannel<Integer> ch = MemoryChannel.open(0);
      Trail trail = new Trail();
      SendChannel<Integer> tx = ch.sender().clone();
      Nursery.run(
          n -> {
            n.startSoon(
                () -> {
                  try {
                    tx.send(1);
                  } catch (ClosedResourceError e) {
                    trail.add("closed under me");
                  }
                });
            awaitStats(ch, s -> s.tasksWaitingSend() == 1);
            tx.close();
          });
      assertThat(trail.events()).containsExactly("closed under me");
      assertThat(ch.receiver().tryReceive()).isNull(); // the item was not delivered
    }

    @Test
    void aReceiverBlockedOnAnEndThatIsClosedGetsClosedResourceError() {
      MemoryChannel<Integer> ch = MemoryChannel.open(0);
      Trail trail = new Trail();
      ReceiveChannel<Integer> rx = ch.receiver().clone();
      Nursery.run(
          n -> {
            n.startSoon(
                () -> {
                  try {
                    rx.receive();
                  } catch (ClosedResourceError e) {
                    trail.add("closed under me");
                  }
                });
            awaitStats(ch, s -> s.tasksWaitingReceive() == 1);
            rx.close();
          });
      assertThat(trail.events()).containsExactly("closed under me");
    }

    @Test
    void receiversBlockedWhenTheLastSenderClosesSeeTheEnd() {
      MemoryChannel<Integer> ch = MemoryChannel.open(0);
      Trail trail = new Trail();
      Nursery.run(
          n -> {
            n.startSoon(() -> {
              for (int i : ch.receiver()) trail.add("got " + i);
              trail.add("ended");
            });
            awaitStats(ch, s -> s.tasksWaitingReceive() == 1);
            ch.sender().close();
          });
      assertThat(trail.events()).containsExactly("ended");
    }

    @Test
    void usingAClosedEndIsAnError() {
      MemoryChannel<String> ch = MemoryChannel.open(1);
      ch.sender().close();
      ch.sender().close(); // idempotent
      assertThatThrownBy(() -> ch.sender().send("x")).isInstanceOf(ClosedResourceError.class);
      assertThatThrownBy(() -> ch.sender().clone()).isInstanceOf(ClosedResourceError.class);
      ch.receiver().close();
      assertThatThrownBy(() -> ch.receiver().receive()).isInstanceOf(ClosedResourceError.class);
      assertThatThrownBy(() -> ch.receiver().tryReceive()).isInstanceOf(ClosedResourceError.class);
      assertThatThrownBy(() -> ch.receiver().clone()).isInstanceOf(ClosedResourceError.class);
    }

    @Test
    void badArgumentsAreRejected() {
      assertThatThrownBy(() -> MemoryChannel.open(-1)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> MemoryChannel.open(1).sender().send(null)).isInstanceOf(NullPointerException.class);
    }
  }

  @Nested
  @DisplayName("cancellation")
  class Cancellation {

    @Test
    void aCancelledSendDeliversNothing() {
      MemoryChannel<String> ch = MemoryChannel.open(0);
      CancelScope scope = Sc.moveOnAfter(Duration.ofMillis(20), s -> ch.sender().send("never"));
      assertThat(scope.cancelledCaught()).isTrue();
      assertThat(ch.sender().statistics().tasksWaitingSend()).isZero();
      assertThat(ch.receiver().tryReceive()).isNull();
    }

    @Test
    void aCancelledReceiveLosesNoItem() {
      MemoryChannel<Integer> ch = MemoryChannel.open(MemoryChannel.UNBOUNDED);
      List<Integer> got = new CopyOnWriteArrayList<>();
      Nursery.run(
          n -> {
            // Receivers that come and go (cancelled at random points) while items flow.
            n.startSoon(() -> {
              for (int i = 0; i < 2000; i++) ch.sender().send(i);
              ch.sender().close();
            });
            for (int round = 0; ; round++) {
              long deadline = Sc.currentTime() + 50_000L * (round % 5);
              boolean[] ended = {false};
              Sc.moveOnAt(deadline, s -> {
                Integer v;
                while ((v = ch.receiver().receiveOrClosed()) != null) got.add(v);
                ended[0] = true;
              });
              if (ended[0]) break;
            }
          });
      assertThat(got).hasSize(2000).isSorted();
    }

    @Test
    void aCancelledSenderSeesItsCancellationRatherThanTheReceiversLeaving() {
      // The receivers close their ends as they are cancelled; the blocked sender is cancelled by
      // the same scope and must see Cancelled, not BrokenResourceError (which would be a failure).
      for (int round = 0; round < 50; round++) {
        MemoryChannel<Integer> ch = MemoryChannel.open(0);
        CancelScope scope = CancelScope.create();
        scope.run(
            s ->
                Nursery.run(
                    n -> {
                      n.startSoon(() -> {
                        while (true) ch.sender().send(1);
                      });
                      ReceiveChannel<Integer> rx = ch.receiver();
                      n.startSoon(() -> {
                        try (rx) {
                          Sc.sleepForever();
                        }
                      });
                      awaitStats(ch, st -> st.tasksWaitingSend() == 1);
                      s.cancel();
                    }));
        assertThat(scope.cancelledCaught()).isTrue();
      }
    }

    @Test
    void waitersAreServedFirstComeFirstServed() {
      MemoryChannel<Integer> ch = MemoryChannel.open(0);
      List<String> order = new CopyOnWriteArrayList<>();
      Nursery.run(
          n -> {
            for (int i = 0; i < 3; i++) {
              String who = "receiver " + i;
              n.startSoon(() -> order.add(who + " got " + ch.receiver().receive()));
              int waiting = i + 1;
              awaitStats(ch, s -> s.tasksWaitingReceive() == waiting);
            }
            for (int i = 0; i < 3; i++) ch.sender().send(i);
          });
      assertThat(order).containsExactlyInAnyOrder("receiver 0 got 0", "receiver 1 got 1", "receiver 2 got 2");
    }
  }

  @Nested
  @DisplayName("receiveSpinning")
  class ReceiveSpinning {
    @Test
    void takesWhatIsBufferedAtOnce() {
      MemoryChannel<String> ch = MemoryChannel.open(4);
      ch.sender().send("ready");
      assertThat(ch.receiver().receiveSpinning(200_000)).isEqualTo("ready");
    }

    @Test
    void getsAnItemSentWhileItSpinsOrAfterItParked() {
      for (long spin : new long[] {0, 200_000, 1_000_000_000L}) {
        MemoryChannel<String> ch = MemoryChannel.open(0);
        Nursery.run(n -> {
          n.startSoon(() -> {
            Sc.sleep(Duration.ofMillis(20));
            ch.sender().send("late");
          });
          assertThat(ch.receiver().receiveSpinning(spin)).isEqualTo("late");
        });
      }
    }

    @Test
    void endsAtTheEndOfTheChannelAndRefusesANegativeSpin() {
      MemoryChannel<String> ch = MemoryChannel.open(0);
      assertThatThrownBy(() -> ch.receiver().receiveSpinning(-1)).isInstanceOf(IllegalArgumentException.class);
      ch.sender().close();
      assertThatThrownBy(() -> ch.receiver().receiveSpinning(100_000)).isInstanceOf(EndOfChannel.class);
    }
  }

  @Nested
  @DisplayName("trySendAll: a batch under one hold of the lock")
  class TrySendAll {
    @Test
    void aWaitingReceiverGetsTheFirstAndTheRestAreBufferedInOrder() {
      MemoryChannel<String> ch = MemoryChannel.open(MemoryChannel.UNBOUNDED);
      List<String> got = new CopyOnWriteArrayList<>();
      Nursery.run(n -> {
        n.startSoon(() -> {
          for (int i = 0; i < 4; i++) got.add(ch.receiver().receive());
        });
        awaitStats(ch, s -> s.tasksWaitingReceive() == 1);
        assertThat(ch.sender().trySendAll(List.of("a", "b", "c", "d"))).isEqualTo(4);
      });
      assertThat(got).containsExactly("a", "b", "c", "d");
    }

    @Test
    void aBoundedChannelTakesWhatFitsAndSaysHowMany() {
      MemoryChannel<String> ch = MemoryChannel.open(2);
      assertThat(ch.sender().trySendAll(List.of("a", "b", "c"))).isEqualTo(2);
      assertThat(ch.receiver().receive()).isEqualTo("a");
      assertThat(ch.sender().trySendAll(List.of("c"))).isEqualTo(1);
      assertThat(ch.receiver().receive()).isEqualTo("b");
      assertThat(ch.receiver().receive()).isEqualTo("c");
    }

    @Test
    void aClosedOrBrokenChannelTakesNothing() {
      MemoryChannel<String> broken = MemoryChannel.open(10);
      broken.receiver().close();
      assertThatThrownBy(() -> broken.sender().trySendAll(List.of("x"))).isInstanceOf(BrokenResourceError.class);
      MemoryChannel<String> closed = MemoryChannel.open(10);
      closed.sender().close();
      assertThatThrownBy(() -> closed.sender().trySendAll(List.of("x"))).isInstanceOf(ClosedResourceError.class);
      assertThat(closed.receiver().statistics().currentBufferUsed()).isZero();
    }
  }
}
