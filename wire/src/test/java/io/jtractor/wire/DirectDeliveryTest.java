package io.jtractor.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An in-memory link's writer hands whole messages to the receiving end while its reader waits
 * between frames: one hand-over per message instead of two, and the order kept whatever is
 * declined.
 */
@DisplayName("the in-memory link: messages handed over by the writer")
@Timeout(30)
class DirectDeliveryTest {
  private static final WireChannel.Config CONFIG = new WireChannel.Config(1 << 20, Duration.ofSeconds(5));

  /** What reached the receiving end, and on which thread: "value@thread". */
  private final List<String> trail = new CopyOnWriteArrayList<>();

  /** Takes stream items, declines everything else (as the runtime declines commands). */
  private class TakesYields implements WireChannel.DirectDelivery {
    final List<Boolean> mores = new CopyOnWriteArrayList<>();
    int runs;

    @Override
    public boolean offer(Msg msg, boolean more) {
      if (!(msg instanceof Msg.Yield y)) return false;
      trail.add(y.value() + "@" + Thread.currentThread().getName());
      mores.add(more);
      return true;
    }

    @Override
    public void endOfRun() {
      runs++;
    }
  }

  /** Both ends of a new in-memory link, the receiving one ({@code b}) with {@code bConfig}. */
  private record Link(MemoryConnection.Pair p, WireChannel a, WireChannel b) {
    static Link open(WireChannel.Config bConfig) throws java.io.IOException {
      MemoryConnection.Pair p = MemoryConnection.pair("a", "b");
      return new Link(p, WireChannel.over(p.initiator(), CONFIG), WireChannel.over(p.acceptor(), bConfig));
    }
  }

  private static Msg.Yield item(long v) {
    return new Msg.Yield("c1", v);
  }

  private static Msg.Cmd cmd() {
    return new Msg.Cmd("mod", "f", Map.of(), Uid.random("a"), "c2");
  }

