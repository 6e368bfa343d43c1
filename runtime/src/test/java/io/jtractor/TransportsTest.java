package io.jtractor;

import static io.jtractor.ProcessAssertions.assertNoProcessLeft;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jtractor.config.ActorConfig;
import io.jtractor.config.Security;
import io.jtractor.config.TreeSecret;
import io.jtractor.funcs.Funcs;
import io.jtractor.runtime.Actor;
import io.jtractor.wire.HandshakeAuth;
import io.jtractor.wire.Msg;
import io.jtractor.wire.TlsConfig;
import io.jtractor.wire.Transport;
import io.jtractor.wire.Uid;
import io.jtractor.wire.WireChannel;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** TLS for whole trees, the rule for listening beyond loopback, and Unix domain sockets. */
@DisplayName("transports: TLS trees, listening beyond loopback, Unix domain sockets")
@Timeout(60)
class TransportsTest {

  @AfterEach
  void noProcessLeft() {
    assertNoProcessLeft();
  }

  private static ActorConfig config(String name) {
    return ActorConfig.of(name, List.of(Funcs.class)).withRegistry(Jtractor.defaultRegistry());
  }

  @Test
  void aTreeOverTlsSpawnsCallsAndCancelsItsChildrenAllOverTls(@TempDir Path dir) throws Exception {
    TlsConfig keys = TestKeys.selfSigned(dir, "tree");
    ActorConfig c = config("root");
    try (Root root = Jtractor.openRoot(c.withSecurity(c.security().withTls(keys)))) {
      root.openNursery(an -> {
        Portal child = an.startActor("child", Funcs.class);
        assertThat(child.run(Funcs::add, 2L, 3L)).isEqualTo(5L);
        assertThat(child.channel().wire().connection().transport().encrypted()).isTrue();
        // The child inherited TLS: a plaintext hello gets no answer from its listener.
        InetSocketAddress childAt = new InetSocketAddress("127.0.0.1", (int) (long) child.run(Funcs::listenPort));
        try (WireChannel plain = WireChannel.connect(childAt, new WireChannel.Config(1 << 16, java.time.Duration.ofSeconds(3)))) {
          assertThatThrownBy(() -> plain.handshake(Uid.random("plain"), HandshakeAuth.NONE)).isInstanceOf(java.io.IOException.class);
        }
        an.cancel();
      });
    }
  }

  @Test
  void listeningBeyondLoopbackInPlaintextIsRefusedUnlessAskedFor(@TempDir Path dir) throws Exception {
    ActorConfig wild = config("root").withRegistry(null).withBindAddress(new InetSocketAddress("0.0.0.0", 0));
    assertThatThrownBy(() -> Jtractor.openRoot(wild))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("may not listen on 0.0.0.0")
        .hasMessageContaining("TLS")
        .hasMessageContaining("jtractor.allowPlaintext");
    try (Root plaintext = Jtractor.openRoot(wild.withSecurity(wild.security().withAllowPlaintext(true)))) {
      assertThat(plaintext.address().getPort()).isPositive(); // asked for: it listens (with a warning)
    }
    TlsConfig keys = TestKeys.selfSigned(dir, "wild");
    try (Root tls = Jtractor.openRoot(wild.withSecurity(wild.security().withTls(keys)))) {
      assertThat(tls.address().getPort()).isPositive();
    }
  }

  @Test
  void aRootCanAlsoListenOnAUnixSocketThatOnlyItsOwnerCanOpen(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("root.sock");
    UnixDomainSocketAddress at = UnixDomainSocketAddress.of(file);
    Security shared = Security.defaults().withSecret(TreeSecret.of("a secret both roots were given".getBytes()));
    ActorConfig c = config("root");
    try (Root root = Jtractor.openRoot(c.withSecurity(shared.withUnixSocket(at).withAllowTractorPeers(true)))) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
      // Another program's root holding the same secret calls it through the socket file.
      Actor other = new Actor(config("other").withSecurity(shared), false);
      Thread serving = Thread.ofVirtual().start(() -> other.serve(a -> {
        Portal p = new Portal(a.connect(at), null);
        assertThat(p.run(Funcs::add, 20L, 22L)).isEqualTo(42L);
        assertThat(p.channel().wire().connection().transport()).isSameAs(Transport.UNIX);
        p.channel().close();
        a.cancelService();
      }));
      serving.join();
      // A tractor peer on the socket file counts as local: accepted when allowed.
      Uid py = Uid.random("py");
      try (WireChannel peer = WireChannel.connect(Transport.TCP, at, WireChannel.Config.DEFAULT)) {
        peer.handshake(py, HandshakeAuth.NONE);
        peer.send(new Msg.Cmd(Funcs.class.getName(), "add", Map.of("a", 1L, "b", 1L), py, "c1"));
        assertThat(List.of(peer.receive(), peer.receive())).contains(new Msg.Return("c1", 2L));
      }
    }
    assertThat(file).doesNotExist();
  }
}
