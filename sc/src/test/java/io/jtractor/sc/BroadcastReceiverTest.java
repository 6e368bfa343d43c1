package io.jtractor.sc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Ported from tractor's test_task_broadcasting (the parts about broadcast_receiver itself). */
@DisplayName("BroadcastReceiver: one source, many local subscribers")
class BroadcastReceiverTest {

  @Test
  void everySubscriberSeesEveryValueThenTheEnd() {
    MemoryChannel<Integer> ch = MemoryChannel.open(0);
    // A window as large as the run: nobody can lag (lagging has its own tests below).
    BroadcastReceiver<Integer> first = BroadcastReceiver.over(ch.receiver()::receive, 128, true);
    List<List<Integer>> seen = new ArrayList<>();
    Nursery.run(n -> {
      List<BroadcastReceiver<Integer>> subs = new ArrayList<>(List.of(first));
      for (int i = 0; i < 4; i++) subs.add(first.subscribe());
      for (BroadcastReceiver<Integer> sub : subs) {
        List<Integer> mine = new CopyOnWriteArrayList<>();
        seen.add(mine);
        n.startSoon(() -> {
          for (Integer v : sub) mine.add(v);
        });
      }
      try (SendChannel<Integer> tx = ch.sender()) {
        for (int i = 0; i < 100; i++) tx.send(i);
      }
    });
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < 100; i++) all.add(i);
    assertThat(seen).hasSize(5).allSatisfy(l -> assertThat(l).isEqualTo(all));
  }

  @Test
  void aSubscriberThatFallsBehindTheWindowGetsLaggedThenResumesAtTheOldest() {
    MemoryChannel<Integer> ch = MemoryChannel.open(MemoryChannel.UNBOUNDED);
    for (int i = 0; i < 10; i++) ch.sender().send(i);
    BroadcastReceiver<Integer> fast = BroadcastReceiver.over(ch.receiver()::receive, 4, true);
    BroadcastReceiver<Integer> slow = fast.subscribe();
    for (int i = 0; i < 10; i++) assertThat(fast.receive()).isEqualTo(i);
    assertThatThrownBy(slow::receive).isInstanceOf(Lagged.class).satisfies(e -> assertThat(((Lagged) e).lost()).isEqualTo(6));
    assertThat(slow.receive()).isEqualTo(6); // the oldest value still in the window
  }

  @Test
  void withoutRaiseOnLagALaggingSubscriberJustSkipsAhead() {
    MemoryChannel<Integer> ch = MemoryChannel.open(MemoryChannel.UNBOUNDED);
    for (int i = 0; i < 10; i++) ch.sender().send(i);
    BroadcastReceiver<Integer> fast = BroadcastReceiver.over(ch.receiver()::receive, 4, true);
    BroadcastReceiver<Integer> slow = fast.subscribe(false);
    for (int i = 0; i < 10; i++) fast.receive();
    assertThat(slow.receive()).isEqualTo(6);
  }

  @Test
  void aCancelledReaderHandsTheReadingToAnotherSubscriber() {
    MemoryChannel<Integer> ch = MemoryChannel.open(0);
    BroadcastReceiver<Integer> a = BroadcastReceiver.over(ch.receiver()::receive, 4, true);
    BroadcastReceiver<Integer> b = a.subscribe();
    List<Object> trail = new CopyOnWriteArrayList<>();
    Nursery.run(n -> {
      CancelScope aScope = CancelScope.create();
      n.startSoon(() -> aScope.run(s -> trail.add("a got " + a.receive())));
      Sc.sleep(Duration.ofMillis(50)); // a is the reader now, b will wait on it
      n.startSoon(() -> trail.add("b got " + b.receive()));
      Sc.sleep(Duration.ofMillis(50));
      aScope.cancel();
      Sc.sleep(Duration.ofMillis(50));
      ch.sender().send(7);
    });
    assertThat(trail).containsExactly("b got 7");
  }

  @Test
  void closedSubscribersRefuseToReceiveOrSubscribe() {
    MemoryChannel<Integer> ch = MemoryChannel.open(1);
    BroadcastReceiver<Integer> a = BroadcastReceiver.over(ch.receiver()::receive, 4, true);
    BroadcastReceiver<Integer> b = a.subscribe();
    assertThat(a.subscribers()).isEqualTo(2);
    b.close();
    b.close(); // idempotent
    assertThat(a.subscribers()).isEqualTo(1);
    assertThatThrownBy(b::receive).isInstanceOf(ClosedResourceError.class);
    assertThatThrownBy(b::subscribe).isInstanceOf(ClosedResourceError.class);
    assertThatThrownBy(() -> BroadcastReceiver.over(ch.receiver()::receive, 0, true)).isInstanceOf(IllegalArgumentException.class);
  }
}
