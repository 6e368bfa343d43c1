package io.jtractor;

import static io.jtractor.ProcessAssertions.assertNoProcessLeft;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jtractor.config.ActorConfig;
import io.jtractor.errors.ActorFailure;
import io.jtractor.errors.AttributeError;
import io.jtractor.errors.RemoteActorError;
import io.jtractor.funcs.DiscoveryFuncs;
import io.jtractor.runtime.Actor;
import io.jtractor.sc.Sc;
import io.jtractor.wire.HandshakeAuth;
import io.jtractor.wire.Msg;
import io.jtractor.wire.Uid;
import io.jtractor.wire.WireChannel;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The registrar and discovery: ported from tractor's test_discovery and test_local, plus the
 * registry protocol as a plain tractor peer sees it, and what tractor gets wrong (stale entries,
 * two roots racing for the registrar address).
 */
@DisplayName("registrar and discovery")
class DiscoveryTest {

  @AfterEach
  void noProcessLeft() {
    assertNoProcessLeft();
  }

  @Test
  void aRootWithNoRegistrarToFindBecomesItAndRegistersItself() {
    try (Root root = Jtractor.openRoot("root")) {
      assertThat(root.isRegistrar()).isTrue();
      assertThat(root.registrarAddress()).isEqualTo(root.address());
      assertThat(Discovery.registry()).containsExactly(Map.entry(root.uid(), root.address()));
    }
  }

  @Test
  void aSpawnedActorIsRegisteredWhileItLivesAndUnregisteredWhenCancelled() {
    try (Root root = Jtractor.openRoot("root", DiscoveryFuncs.class)) {
      AtomicReference<Uid> child = new AtomicReference<>();
      root.openNursery(an -> {
        an.startActor("actor", DiscoveryFuncs.class);
        try (Portal p = Discovery.waitForActor("actor")) {
          child.set(p.uid());
          assertThat(Discovery.registry()).containsKey(p.uid()).hasSize(2);
          assertThat(p.run(DiscoveryFuncs::hi)).isEqualTo("Hi my name is actor");
        }
        an.cancel();
      });
      // The child unregisters before its process ends, and the nursery waits for that end. (The
      // registry is read unprobed: a dead entry would still be there, not pruned.)
      assertThat(root.actor().localRegistry()).doesNotContainKey(child.get()).containsOnlyKeys(root.uid());
    }
  }

