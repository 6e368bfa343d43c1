package io.jtractor;

import static io.jtractor.ProcessAssertions.assertNoProcessLeft;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jtractor.config.ActorConfig;
import io.jtractor.funcs.DaemonProgram;
import io.jtractor.funcs.DiscoveryFuncs;
import io.jtractor.funcs.Funcs;
import io.jtractor.runtime.Actor;
import io.jtractor.wire.HandshakeAuth;
import io.jtractor.wire.Msg;
import io.jtractor.wire.Uid;
import io.jtractor.wire.WireChannel;
import io.jtractor.wire.WireException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Plain tractor peers (a Python actor, played from the wire layer): refused by default, accepted
 * on loopback when the user opts in ({@code -Djtractor.allowTractorPeers=true}, {@code
 * JTRACTOR_ALLOW_TRACTOR_PEERS=1}, or the root's configuration), and then held to the same
 * authorization as anyone whose uid is only claimed.
 */
@DisplayName("plain tractor peers, with the opt-in on and off")
@Timeout(60)
class TractorPeerOptInTest {

  @AfterEach
  void noProcessLeft() {
    assertNoProcessLeft();
  }

  private static Root root(boolean allowTractorPeers) {
    return Jtractor.openRoot(ActorConfig.of("root", List.of(Funcs.class, DiscoveryFuncs.class))
        .withRegistry(Jtractor.defaultRegistry()).withAllowTractorPeers(allowTractorPeers));
  }

  private static WireChannel tractorPeer(InetSocketAddress at, Uid as) throws Exception {
    WireChannel ch = WireChannel.connect(at, WireChannel.Config.DEFAULT);
    ch.handshake(as, HandshakeAuth.NONE);
    return ch;
  }

  /** Calls {@code Funcs.add(2, 3)} as a tractor peer; the messages it gets back. */
  private static List<Msg> add(WireChannel peer, Uid as) throws Exception {
    peer.send(new Msg.Cmd(Funcs.class.getName(), "add", Map.of("a", 2L, "b", 3L), as, "c1"));
    return List.of(peer.receive(), peer.receive());
  }

  @Test
  void byDefaultATractorPeerIsRefusedAtTheHandshake() throws Exception {
    try (Root root = root(false); WireChannel peer = tractorPeer(root.address(), Uid.random("py"))) {
      peer.send(new Msg.Cmd(Funcs.class.getName(), "add", Map.of("a", 2L, "b", 3L), peer.peerUid(), "c1"));
      assertThatThrownBy(peer::receive).isInstanceOf(WireException.TransportClosed.class);
    }
  }

  @Test
  void withTheOptInATractorPeerOnLoopbackIsServed() throws Exception {
    Uid py = Uid.random("py");
    try (Root root = root(true); WireChannel peer = tractorPeer(root.address(), py)) {
      assertThat(add(peer, py)).containsExactly(new Msg.Functype("c1", Msg.ASYNCFUNC), new Msg.Return("c1", 5L));
    }
  }

  @Test
  void theOptInIsTheSystemPropertyOrTheEnvironmentVariable() throws Exception {
    for (List<String> how : List.of(List.of("-Djtractor.allowTractorPeers=true"), List.of("env"), List.<String>of())) {
      ProcessBuilder pb = new ProcessBuilder();
      List<String> cmd = new java.util.ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
          "-cp", System.getProperty("java.class.path"), "-Djtractor.configDir=" + System.getProperty("jtractor.configDir")));
      pb.environment().remove("JTRACTOR_ALLOW_TRACTOR_PEERS");
      if (how.equals(List.of("env"))) pb.environment().put("JTRACTOR_ALLOW_TRACTOR_PEERS", "1");
      else cmd.addAll(how);
      cmd.addAll(List.of(DaemonProgram.class.getName(), "daemon", "127.0.0.1:0"));
      Process p = pb.command(cmd).redirectErrorStream(true).start();
      try {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        do {
          line = out.readLine();
        } while (line != null && !line.startsWith("LISTENING "));
        assertThat(line).as("the daemon says where it listens").isNotNull();
        InetSocketAddress at = Jtractor.parseAddress(line.split(" ")[1]);
        Uid py = Uid.random("py");
        try (WireChannel peer = tractorPeer(at, py)) {
          peer.send(new Msg.Cmd(DiscoveryFuncs.class.getName(), "hi", Map.of(), py, "c1"));
          if (how.isEmpty()) {
            assertThatThrownBy(peer::receive).as("no opt-in").isInstanceOf(WireException.TransportClosed.class);
          } else {
            assertThat(List.of(peer.receive(), peer.receive())).as("opt-in %s", how)
                .containsExactly(new Msg.Functype("c1", Msg.ASYNCFUNC), new Msg.Return("c1", "Hi my name is daemon"));
          }
        }
      } finally {
        p.destroy();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
      }
    }
  }

  @Test
  void evenWithTheOptInATractorPeerBeyondLoopbackIsRefused() throws Exception {
    InetAddress lan = null;
    for (NetworkInterface nif : NetworkInterface.networkInterfaces().toList()) {
      for (InetAddress a : nif.inetAddresses().toList()) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress() && nif.isUp()) lan = a;
      }
    }
    assumeTrue(lan != null, "this host has no non-loopback IPv4 address");
    ActorConfig c = ActorConfig.of("root", List.of(Funcs.class)).withBindAddress(new InetSocketAddress(lan, 0));
    // Plaintext beyond loopback only because the test asks for it (a warning is logged).
    try (Root root = Jtractor.openRoot(c.withSecurity(c.security().withAllowTractorPeers(true).withAllowPlaintext(true)));
        WireChannel peer = tractorPeer(root.address(), Uid.random("py"))) {
      peer.send(new Msg.Cmd(Funcs.class.getName(), "add", Map.of("a", 2L, "b", 3L), peer.peerUid(), "c1"));
      assertThatThrownBy(peer::receive).isInstanceOf(WireException.TransportClosed.class);
    }
  }

  @Test
  void aTractorPeerMayNotPassForAJtractorActorOfTheTree() throws Exception {
    try (Root root = root(true)) {
      root.openNursery(an -> {
        Portal child = an.startActor("child", Funcs.class);
        Discovery.waitForActor("child").close();
        InetSocketAddress childAt = Discovery.queryActor("child").orElseThrow();
        // The child's parent proves itself; a tractor peer claiming its uid is refused.
        try (WireChannel peer = tractorPeer(childAt, root.uid())) {
          peer.send(new Msg.Cmd("self", "cancel", Map.of(), root.uid(), "c1"));
          assertThatThrownBy(peer::receive).isInstanceOf(WireException.TransportClosed.class);
        }
        assertThat(child.run(Funcs::hello, "still")).isEqualTo("hi still");
        an.cancel();
      });
    }
  }

  @Test
  void aTractorPeerMayNotPassForAChildOfTheActorItConnectsTo() throws Exception {
    // A parent waiting for its child's connection, or holding it, must never take an impostor's
    // connection for the child's: the impostor would receive the child's calls and answers.
    try (Root root = root(true)) {
      root.openNursery(an -> {
        Portal child = an.startActor("child", Funcs.class);
        try (WireChannel peer = tractorPeer(root.address(), child.uid())) {
          peer.send(new Msg.Cmd("self", "cancel", Map.of(), child.uid(), "c1"));
          assertThatThrownBy(peer::receive).isInstanceOf(WireException.TransportClosed.class);
        }
        assertThat(child.run(Funcs::hello, "still")).isEqualTo("hi still");
        an.cancel();
      });
      assertThat(root.actor().cancelRequester()).isNull();
    }
  }

  @Test
  void anAllowedTractorPeerMayCancelARootButNotAChild() throws Exception {
    Uid py = Uid.random("py");
    try (Root root = root(true)) {
      root.openNursery(an -> {
        Portal child = an.startActor("child", Funcs.class);
        Discovery.waitForActor("child").close();
        try (WireChannel peer = tractorPeer(Discovery.queryActor("child").orElseThrow(), py)) {
          peer.send(new Msg.Cmd("self", "cancel", Map.of(), py, "c1"));
          Msg.Error refused = (Msg.Error) peer.receive();
          assertThat(refused.cid()).isEqualTo("c1");
          assertThat(refused.info().typeStr()).isEqualTo("PermissionError");
          assertThat(refused.info().tbStr()).contains("only its parent chain or its tree's root may cancel it");
          assertThat(add(peer, py)).contains(new Msg.Return("c1", 5L)); // the connection goes on
        }
        assertThat(child.run(Funcs::hello, "still")).isEqualTo("hi still");
        an.cancel();
      });
      // A root has no parent chain: every peer it admitted is of its tree.
      try (WireChannel peer = tractorPeer(root.address(), py)) {
        peer.send(new Msg.Cmd("self", "cancel", Map.of(), py, "c2"));
        assertThat(List.of(peer.receive(), peer.receive())).containsExactly(new Msg.Functype("c2", Msg.ASYNCFUNC), new Msg.Return("c2", true));
      }
      root.awaitStopped();
      assertThat(root.actor().cancelRequester()).isEqualTo(py);
    }
  }

  @Test
  void anAllowedTractorPeerWritesItsOwnRegistryEntryOnly() throws Exception {
    Uid py = Uid.random("py");
    try (Root root = root(true)) {
      root.openNursery(an -> {
        Portal child = an.startActor("child", Funcs.class);
        Discovery.waitForActor("child").close();
        Map<Uid, InetSocketAddress> before = root.actor().localRegistry();
        try (WireChannel peer = tractorPeer(root.address(), py)) {
          // Its own entry: fine, as tractor.
          peer.send(new Msg.Cmd("self", "register_actor", Map.of("uid", py, "sockaddr", List.of("127.0.0.1", 1L)), py, "r1"));
          assertThat(List.of(peer.receive(), peer.receive())).containsExactly(new Msg.Functype("r1", Msg.ASYNCFUNC), new Msg.Return("r1", null));
          // Another actor's, or another actor's address under its name: refused, nothing changed.
          peer.send(new Msg.Cmd("self", "unregister_actor", Map.of("uid", child.uid()), py, "r2"));
          peer.send(new Msg.Cmd("self", "register_actor", Map.of("uid", child.uid(), "sockaddr", List.of("127.0.0.1", 1L)), py, "r3"));
          List<Msg> replies = List.of(peer.receive(), peer.receive(), peer.receive(), peer.receive()); // two tasks: interleaved
          for (String cid : List.of("r2", "r3")) {
            assertThat(replies).contains(new Msg.Functype(cid, Msg.ASYNCFUNC));
            assertThat(replies).filteredOn(m -> m instanceof Msg.Error && cid.equals(m.cid()))
                .singleElement().satisfies(m -> assertThat(((Msg.Error) m).info().typeStr()).isEqualTo("PermissionError"));
          }
          peer.send(new Msg.Cmd("self", "unregister_actor", Map.of("uid", py), py, "r4"));
          assertThat(List.of(peer.receive(), peer.receive())).containsExactly(new Msg.Functype("r4", Msg.ASYNCFUNC), new Msg.Return("r4", null));
        }
        assertThat(root.actor().localRegistry()).isEqualTo(before);
        an.cancel();
      });
    }
  }
}
