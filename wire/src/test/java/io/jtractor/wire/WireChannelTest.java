package io.jtractor.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WireChannelTest {

  private static final WireChannel.Config SMALL = new WireChannel.Config(1024, Duration.ofSeconds(2));

  @Test
  void bothSidesHandshakeAndExchangeMessages() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Uid a = Uid.random("a");
      Uid b = Uid.random("b");
      CompletableFuture<WireChannel> accepted = new CompletableFuture<>();
      Thread.ofVirtual().start(() -> {
        try {
          WireChannel ch = WireChannel.wrap(server.accept(), SMALL);
          ch.handshake(b, HandshakeAuth.NONE);
          accepted.complete(ch);
        } catch (Exception e) {
          accepted.completeExceptionally(e);
        }
      });
      try (WireChannel client = WireChannel.connect((InetSocketAddress) server.getLocalSocketAddress(), SMALL);
          WireChannel srv = handshakeAndGet(client, a, accepted)) {
        assertThat(client.peerUid()).isEqualTo(b);
        assertThat(srv.peerUid()).isEqualTo(a);
        client.send(new Msg.Cmd("ns", "f", Map.of("x", 1L), a, "cid-1"));
        assertThat(srv.receive()).isEqualTo(new Msg.Cmd("ns", "f", Map.of("x", 1L), a, "cid-1"));
        srv.send(new Msg.Return("cid-1", List.of("ok", 2L)));
        assertThat(client.receive()).isEqualTo(new Msg.Return("cid-1", List.of("ok", 2L)));
        srv.send(Msg.SENTINEL);
        assertThat(client.receive()).isSameAs(Msg.SENTINEL);
        srv.close();
        assertThatThrownBy(client::receive).isInstanceOf(WireException.TransportClosed.class);
      }
    }
  }

  /**
   * A thread that sends while another thread's write is stuck has its frame handed over and
   * returns at once (FrameWriter); if it then closes the channel, even with its interrupt flag set,
   * the close waits for that frame to go out once the stuck write goes through: nothing it sent
   * is lost.
   */
  @Test
  void aSendHandedOverToAnotherWriterThenACloseLosesNothing() throws Exception {
    WireChannel.Config config = new WireChannel.Config(1 << 20, Duration.ofSeconds(2));
    MemoryConnection.Pair p = MemoryConnection.pair("a", "b");
    WireChannel a = WireChannel.over(p.initiator(), config);
    WireChannel b = WireChannel.over(p.acceptor(), config);
    String big = "x".repeat(600_000); // more than the pipe holds: its write waits for a reader
    Thread holder = Thread.ofPlatform().start(() -> {
      try {
        a.send(new Msg.Return("big", big));
      } catch (WireException e) {
        throw new AssertionError(e);
      }
    });
    long until = System.nanoTime() + 10_000_000_000L;
    while (holder.getState() != Thread.State.WAITING && System.nanoTime() < until) Thread.onSpinWait();
    assertThat(holder.getState()).as("the big write waits for the reader").isEqualTo(Thread.State.WAITING);

    a.send(new Msg.Return("last", "words")); // handed over: returns while the big write waits
    assertThat(holder.isAlive()).isTrue();
    CompletableFuture<List<Object>> read = CompletableFuture.supplyAsync(() -> {
      List<Object> got = new java.util.ArrayList<>();
      try {
        while (true) got.add(((Msg.Return) b.receive()).cid());
      } catch (WireException.TransportClosed end) {
        got.add("end");
      } catch (WireException e) {
        got.add(e);
      }
      return got;
    });
    Thread.currentThread().interrupt(); // a closer inside a cancelled scope waits all the same
    a.close();
    assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
    holder.join(10_000);
    assertThat(read.get(10, TimeUnit.SECONDS)).containsExactly("big", "last", "end");
    b.close();
  }

  private static WireChannel handshakeAndGet(WireChannel client, Uid me, CompletableFuture<WireChannel> accepted) throws Exception {
    client.handshake(me, HandshakeAuth.NONE);
    return accepted.get(5, TimeUnit.SECONDS);
  }

  @Test
  void aPeerThatNeverSaysHelloTimesOut() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket silent = new Socket(server.getInetAddress(), server.getLocalPort());
        WireChannel ch = WireChannel.wrap(server.accept(), new WireChannel.Config(1024, Duration.ofMillis(100)))) {
      assertThatThrownBy(() -> ch.handshake(Uid.random("me"), HandshakeAuth.NONE))
          .isInstanceOf(WireException.class)
          .hasMessageContaining("no handshake");
    }
  }

  @Test
  void aHelloThatIsNotAUidIsMalformed() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket peer = new Socket(server.getInetAddress(), server.getLocalPort());
        WireChannel ch = WireChannel.wrap(server.accept(), SMALL)) {
      OutputStream out = peer.getOutputStream();
      out.write(FrameWriter.frame(Msgpack.encode("just a string")));
      out.flush();
      assertThatThrownBy(() -> ch.handshake(Uid.random("me"), HandshakeAuth.NONE))
          .isInstanceOf(WireException.Malformed.class);
    }
  }

  @Test
  void capabilitiesRideInAThirdElementThatTractorIgnores() throws Exception {
    Uid u = Uid.random("java");
    Hello hello = new Hello(u, Map.of("jtractor", 1L));
    Object wire = Msgpack.decode(Msgpack.encode(hello));
    assertThat(Uid.fromWire(wire)).isEqualTo(u); // what a tractor peer reads
    assertThat(Hello.fromWire(wire).capabilities()).containsEntry("jtractor", 1L);
  }

  @Test
  void framesOverTheLimitAreRefusedWithoutReadingThem() {
    byte[] header = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f};
    FrameReader r = new FrameReader(new ByteArrayInputStream(header), 1024);
    assertThatThrownBy(r::read).isInstanceOf(WireException.FrameTooLarge.class).hasMessageContaining("exceeds the limit");
  }

  @Test
  void aPeerVanishingMidFrameIsATransportClose() {
    byte[] partial = {10, 0, 0, 0, (byte) 0x92, (byte) 0xa1};
    FrameReader r = new FrameReader(new ByteArrayInputStream(partial), 1024);
    assertThatThrownBy(r::read).isInstanceOf(WireException.TransportClosed.class).hasMessageContaining("mid-frame");
    FrameReader empty = new FrameReader(new ByteArrayInputStream(new byte[0]), 1024);
    assertThatThrownBy(empty::read).isInstanceOf(WireException.TransportClosed.class);
  }
  // ---- awaitMessage: a bounded wait for the next message, for a task lent the reading ----

  /** One frame as the wire carries it: the u32 little-endian length, then the body. */
  static byte[] frame(Msg msg) {
    byte[] body = MsgCodec.encode(msg);
    byte[] f = new byte[4 + body.length];
    f[0] = (byte) body.length;
    f[1] = (byte) (body.length >>> 8);
    f[2] = (byte) (body.length >>> 16);
    f[3] = (byte) (body.length >>> 24);
    System.arraycopy(body, 0, f, 4, body.length);
    return f;
  }

  /** What a test does with a channel over an accepted socket, and the raw socket at its other end. */
  private interface RawPeerBody {
    void run(Socket raw, WireChannel ch) throws Exception;
  }

  /** Runs {@code body} with a channel whose peer is a raw socket: the test writes its bytes. */
  private static void withRawPeer(RawPeerBody body) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket raw = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        WireChannel ch = WireChannel.wrap(server.accept(), SMALL)) {
      body.run(raw, ch);
    }
  }

  @Test
  void awaitingAMessageGivesUpAtItsLimitLosesNothingAndLeavesReadsUnlimited() throws Exception {
    withRawPeer((raw, ch) -> {
      OutputStream out = raw.getOutputStream();
      assertThat(ch.canAwaitMessage()).isTrue();
      assertThat(ch.awaitMessage(20)).as("nothing sent: the wait gives up").isFalse();

      // The first bytes of a frame end the wait; the rest, arriving later, completes the message.
      byte[] first = frame(new Msg.Yield("c", 1L));
      out.write(first, 0, 3);
      out.flush();
      assertThat(ch.awaitMessage(5_000)).isTrue();
      CompletableFuture<Void> rest = CompletableFuture.runAsync(() -> {
        try {
          Thread.sleep(50);
          out.write(first, 3, first.length - 3);
          out.flush();
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      assertThat(ch.receive()).isEqualTo(new Msg.Yield("c", 1L));
      rest.get(5, TimeUnit.SECONDS);

      // After a wait that gave up, a plain receive waits as long as it takes (no timeout left behind).
      assertThat(ch.awaitMessage(10)).isFalse();
      CompletableFuture<Msg> later = CompletableFuture.supplyAsync(() -> {
        try {
          return ch.receive();
        } catch (WireException e) {
          throw new RuntimeException(e);
        }
      });
      Thread.sleep(100); // ten times the last wait's limit
      out.write(frame(new Msg.Yield("c", 2L)));
      out.write(frame(new Msg.Yield("c", 3L)));
      out.flush();
      assertThat(later.get(5, TimeUnit.SECONDS)).isEqualTo(new Msg.Yield("c", 2L));
      // A whole frame buffered already: true at once, without touching the socket.
      assertThat(ch.awaitMessage(1)).isTrue();
      assertThat(ch.receive()).isEqualTo(new Msg.Yield("c", 3L));

      // The peer's end: the wait ends, and receive says how.
      raw.close();
      assertThat(ch.awaitMessage(5_000)).isTrue();
      assertThatThrownBy(ch::receive).isInstanceOf(WireException.TransportClosed.class);
      assertThatThrownBy(() -> ch.awaitMessage(0)).isInstanceOf(IllegalArgumentException.class);
    });
  }

  @Test
  void aStreamItemIsReceivedAsItsCidAndValueWithNoRecordOrCopyOfItsBytes() throws Exception {
    withRawPeer((raw, ch) -> {
      String cid = "7d1a3f5e-2a10-4c4e-9f1c-3b6b1e9f0a11";
      int warm = 20_000;
      int measured = 20_000;
      CompletableFuture<Void> writes = CompletableFuture.runAsync(() -> {
        try {
          OutputStream out = new java.io.BufferedOutputStream(raw.getOutputStream(), 1 << 16);
          out.write(frame(new Msg.Started(cid, null)));
          for (long i = 0; i < warm + measured; i++) out.write(frame(new Msg.Yield(cid, i % 100)));
          out.write(frame(new Msg.Yield(cid, List.of("a list", 1L))));
          out.write(frame(new Msg.Stop(cid)));
          out.flush();
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      assertThat(ch.receiveOrItem()).as("anything but an item is a record").isEqualTo(new Msg.Started(cid, null));
      for (int i = 0; i < warm; i++) receiveItem(ch, cid, i % 100L);
      long before = allocatedByThisThread();
      for (int i = warm; i < warm + measured; i++) receiveItem(ch, cid, i % 100L);
      long perItem = (allocatedByThisThread() - before) / measured;
      // The values are cached Longs: nothing need be made. A copy of each 45-byte body would be 64 bytes.
      assertThat(perItem).as("bytes allocated per item received").isLessThan(16);
      receiveItem(ch, cid, List.of("a list", 1L));
      assertThat(ch.receiveOrItem()).isEqualTo(new Msg.Stop(cid));
      writes.get(10, TimeUnit.SECONDS);
    });
  }

  private static void receiveItem(WireChannel ch, String cid, Object value) throws WireException {
    // No assertion object per item: the caller counts this thread's allocations.
    Msg record = ch.receiveOrItem();
    if (record != null || !cid.equals(ch.itemCid()) || !java.util.Objects.equals(value, ch.itemValue())) {
      throw new AssertionError("expected the stream item " + value + " with no record, got " + record + " / " + ch.itemValue());
    }
  }

  /** What this thread allocated so far, in bytes (HotSpot's count, through its management bean). */
  static long allocatedByThisThread() throws Exception {
    Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
    return (long) Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes").invoke(bean);
  }

  @Test
  void aConnectionIsQuietUntilAnyOfTheNextMessageArrives() throws Exception {
    withRawPeer((raw, ch) -> {
      OutputStream out = raw.getOutputStream();
      assertThat(ch.quiet()).isTrue();
      byte[] f = frame(new Msg.Yield("c", 1L));
      out.write(f, 0, 1); // one byte of the next frame, still in the kernel
      out.flush();
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (ch.quiet() && System.nanoTime() - until < 0) Thread.onSpinWait();
      assertThat(ch.quiet()).isFalse();
      assertThat(ch.awaitMessage(1_000)).isTrue(); // now buffered here, still not quiet
      assertThat(ch.quiet()).isFalse();
      out.write(f, 1, f.length - 1);
      out.flush();
      assertThat(ch.receive()).isEqualTo(new Msg.Yield("c", 1L));
      assertThat(ch.quiet()).isTrue();
    });
  }

  @Test
  void anInMemoryLinkCannotWaitWithALimit() throws Exception {
    MemoryConnection.Pair p = MemoryConnection.pair("a", "b");
    try (WireChannel a = WireChannel.over(p.initiator(), SMALL); WireChannel b = WireChannel.over(p.acceptor(), SMALL)) {
      assertThat(b.canAwaitMessage()).isFalse();
      assertThat(b.awaitMessage(5)).isFalse();
      a.send(new Msg.Stop("c"));
      assertThat(b.receive()).isEqualTo(new Msg.Stop("c"));
    }
  }
}
