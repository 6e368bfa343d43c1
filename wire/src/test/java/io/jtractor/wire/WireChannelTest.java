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
}