  @Test
  void aRegistrarAnswersWaitForActorAboutItselfWithItsOwnAddress() {
    try (Root root = Jtractor.openRoot("root")) {
      try (Portal self = Discovery.waitForActor("root")) {
        assertThat(self.uid()).isEqualTo(root.uid());
      }
      try (Portal reg = Discovery.getRegistrar()) {
        Object addrs = reg.runFromNs("self", "wait_for_actor", Map.of("name", "root"));
        assertThat(addrs).isEqualTo(List.of(List.of("127.0.0.1", (long) root.address().getPort())));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"findActor", "waitForActor"})
  void twoActorsFindEachOtherByNameAndCallEachOther(String style) {
    // tractor's test_trynamic_trio, both styles: findActor (retrying) and waitForActor.
    Remote.Fn1<String, String> greet = style.equals("findActor") ? DiscoveryFuncs::sayHello : DiscoveryFuncs::sayHelloUseWait;
    try (Root root = Jtractor.openRoot("root", DiscoveryFuncs.class)) {
      root.openNursery(an -> {
        Portal donny = an.runInActor("donny", greet, "gretchen");
        Portal gretchen = an.runInActor("gretchen", greet, "donny");
        assertThat(donny.<String>result()).isEqualTo("Hi my name is gretchen");
        assertThat(gretchen.<String>result()).isEqualTo("Hi my name is donny");
      });
    }
  }

  @Test
  void everySubactorUnregistersWhenAnErrorCancelsTheTreeMidStream() {
    // tractor's test_subactors_unregister_on_cancel (with streaming; an error plays the KBI).
    try (Root root = Jtractor.openRoot("root", DiscoveryFuncs.class)) {
      assertThatThrownBy(() -> root.openNursery(an -> {
            for (int i = 0; i < 3; i++) an.startActor("a" + i, DiscoveryFuncs.class);
            for (int i = 0; i < 3; i++) Discovery.waitForActor("a" + i).close();
            assertThat(Discovery.registry()).hasSize(4);
            List<Portal> portals = an.portals();
            Sc.moveOnAfter(Duration.ofMillis(300), s -> {
              io.jtractor.sc.Nursery.run(n -> {
                for (Portal p : portals) {
                  n.startSoon(() -> {
                    try (MsgStream stream = p.openStreamFrom(DiscoveryFuncs::streamForever)) {
                      for (Object ignored : stream) {
                        // keep reading
                      }
                    }
                  });
                }
              });
            });
            throw new IllegalStateException("stop everything");
          }))
          .isInstanceOf(IllegalStateException.class);
      assertThat(root.actor().localRegistry()).containsOnlyKeys(root.uid()); // unregistered, not pruned
    }
  }

  @Test
  void anActorIsUnregisteredWhenCancelActorReturnsSoFindActorComesBackEmpty() {
    try (Root root = Jtractor.openRoot("root", DiscoveryFuncs.class)) {
      root.openNursery(an -> {
        for (int i = 0; i < 3; i++) {
          Portal p = an.startActor("shortlived", DiscoveryFuncs.class);
          try (Portal found = Discovery.waitForActor("shortlived")) { // registered once it serves
            assertThat(found.uid()).isEqualTo(p.uid());
          }
          assertThat(p.cancelActor()).isTrue();
          // At once: no window in which the registry hands out a dead actor's address.
          assertThat(root.actor().localRegistry()).as("the registry, unprobed").doesNotContainKey(p.uid());
          assertThat(Discovery.findActor("shortlived")).isEmpty();
        }
      });
    }
  }

  @Test
  void findActorOfAnActorThatDiedWithoutUnregisteringIsEmptyNotAnError() {
    org.junit.jupiter.api.Assumptions.assumeFalse(Backends.inProcess(), "killing a child JVM from outside: an in-process actor has no process of its own");
    try (Root root = Jtractor.openRoot("root", DiscoveryFuncs.class)) {
      assertThatThrownBy(() -> root.openNursery(an -> {
            Portal p = an.startActor("doomed", DiscoveryFuncs.class);
            long pid = p.run(DiscoveryFuncs::pid);
            ProcessHandle victim = ProcessHandle.of(pid).orElseThrow();
            victim.destroyForcibly();
            victim.onExit().join();
            // Its entry is still there (fresh, not yet probed): the connection is refused.
            assertThat(root.actor().localRegistry()).containsKey(p.uid());
            assertThat(Discovery.findActor("doomed")).isEmpty();
            Sc.sleepForever(); // the nursery learns of the death and fails
          }))
          .isInstanceOf(ActorFailure.class);
    }
  }

  @Test
  void anActorKilledWithoutUnregisteringIsForgottenWithinAboutASecond() {
    org.junit.jupiter.api.Assumptions.assumeFalse(Backends.inProcess(), "killing a child JVM from outside: an in-process actor has no process of its own");
    // tractor keeps such an entry for as long as the registrar lives.
    try (Root root = Jtractor.openRoot("root", DiscoveryFuncs.class)) {
      AtomicReference<Uid> doomed = new AtomicReference<>();
      assertThatThrownBy(() -> root.openNursery(an -> {
            Portal p = an.startActor("doomed", DiscoveryFuncs.class);
            doomed.set(p.uid());
            long pid = p.run(DiscoveryFuncs::pid);
            try (Portal found = Discovery.waitForActor("doomed")) {
              assertThat(found.uid()).isEqualTo(p.uid());
            }
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            Sc.sleepForever(); // the nursery learns of the death and fails
          }))
          .isInstanceOf(ActorFailure.class);
      // Killed: it never unregistered, so the entry is still there...
      assertThat(root.actor().localRegistry()).containsKey(doomed.get());
      // ...until a query finds its address dead.
      awaitTrue(Duration.ofSeconds(5), () -> Discovery.queryActor("doomed").isEmpty());
      assertThat(root.actor().localRegistry()).containsOnlyKeys(root.uid());
    }
  }

  @Test
  void aRootFindsTheRegistrarAnotherRootBecameAndRegistersWithIt() throws Exception {
    InetSocketAddress free = freeLoopbackAddress(); // an address nothing listens at, not 1616
    ActorConfig base = ActorConfig.of("first", List.of(DiscoveryFuncs.class));
    try (Root first = Jtractor.openRoot(base.withRegistry(free))) {
      assertThat(first.isRegistrar()).isTrue();
      assertThat(first.address()).isEqualTo(free);
      Thread other = Thread.ofVirtual().start(() -> {
        try (Root second = Jtractor.openRoot(ActorConfig.of("second", List.of()).withRegistry(free))) {
          assertThat(second.isRegistrar()).isFalse();
        }
      });
      other.join(Duration.ofSeconds(20));
      assertThat(other.isAlive()).isFalse();
      // The second root registered and unregistered again: only the registrar is left.
      assertThat(Discovery.registry()).containsOnlyKeys(first.uid());
    }
  }

  @Test
  void discoveryWithoutARunningActorIsAClearError() {
    assertThatThrownBy(() -> Discovery.findActor("doggy"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no actor runs in this process");
  }

  @Test
  void aPlainTractorPeerUsesTheRegistryMethodsFrameByFrame() throws Exception {
    Uid py = Uid.random("pyactor");
    try (Root root = Jtractor.openRoot(ActorConfig.of("root", List.of()).withRegistry(Jtractor.defaultRegistry()).withAllowTractorPeers(true));
        ServerSocket pyListener = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1")); // alive to probes
        WireChannel peer = WireChannel.connect(root.address(), WireChannel.Config.DEFAULT)) {
      long pyPort = pyListener.getLocalPort();
      peer.handshake(py, HandshakeAuth.NONE);
      peer.send(new Msg.Cmd("self", "register_actor", Map.of("uid", py, "sockaddr", List.of("127.0.0.1", pyPort)), py, "r1"));
      assertThat(peer.receive()).isEqualTo(new Msg.Functype("r1", Msg.ASYNCFUNC));
      assertThat(peer.receive()).isEqualTo(new Msg.Return("r1", null));

      peer.send(new Msg.Cmd("self", "get_registry", Map.of(), py, "r2"));
      assertThat(peer.receive()).isEqualTo(new Msg.Functype("r2", Msg.ASYNCFUNC));
      Msg reg = peer.receive();
      assertThat(((Msg.Return) reg).value()).isEqualTo(Map.of(
          "root." + root.uid().uuid(), List.of("127.0.0.1", (long) root.address().getPort()),
          "pyactor." + py.uuid(), List.of("127.0.0.1", pyPort)));

      // wait_for_actor blocks until the name registers, on a task of its own: the loop reads on.
      peer.send(new Msg.Cmd("self", "wait_for_actor", Map.of("name", "late"), py, "r3"));
      assertThat(peer.receive()).isEqualTo(new Msg.Functype("r3", Msg.ASYNCFUNC));
      peer.send(new Msg.Cmd("self", "find_actor", Map.of("name", "late"), py, "r4"));
      assertThat(peer.receive()).isEqualTo(new Msg.Functype("r4", Msg.ASYNCFUNC));
      assertThat(peer.receive()).isEqualTo(new Msg.Return("r4", null));
      // Another tractor actor registers itself, over a connection of its own (an actor writes
      // only its own entry).
      Uid late = Uid.random("late");
      try (WireChannel latePeer = WireChannel.connect(root.address(), WireChannel.Config.DEFAULT)) {
        latePeer.handshake(late, HandshakeAuth.NONE);
        latePeer.send(new Msg.Cmd("self", "register_actor", Map.of("uid", late, "sockaddr", List.of("127.0.0.1", 1L)), late, "r5"));
        assertThat(latePeer.receive()).isEqualTo(new Msg.Functype("r5", Msg.ASYNCFUNC));
        assertThat(latePeer.receive()).isEqualTo(new Msg.Return("r5", null));
        assertThat(peer.receive()).isEqualTo(new Msg.Return("r3", List.of(List.of("127.0.0.1", 1L))));

        latePeer.send(new Msg.Cmd("self", "unregister_actor", Map.of("uid", late), late, "r6"));
        assertThat(latePeer.receive()).isEqualTo(new Msg.Functype("r6", Msg.ASYNCFUNC));
        assertThat(latePeer.receive()).isEqualTo(new Msg.Return("r6", null));
        latePeer.send(new Msg.Cmd("self", "unregister_actor", Map.of("uid", late), late, "r7"));
        assertThat(latePeer.receive()).isEqualTo(new Msg.Functype("r7", Msg.ASYNCFUNC));
        Msg err = latePeer.receive();
        assertThat(err).isInstanceOf(Msg.Error.class);
        assertThat(((Msg.Error) err).info().typeStr()).isEqualTo("KeyError");
      }
    }
  }

  @Test
  void aRootRegistersWithAPlainTractorRegistrarInTractorsExactMessages() throws Exception {
    // A Python registrar, played from the wire layer: it must get exactly the capture's C2/C3
    // messages (no jtractor extras, since its hello does not announce jtractor).
    Uid registrarUid = Uid.random("root");
    List<Msg> received = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
      Thread serving = Thread.ofVirtual().start(() -> {
        while (!server.isClosed()) {
          try (WireChannel ch = WireChannel.wrap(server.accept(), WireChannel.Config.DEFAULT)) {
            ch.handshake(registrarUid, HandshakeAuth.NONE);
            Msg m = ch.receive();
            received.add(m);
            ch.send(new Msg.Functype(m.cid(), Msg.ASYNCFUNC), new Msg.Return(m.cid(), null));
            try {
              ch.receive(); // the client closes (FIN), sending nothing more
              received.add(new Msg.Other(Map.of("unexpected", true)));
            } catch (io.jtractor.wire.WireException.TransportClosed expected) {
              // as in the capture
            }
          } catch (Exception probeOrClosed) {
            // the root's probe connects and closes before any hello
          }
        }
      });
      InetSocketAddress at = new InetSocketAddress("127.0.0.1", server.getLocalPort());
      Uid rootUid;
      int rootPort;
      try (Root root = Jtractor.openRoot(ActorConfig.of("app", List.of()).withRegistry(at).withAllowTractorPeers(true))) {
        assertThat(root.isRegistrar()).isFalse();
        rootUid = root.uid();
        rootPort = root.address().getPort();
      }
      server.close();
      serving.join(Duration.ofSeconds(5));
      assertThat(received).hasSize(2);
      Msg.Cmd reg = (Msg.Cmd) received.get(0);
      assertThat(reg.ns()).isEqualTo("self");
      assertThat(reg.func()).isEqualTo("register_actor");
      assertThat(reg.kwargs()).containsExactly(
          Map.entry("uid", List.of("app", rootUid.uuid())), Map.entry("sockaddr", List.of("127.0.0.1", (long) rootPort)));
      assertThat(reg.caller()).isEqualTo(rootUid);
      Msg.Cmd unreg = (Msg.Cmd) received.get(1);
      assertThat(unreg.func()).isEqualTo("unregister_actor");
      assertThat(unreg.kwargs()).containsExactly(Map.entry("uid", List.of("app", rootUid.uuid())));
    }
  }

  @Test
  void anActorThatIsNotTheRegistrarAnswersRegistryCallsWithAttributeError() {
    try (Root root = Jtractor.openRoot("root", DiscoveryFuncs.class)) {
      root.openNursery(an -> {
        Portal p = an.startActor("plain", DiscoveryFuncs.class);
        assertThatThrownBy(() -> p.runFromNs("self", "find_actor", Map.of("name", "x")))
            .isInstanceOfSatisfying(RemoteActorError.class, e -> assertThat(e.type()).isEqualTo(AttributeError.class));
        an.cancel();
      });
    }
  }

  static InetSocketAddress freeLoopbackAddress() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return new InetSocketAddress(s.getInetAddress(), s.getLocalPort());
    }
  }

  static void awaitTrue(Duration limit, BooleanSupplier condition) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("not true within " + limit);
      Sc.sleep(Duration.ofMillis(20));
    }
  }
}
