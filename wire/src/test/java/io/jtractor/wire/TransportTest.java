package io.jtractor.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("transports: TCP, TLS, Unix domain sockets")
@Timeout(60)
class TransportTest {
  private static final WireChannel.Config CONFIG = new WireChannel.Config(1 << 16, Duration.ofSeconds(10));

  /** Accepts one connection on {@code listener}, handshakes as "server", echoes one message. */
  private static CompletableFuture<WireChannel> serveOne(Listener listener) {
    CompletableFuture<WireChannel> f = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try {
        WireChannel ch = WireChannel.over(listener.accept(), CONFIG);
        ch.handshake(Uid.random("server"), HandshakeAuth.NONE);
        ch.send(ch.receive());
        f.complete(ch);
      } catch (Exception e) {
        f.completeExceptionally(e);
      }
    });
    return f;
  }

  private static void roundTrip(Transport transport, Listener listener) throws Exception {
    CompletableFuture<WireChannel> server = serveOne(listener);
    try (WireChannel client = WireChannel.connect(transport, listener.localAddress(), CONFIG)) {
      client.handshake(Uid.random("client"), HandshakeAuth.NONE);
      client.send(new Msg.Yield("c", "ping"));
      assertThat(client.receive()).isEqualTo(new Msg.Yield("c", "ping"));
      assertThat(client.connection().initiator()).isTrue();
      assertThat(client.connection().peerIsLocal()).isTrue();
      assertThat(client.connection().transport()).isEqualTo(transport);
      WireChannel srv = server.get(10, TimeUnit.SECONDS);
      assertThat(srv.connection().initiator()).isFalse();
      srv.close();
    }
  }

  @Test
  void unixDomainSocketsCarryTheProtocolAndTheirFileIsTheOwnersOnly(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("actor.sock");
    UnixDomainSocketAddress at = UnixDomainSocketAddress.of(file);
    try (Listener listener = Transport.UNIX.listen(at)) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
      try (var listing = Files.list(dir)) {
        assertThat(listing.toList()).containsExactly(file); // bound aside, linked in: nothing else left
      }
      roundTrip(Transport.UNIX, listener);
      // A second listener on a live socket file is refused.
      assertThatThrownBy(() -> Transport.UNIX.listen(at)).isInstanceOf(java.net.BindException.class);
    }
    assertThat(file).doesNotExist(); // removed with its listener
    Files.writeString(file, "not a socket");
    assertThatThrownBy(() -> Transport.UNIX.listen(at)).hasMessageContaining("not a socket");
  }

  @Test
  void aUnixAddressAlwaysGoesOverUnixWhateverTheIpTransport() {
    assertThat(Transport.TCP.forAddress(UnixDomainSocketAddress.of("/tmp/x.sock"))).isSameAs(Transport.UNIX);
    assertThat(Transport.TCP.forAddress(new InetSocketAddress("127.0.0.1", 1))).isSameAs(Transport.TCP);
    assertThat(Transport.isLocalOnly(new InetSocketAddress("127.0.0.1", 1))).isTrue();
    assertThat(Transport.isLocalOnly(new InetSocketAddress("0.0.0.0", 1))).isFalse();
    assertThat(Transport.isLocalOnly(UnixDomainSocketAddress.of("/tmp/x.sock"))).isTrue();
  }

  @Test
  void tlsWithMutualAuthenticationCarriesTheProtocol(@TempDir Path dir) throws Exception {
    TlsConfig tls = TestKeys.selfSigned(dir, "member");
    Transport transport = Transport.tls(tls);
    assertThat(transport.encrypted()).isTrue();
    try (Listener listener = transport.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      roundTrip(transport, listener);
      // A client whose certificate the listener does not trust gets no further than TLS.
      TlsConfig stranger = TestKeys.selfSigned(dir, "stranger");
      TlsConfig strangerTrustingUs = new TlsConfig(stranger.keyStore(), stranger.keyStorePassword(), tls.trustStore(), tls.trustStorePassword());
      CompletableFuture<WireChannel> refused = serveOne(listener);
      try (WireChannel client = WireChannel.connect(Transport.tls(strangerTrustingUs), listener.localAddress(), CONFIG)) {
        assertThatThrownBy(() -> client.handshake(Uid.random("stranger"), HandshakeAuth.NONE)).isInstanceOf(WireException.class);
      }
      assertThatThrownBy(() -> refused.get(10, TimeUnit.SECONDS)).hasRootCauseInstanceOf(javax.net.ssl.SSLException.class);
    }
  }
}
