package io.jtractor.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("the shared-secret handshake")
@Timeout(30)
class SecretAuthTest {
  private static final WireChannel.Config CONFIG = new WireChannel.Config(1 << 16, Duration.ofSeconds(5));
  private static final byte[] SECRET = "0123456789abcdef-tree-secret".getBytes();
  private static final byte[] OTHER = "another-tree-secret-entirely".getBytes();

  /** The acceptor's side of one connection: its handshake outcome, and the channel if accepted. */
  private record Accepted(CompletableFuture<WireChannel> channel) {}

  private static Accepted acceptOne(ServerSocket server, Uid me, HandshakeAuth auth) {
    CompletableFuture<WireChannel> f = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      WireChannel ch = null;
      try {
        ch = WireChannel.wrap(server.accept(), CONFIG);
        ch.handshake(me, auth);
        f.complete(ch);
      } catch (Exception e) {
        if (ch != null) ch.close();
        f.completeExceptionally(e);
      }
    });
    return new Accepted(f);
  }

  private static InetSocketAddress at(ServerSocket s) {
    return (InetSocketAddress) s.getLocalSocketAddress();
  }

  @Test
  void twoHoldersOfTheSecretProveItToEachOther() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Uid a = Uid.random("a");
      Uid b = Uid.random("b");
      Accepted acc = acceptOne(server, b, new SecretAuth(SECRET, SecretAuth.PeerPolicy.REFUSE));
      try (WireChannel client = WireChannel.connect(at(server), CONFIG)) {
        client.handshake(a, new SecretAuth(SECRET, SecretAuth.PeerPolicy.REFUSE));
        WireChannel srv = acc.channel().get(5, TimeUnit.SECONDS);
        assertThat(client.peerAuthenticated()).isTrue();
        assertThat(srv.peerAuthenticated()).isTrue();
        assertThat(srv.peerUid()).isEqualTo(a);
        client.send(new Msg.Return("c", 1L)); // messages flow after the proofs
        assertThat(srv.receive()).isEqualTo(new Msg.Return("c", 1L));
        srv.close();
      }
    }
  }

  @Test
  void aPeerWithAnotherSecretIsRefusedOnBothSides() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Accepted acc = acceptOne(server, Uid.random("b"), new SecretAuth(SECRET, SecretAuth.PeerPolicy.REFUSE));
      try (WireChannel client = WireChannel.connect(at(server), CONFIG)) {
        assertThatThrownBy(() -> client.handshake(Uid.random("a"), new SecretAuth(OTHER, SecretAuth.PeerPolicy.REFUSE)))
            .isInstanceOf(WireException.Refused.class);
      }
      assertThatThrownBy(() -> acc.channel().get(5, TimeUnit.SECONDS))
          .hasCauseInstanceOf(WireException.Refused.class)
          .hasMessageContaining("failed to prove");
    }
  }

  @Test
  void aPlainTractorPeerSeesTractorsHandshakeOnlyAndIsJudgedByThePolicy() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Uid py = Uid.random("py");
      SecretAuth admitAll = new SecretAuth(SECRET, (ch, peer) -> {});
      Accepted acc = acceptOne(server, Uid.random("java"), admitAll);
      try (WireChannel tractorPeer = WireChannel.connect(at(server), CONFIG)) {
        Hello theirs = tractorPeer.handshake(py, HandshakeAuth.NONE);
        assertThat(Uid.fromWire(theirs.toWire())).isNotNull(); // still a uid first
        WireChannel srv = acc.channel().get(5, TimeUnit.SECONDS);
        assertThat(srv.peerAuthenticated()).isFalse();
        // No proof frame was sent to it: the next frame it reads is the first message.
        srv.send(new Msg.Return("x", 2L));
        assertThat(tractorPeer.receive()).isEqualTo(new Msg.Return("x", 2L));
        srv.close();
      }
    }
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Accepted acc = acceptOne(server, Uid.random("java"), new SecretAuth(SECRET, SecretAuth.PeerPolicy.REFUSE));
      try (WireChannel tractorPeer = WireChannel.connect(at(server), CONFIG)) {
        tractorPeer.handshake(Uid.random("py"), HandshakeAuth.NONE);
        assertThatThrownBy(() -> acc.channel().get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(WireException.Refused.class);
        assertThatThrownBy(tractorPeer::receive).isInstanceOf(WireException.TransportClosed.class);
      }
    }
  }

  @Test
  void reflectingTheAcceptorsOwnHelloAndProofGetsNowhere() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Accepted acc = acceptOne(server, Uid.random("victim"), new SecretAuth(SECRET, SecretAuth.PeerPolicy.REFUSE));
      try (WireChannel attacker = WireChannel.connect(at(server), CONFIG)) {
        // Read the victim's hello first, then send it back as ours: same uid, same nonce.
        Object victimHello = attacker.receiveValue();
        attacker.sendValue(victimHello);
        assertThatThrownBy(() -> acc.channel().get(5, TimeUnit.SECONDS))
            .hasCauseInstanceOf(WireException.Refused.class)
            .hasMessageContaining("our own nonce");
      }
    }
  }

  @Test
  void aReplayedProofFromAnotherConnectionIsRefused() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 2, InetAddress.getLoopbackAddress())) {
      Uid me = Uid.random("member");
      // A genuine member connects once; an eavesdropper records its hello and proof.
      Accepted first = acceptOne(server, Uid.random("victim"), new SecretAuth(SECRET, SecretAuth.PeerPolicy.REFUSE));
      Object[] recorded = new Object[2];
      try (WireChannel member = WireChannel.connect(at(server), CONFIG)) {
        SecretAuth real = new SecretAuth(SECRET, SecretAuth.PeerPolicy.REFUSE);
        member.handshake(me, new HandshakeAuth() {
          @Override
          public Map<String, Object> offer() {
            Map<String, Object> o = real.offer();
            recorded[0] = new Hello(me, o).toWire();
            return o;
          }

          @Override
          public void verify(WireChannel channel, Hello peer) throws WireException {
            real.verify(channel, peer);
          }
        });
        first.channel().get(5, TimeUnit.SECONDS).close();
      }
      // The replay: the same hello, then a proof for the old nonces.
      Accepted second = acceptOne(server, Uid.random("victim"), new SecretAuth(SECRET, SecretAuth.PeerPolicy.REFUSE));
      try (WireChannel replayer = WireChannel.connect(at(server), CONFIG)) {
        replayer.sendValue(recorded[0]);
        replayer.receiveValue(); // the victim's hello, with a fresh nonce
        replayer.sendValue(Map.of(SecretAuth.PROOF, new byte[32]));
        assertThatThrownBy(() -> second.channel().get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(WireException.Refused.class);
      }
    }
  }

  @Test
  void aShortSecretIsRejected() {
    assertThatThrownBy(() -> new SecretAuth(new byte[8], SecretAuth.PeerPolicy.REFUSE)).isInstanceOf(IllegalArgumentException.class);
  }
}