  /** Starts b's reader: every message it reads joins the trail. */
  private Thread startReader(WireChannel b, LinkedBlockingQueue<Msg> read) {
    return Thread.ofPlatform().name("reader").start(() -> {
      try {
        while (true) {
          Msg m = b.receive();
          trail.add((m instanceof Msg.Yield y ? y.value() : m instanceof Msg.Cmd c ? c.func() : m) + "@" + Thread.currentThread().getName());
          read.add(m);
        }
      } catch (WireException.TransportClosed end) {
        // the link closed
      } catch (WireException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  private static void sendFromAThreadNamedWriter(WireChannel a, Msg... msgs) throws InterruptedException {
    Thread writer = Thread.ofPlatform().name("writer").start(() -> {
      try {
        a.send(msgs);
      } catch (WireException e) {
        throw new IllegalStateException(e);
      }
    });
    writer.join();
  }

  /** Closes the writing end; the reader then reads the end of the stream and leaves. */
  private static void closeAndAwaitTheEnd(WireChannel a, Thread reader) throws InterruptedException {
    a.close();
    reader.join(5_000);
    assertThat(reader.isAlive()).isFalse();
  }

  private static void awaitReaderWaiting(MemoryConnection end) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!end.inPipe().readerWaits()) {
      assertThat(System.nanoTime()).as("the reader waits in the pipe").isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  @Test
  void whileTheReaderWaitsTheWriterHandsOverWhatIsAcceptedAndTheReaderTakesTheRestInOrder() throws Exception {
    MemoryConnection.Pair p = MemoryConnection.pair("a", "b");
    WireChannel a = WireChannel.over(p.initiator(), CONFIG);
    WireChannel b = WireChannel.over(p.acceptor(), CONFIG);
    TakesYields direct = new TakesYields();
    assertThat(b.deliverDirectly(direct)).isTrue();
    LinkedBlockingQueue<Msg> read = new LinkedBlockingQueue<>();
    Thread reader = startReader(b, read);
    awaitReaderWaiting(p.acceptor());

    sendFromAThreadNamedWriter(a, item(1), item(2), cmd(), item(3)); // one write: two taken, then a command for the reader
    assertThat(read.poll(5, TimeUnit.SECONDS)).isInstanceOf(Msg.Cmd.class);
    assertThat(read.poll(5, TimeUnit.SECONDS)).isEqualTo(item(3));
    assertThat(trail).containsExactly("1@writer", "2@writer", "f@reader", "3@reader");
    assertThat(direct.mores).as("more bytes follow each of the two taken").containsExactly(true, true);
    assertThat(direct.runs).isEqualTo(1);

    closeAndAwaitTheEnd(a, reader);
  }

  @Test
  void aCloseDuringALendLetsTheReaderReadWhatWasDeclinedThenTheEnd() throws Exception {
    MemoryConnection.Pair p = MemoryConnection.pair("a", "b");
    WireChannel a = WireChannel.over(p.initiator(), CONFIG);
    WireChannel b = WireChannel.over(p.acceptor(), CONFIG);
    java.util.concurrent.CountDownLatch offering = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    TakesYields direct = new TakesYields() {
      @Override
      public boolean offer(Msg msg, boolean more) {
        if (msg instanceof Msg.Yield y && y.value().equals(1L)) {
          offering.countDown();
          try {
            release.await(); // held mid-lend while the link closes
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        }
        return super.offer(msg, more);
      }
    };
    b.deliverDirectly(direct);
    LinkedBlockingQueue<Msg> read = new LinkedBlockingQueue<>();
    Thread reader = startReader(b, read);
    awaitReaderWaiting(p.acceptor());
    Thread writer = Thread.ofPlatform().name("writer").start(() -> {
      try {
        a.send(item(1), cmd(), item(3));
      } catch (WireException e) {
        throw new IllegalStateException(e);
      }
    });
    offering.await();
    a.close(); // both directions end while the writer holds the lend
    assertThat(read.poll(200, TimeUnit.MILLISECONDS)).as("the reader waits for the lend, closed or not").isNull();
    release.countDown();
    writer.join();
    reader.join(5_000);
    assertThat(reader.isAlive()).isFalse();
    assertThat(trail).containsExactly("1@writer", "f@reader", "3@reader");
  }

  @Test
  void aWriteWhileTheReaderIsBusyOrAfterDirectDeliveryStopsGoesThroughTheReader() throws Exception {
    MemoryConnection.Pair p = MemoryConnection.pair("a", "b");
    WireChannel a = WireChannel.over(p.initiator(), CONFIG);
    WireChannel b = WireChannel.over(p.acceptor(), CONFIG);
    TakesYields direct = new TakesYields();
    b.deliverDirectly(direct);
    // No reader waiting yet: the bytes wait in the ring for it.
    sendFromAThreadNamedWriter(a, item(1));
    LinkedBlockingQueue<Msg> read = new LinkedBlockingQueue<>();
    Thread reader = startReader(b, read);
    assertThat(read.poll(5, TimeUnit.SECONDS)).isEqualTo(item(1));
    awaitReaderWaiting(p.acceptor());
    b.deliverDirectly(null);
    a.send(item(2));
    assertThat(read.poll(5, TimeUnit.SECONDS)).isEqualTo(item(2));
    assertThat(trail).containsExactly("1@reader", "2@reader");
    closeAndAwaitTheEnd(a, reader);
  }

  @Test
  void framesLargerThanAWriteArriveWholeAndInOrderWhoeverDeliversThem() throws Exception {
    MemoryConnection.Pair p = MemoryConnection.pair("a", "b");
    WireChannel a = WireChannel.over(p.initiator(), CONFIG);
    WireChannel b = WireChannel.over(p.acceptor(), CONFIG);
    List<Integer> seen = new CopyOnWriteArrayList<>(); // the payload sizes, in arrival order
    b.deliverDirectly(new WireChannel.DirectDelivery() {
      @Override
      public boolean offer(Msg msg, boolean more) {
        byte[] v = (byte[]) ((Msg.Yield) msg).value();
        if (v.length % 5 == 0) return false; // some go through the reader
        seen.add(v.length);
        return true;
      }

      @Override
      public void endOfRun() {}
    });
    Thread reader = Thread.ofVirtual().start(() -> {
      try {
        while (true) seen.add(((byte[]) ((Msg.Yield) b.receive()).value()).length);
      } catch (WireException end) {
        // the link closed
      }
    });
    Random random = new Random(21);
    List<Integer> sent = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      // Sizes around and beyond the write buffer's 64 KiB: a frame then spans several writes
      // into the pipe, and a lend may hold the front of a frame whose rest comes after.
      int size = random.nextInt(3) == 0 ? random.nextInt(200_000) : random.nextInt(300);
      sent.add(size);
      if (random.nextInt(4) == 0) {
        a.send(new Msg.Yield("c1", new byte[size]), new Msg.Yield("c1", new byte[size + 1]));
        sent.add(size + 1);
      } else {
        a.send(new Msg.Yield("c1", new byte[size]));
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (seen.size() < sent.size() && System.nanoTime() < deadline) Thread.onSpinWait();
    assertThat(seen).isEqualTo(sent);
    closeAndAwaitTheEnd(a, reader);
  }

  @Test
  void aLongRunOfItemsArrivesOnceEachAndInOrderWhoeverDeliversEach() throws Exception {
    MemoryConnection.Pair p = MemoryConnection.pair("a", "b");
    WireChannel a = WireChannel.over(p.initiator(), CONFIG);
    WireChannel b = WireChannel.over(p.acceptor(), CONFIG);
    List<Long> seen = new CopyOnWriteArrayList<>();
    b.deliverDirectly(new WireChannel.DirectDelivery() {
      @Override
      public boolean offer(Msg msg, boolean more) {
        long v = (Long) ((Msg.Yield) msg).value();
        if (v % 7 == 0) return false; // every seventh goes through the reader
        seen.add(v);
        return true;
      }

      @Override
      public void endOfRun() {}
    });
    Thread reader = Thread.ofVirtual().start(() -> {
      try {
        while (true) seen.add((Long) ((Msg.Yield) b.receive()).value());
      } catch (WireException end) {
        // the link closed
      }
    });
    int n = 20_000;
    // One writer at a time, as the wire's rule is; a burst of frames in one write now and then,
    // single items in between.
    for (long i = 0; i < n; ) {
      if (i % 1000 == 0 && i + 500 <= n) {
        Msg[] burst = new Msg[500];
        for (int k = 0; k < burst.length; k++) burst[k] = new Msg.Yield("c1", i + k);
        a.send(burst);
        i += 500;
      } else {
        a.send(new Msg.Yield("c1", i++));
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (seen.size() < n && System.nanoTime() < deadline) Thread.onSpinWait();
    assertThat(seen).hasSize(n);
    for (int i = 0; i < n; i++) assertThat(seen.get(i)).isEqualTo(i);
    closeAndAwaitTheEnd(a, reader);
  }

  @Test
  void streamItemsInTheirDecodedFormAreHandedOverAsTheyAreAndWhatIsDeclinedIsReadNextInOrder() throws Exception {
    Link link = Link.open(CONFIG);
    MemoryConnection.Pair p = link.p();
    WireChannel a = link.a();
    WireChannel b = link.b();
    List<Msg> handed = new CopyOnWriteArrayList<>();
    TakesYields direct = new TakesYields() {
      @Override
      public boolean offer(Msg msg, boolean more) {
        if (msg instanceof Msg.Yield y && y.value().equals(3L)) return false; // 3 and what follows: the reader's
        handed.add(msg);
        return super.offer(msg, more);
      }
    };
    b.deliverDirectly(direct);
    assertThat(a.canSendDirect()).isTrue();
    LinkedBlockingQueue<Msg> read = new LinkedBlockingQueue<>();
    Thread reader = startReader(b, read);
    awaitReaderWaiting(p.acceptor());

    List<Msg.Yield> items = List.of(item(1), new Msg.Yield("c1", "two"), item(3), item(4));
    boolean[] sent = {false};
    Thread writer = Thread.ofPlatform().name("writer").start(() -> sent[0] = a.sendDirect(items));
    writer.join();
    assertThat(sent[0]).isTrue();
    assertThat(read.poll(5, TimeUnit.SECONDS)).isEqualTo(item(3));
    assertThat(read.poll(5, TimeUnit.SECONDS)).isEqualTo(item(4));
    assertThat(handed.get(0)).as("the very item, not a copy: it is immutable").isSameAs(items.get(0));
    assertThat(trail).containsExactly("1@writer", "two@writer", "3@reader", "4@reader");
    assertThat(direct.mores).containsExactly(true, true);
    assertThat(direct.runs).isEqualTo(1);

    // With no taker (the loop stopped direct delivery), nothing is sent: the caller sends them encoded.
    b.deliverDirectly(null);
    a.send(item(5));
    assertThat(read.poll(5, TimeUnit.SECONDS)).isEqualTo(item(5));
    awaitReaderWaiting(p.acceptor());
    assertThat(a.sendDirect(List.of(item(6)))).as("no taker: the loop stopped direct delivery").isFalse();
    closeAndAwaitTheEnd(a, reader);
  }

  @Test
  void onlyADecodedFormIsHandedOverAndOnlyOnAnInMemoryLink() throws Exception {
    MemoryConnection.Pair p = MemoryConnection.pair("a", "b");
    WireChannel a = WireChannel.over(p.initiator(), CONFIG);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> a.sendDirect(List.of(item(1), new Msg.Yield("c1", new ArrayList<>(List.of(1L))))))
        .as("a mutable list would be shared").isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> a.sendDirect(List.of(new Msg.Yield("c1", 1))))
        .as("an Integer arrives as a Long: its decoded form differs").isInstanceOf(IllegalArgumentException.class);
    assertThat(a.sendDirect(List.of())).isFalse();
    a.close();
    try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        WireChannel tcp = WireChannel.connect(new java.net.InetSocketAddress(server.getInetAddress(), server.getLocalPort()), CONFIG);
        java.net.Socket accepted = server.accept()) {
      assertThat(tcp.canSendDirect()).isFalse();
      assertThat(tcp.sendDirect(List.of(item(1)))).isFalse();
    }
  }

  @Test
  void aReceivingEndWithASmallFrameLimitIsLentNoDecodedForms() throws Exception {
    Link link = Link.open(new WireChannel.Config(1024, Duration.ofSeconds(5)));
    MemoryConnection.Pair p = link.p();
    WireChannel a = link.a();
    WireChannel b = link.b();
    TakesYields direct = new TakesYields();
    b.deliverDirectly(direct);
    LinkedBlockingQueue<Msg> read = new LinkedBlockingQueue<>();
    Thread reader = startReader(b, read);
    awaitReaderWaiting(p.acceptor());
    assertThat(a.sendDirect(List.of(item(1)))).as("nothing lent: the caller sends it encoded").isFalse();
    assertThat(trail).isEmpty();
    assertThat(p.acceptor().inPipe().readerWaits()).as("the reader waits on, not held by a lend").isTrue();
    closeAndAwaitTheEnd(a, reader);
  }
}
