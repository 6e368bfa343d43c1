package io.jtractor.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a party without the secret can do to a member's handshake: relay it, probe it, flood it,
 * stall it. Each attempt ends in a refusal or a closed connection, in bounded time, and gains the
 * attacker nothing it could use offline.
 */
@DisplayName("the handshake against a party without the secret")
@Timeout(30)
class HandshakeDefenceTest {
  private static final WireChannel.Config CONFIG = new WireChannel.Config(1 << 20, Duration.ofSeconds(5));
  private static final byte[] SECRET = "0123456789abcdef-tree-secret".getBytes();

  private static SecretAuth member() {
    return new SecretAuth(SECRET, SecretAuth.PeerPolicy.REFUSE);
  }

  /** The acceptor's handshake on the next connection of {@code server}, on a thread of its own. */
  private static CompletableFuture<WireChannel> acceptOne(ServerSocket server, WireChannel.Config config) {
    CompletableFuture<WireChannel> f = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      WireChannel ch = null;
      try {
        ch = WireChannel.wrap(server.accept(), config);
        ch.handshake(Uid.random("member-a"), member());
        f.complete(ch);
      } catch (Throwable e) {
        if (ch != null) ch.close();
        f.completeExceptionally(e);
      }
    });
    return f;
  }

  private static ServerSocket loopbackServer() throws Exception {
    return new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
  }

  private static InetSocketAddress at(ServerSocket s) {
    return (InetSocketAddress) s.getLocalSocketAddress();
  }

  /** Copies bytes from {@code in} to {@code out} until either ends, then closes both sockets. */
  private static void pump(Socket from, Socket to) {
    Thread.ofVirtual().start(() -> {
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        in.transferTo(out);
      } catch (Exception ignored) {
        // one side closed: the relay is over
      } finally {
        try {
          from.close();
          to.close();
        } catch (Exception ignored) {
          // already closed
        }
      }
    });
  }

  @Test
  void aRelayThatPassesEveryByteBetweenTwoMembersGetsBothRefused() throws Exception {
    // The attacker makes member B connect to it, connects to member A, and passes the bytes
    // across unchanged. Nonces and uids are all genuine; only the connection differs, and the
    // proofs are bound to it.
    try (ServerSocket memberA = loopbackServer(); ServerSocket relay = loopbackServer()) {
      CompletableFuture<WireChannel> accepted = acceptOne(memberA, CONFIG);
      Thread.ofVirtual().start(() -> {
        try {
          Socket fromB = relay.accept();
          Socket toA = new Socket(at(memberA).getAddress(), at(memberA).getPort());
          pump(fromB, toA);
          pump(toA, fromB);
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      try (WireChannel memberB = WireChannel.connect(at(relay), CONFIG)) {
        assertThatThrownBy(() -> memberB.handshake(Uid.random("member-b"), member())).isInstanceOf(WireException.class);
        assertThat(memberB.peerAuthenticated()).isFalse();
      }
      assertThatThrownBy(() -> accepted.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(WireException.Refused.class)
          .hasMessageContaining("failed to prove");
    }
  }

  @Test
  void theAcceptorProvesNothingToAnInitiatorThatHasNotProvedFirst() throws Exception {
    // Whoever connects without the secret must get no proof to guess the secret from offline:
    // the acceptor's hello carries only a nonce, and its proof comes only after the initiator's
    // holds.
    try (ServerSocket server = loopbackServer()) {
      CompletableFuture<WireChannel> accepted = acceptOne(server, CONFIG);
      try (WireChannel prober = WireChannel.connect(at(server), CONFIG)) {
        SecretAuth guessing = new SecretAuth("not-the-secret-at-all-sorry".getBytes(), SecretAuth.PeerPolicy.REFUSE);
        prober.sendValue(new Hello(Uid.random("prober"), guessing.offer()).toWire());
        Object theirHello = prober.receiveValue();
        assertThat(Hello.fromWire(theirHello).capabilities()).containsKey(SecretAuth.NONCE);
        prober.sendValue(Map.of(SecretAuth.PROOF, new byte[32]));
        // Next comes no proof frame, only the end of the connection.
        assertThatThrownBy(prober::receiveValue).isInstanceOf(WireException.TransportClosed.class);
      }
      assertThatThrownBy(() -> accepted.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(WireException.Refused.class);
    }
  }

  @Test
  void aStrangersHugeFrameIsRefusedFromItsLengthBeforeAnyOfItIsRead() throws Exception {
    try (ServerSocket server = loopbackServer()) {
      CompletableFuture<WireChannel> accepted = acceptOne(server, WireChannel.Config.DEFAULT);
      try (Socket stranger = new Socket(at(server).getAddress(), at(server).getPort())) {
        int announced = 32 << 20; // below the connection's limit, far above any hello
        stranger.getOutputStream().write(new byte[] {
            (byte) announced, (byte) (announced >>> 8), (byte) (announced >>> 16), (byte) (announced >>> 24)});
        stranger.getOutputStream().flush();
        assertThatThrownBy(() -> accepted.get(10, TimeUnit.SECONDS))
            .hasCauseInstanceOf(WireException.class)
            .hasStackTraceContaining(Integer.toString(WireChannel.HANDSHAKE_MAX_FRAME));
      }
    }
  }

  @Test
  void aMemberMayStillSendLargeFramesOnceAdmitted() throws Exception {
    try (ServerSocket server = loopbackServer()) {
      CompletableFuture<WireChannel> accepted = acceptOne(server, CONFIG);
      try (WireChannel b = WireChannel.connect(at(server), CONFIG)) {
        b.handshake(Uid.random("member-b"), member());
        try (WireChannel a = accepted.get(10, TimeUnit.SECONDS)) {
          byte[] big = new byte[WireChannel.HANDSHAKE_MAX_FRAME * 4];
          b.send(new Msg.Return("c", big));
          assertThat(((Msg.Return) a.receive()).value()).isEqualTo(big);
        }
      }
    }
  }

  @Test
  void aPeerThatNeverSpeaksIsDroppedWhenTheHandshakeTimeRunsOut() throws Exception {
    WireChannel.Config quick = new WireChannel.Config(1 << 16, Duration.ofMillis(300));
    try (ServerSocket server = loopbackServer()) {
      CompletableFuture<WireChannel> accepted = acceptOne(server, quick);
      try (Socket silent = new Socket(at(server).getAddress(), at(server).getPort())) {
        assertThatThrownBy(() -> accepted.get(10, TimeUnit.SECONDS)).hasMessageContaining("within");
      }
    }
  }

  @Test
  void aPeerThatStallsTheTlsHandshakeIsDroppedWhenTheHandshakeTimeRunsOut(@TempDir Path dir) throws Exception {
    // Over TLS our first write runs the TLS handshake, which would wait on a silent peer forever.
    Transport tls = Transport.tls(TestKeys.selfSigned(dir, "member"));
    WireChannel.Config quick = new WireChannel.Config(1 << 16, Duration.ofMillis(300));
    try (Listener listener = tls.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      CompletableFuture<Throwable> outcome = new CompletableFuture<>();
      Thread.ofVirtual().start(() -> {
        try (WireChannel ch = WireChannel.over(listener.accept(), quick)) {
          ch.handshake(Uid.random("member-a"), member());
          outcome.complete(null);
        } catch (Throwable e) {
          outcome.complete(e);
        }
      });
      InetSocketAddress addr = (InetSocketAddress) listener.localAddress();
      try (Socket silent = new Socket(addr.getAddress(), addr.getPort())) {
        assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(WireException.class).hasMessageContaining("within");
      }
    }
  }

  @Test
  void aPeersNameCannotForgeLinesInALog() {
    Uid evil = new Uid("worker\nERROR forged line\u001b[31m", "1234567890");
    assertThat(evil.toString()).doesNotContain("\n").doesNotContain("\u001b").contains("\\n").contains("\\x1b");
    assertThat(evil.pythonRepr()).doesNotContain("\n").startsWith("('worker\\nERROR");
    assertThatThrownBy(() -> Uid.fromWire("x".repeat(10_000) + "\n"))
        .hasMessageNotContaining("\n")
        .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(300));
  }
}
