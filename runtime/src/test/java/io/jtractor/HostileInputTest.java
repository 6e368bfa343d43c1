package io.jtractor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jtractor.config.ActorConfig;
import io.jtractor.funcs.CtxFuncs;
import io.jtractor.funcs.Funcs;
import io.jtractor.runtime.Actor;
import io.jtractor.wire.FrameWriter;
import io.jtractor.wire.HandshakeAuth;
import io.jtractor.wire.Msg;
import io.jtractor.wire.Msgpack;
import io.jtractor.wire.Uid;
import io.jtractor.wire.WireChannel;
import io.jtractor.wire.WireException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Bad bytes over a real socket end at most the one connection they came on; the actor keeps
 * serving every other. The client here is a plain tractor peer built from the wire layer only (the
 * root allows tractor peers: the bad bytes must get past the handshake to be tested).
 */
@DisplayName("hostile or broken peers cannot take an actor down")
class HostileInputTest {
  static Root root;

  @BeforeAll
  static void openRoot() {
    ActorConfig defaults = ActorConfig.of("root", List.of(Funcs.class, CtxFuncs.class));
    root = Jtractor.openRoot(new ActorConfig(
        "root", defaults.bindAddress(), defaults.modules(),
        new WireChannel.Config(4096, Duration.ofSeconds(2)), defaults.security().withAllowTractorPeers(true), null));
  }

  @AfterAll
  static void closeRoot() {
    root.close();
  }

  @AfterEach
  void theActorStillServes() throws Exception {
    try (WireChannel peer = tractorPeer()) {
      assertThat(call(peer, "hello", Map.of("name", "again"))).isEqualTo(new Msg.Return("c2", "hi again"));
    }
  }

  private static WireChannel tractorPeer() throws Exception {
    return tractorPeer(Uid.random("pyclient"));
  }

  private static WireChannel tractorPeer(Uid me) throws Exception {
    WireChannel ch = WireChannel.connect(root.address(), WireChannel.Config.DEFAULT);
    ch.handshake(me, HandshakeAuth.NONE);
    return ch;
  }

  private static Msg call(WireChannel peer, String func, Map<String, Object> kwargs) throws Exception {
    peer.send(new Msg.Cmd(Funcs.class.getName(), func, kwargs, Uid.random("pyclient"), "c2"));
    Msg first = peer.receive();
    if (first instanceof Msg.Error) return first;
    assertThat(first).isEqualTo(new Msg.Functype("c2", Msg.ASYNCFUNC));
    return peer.receive();
  }

  private static Socket raw() throws Exception {
    InetSocketAddress a = root.address();
    Socket s = new Socket(InetAddress.getLoopbackAddress(), a.getPort());
    s.setSoTimeout(10_000);
    return s;
  }

  /** Reads until the actor closes the connection (after its own hello, if it sent one). */
  private static void assertClosedByTheActor(Socket s) throws Exception {
    InputStream in = s.getInputStream();
    byte[] buf = new byte[4096];
    while (in.read(buf) >= 0) {
      // drain the actor's hello
    }
  }

  @Test
  void aPlainTractorPeerCanCallExposedFunctionsByName() throws Exception {
    try (WireChannel peer = tractorPeer()) {
      assertThat(peer.peerUid()).isEqualTo(root.uid());
      assertThat(call(peer, "add", Map.of("a", 2L, "b", 3L))).isEqualTo(new Msg.Return("c2", 5L));
      Msg err = call(peer, "nope", Map.of());
      assertThat(err).isInstanceOf(Msg.Error.class);
      assertThat(((Msg.Error) err).info().typeStr()).isEqualTo("AttributeError");
    }
  }

  @Test
  void garbageInsteadOfAHandshake() throws Exception {
    try (Socket s = raw()) {
      OutputStream out = s.getOutputStream();
      out.write(HexFormat.of().parseHex("0500000000c1c1c1c1"));
      out.flush();
      assertClosedByTheActor(s);
    }
  }

  @Test
  void aMessageBeforeTheHandshake() throws Exception {
    try (Socket s = raw()) {
      OutputStream out = s.getOutputStream();
      out.write(FrameWriter.frame(Msgpack.encode(new Msg.Cmd("self", "cancel", Map.of(), Uid.random("x"), "c").toWire())));
      out.flush();
      assertClosedByTheActor(s);
    }
    assertThat(root.actor().cancelRequester()).isNull(); // the cancel was never obeyed
  }

  @Test
  void anOversizeFrame() throws Exception {
    try (WireChannel peer = tractorPeer()) {
      peer.sendValue("x".repeat(10_000)); // over the 4096-byte limit
      assertThatThrownBy(peer::receive).isInstanceOf(WireException.TransportClosed.class);
    }
  }

  @Test
  void aMalformedFrameAfterTheHandshake() throws Exception {
    try (WireChannel peer = tractorPeer(); Socket s = new Socket()) {
      // Write raw bytes through a second, hand-made connection: a valid hello, then junk.
      s.connect(root.address());
      OutputStream out = s.getOutputStream();
      out.write(FrameWriter.frame(Msgpack.encode(Uid.random("junk").toWire())));
      out.write(HexFormat.of().parseHex("03000000c1c1c1"));
      out.flush();
      s.setSoTimeout(10_000);
      assertClosedByTheActor(s);
      assertThat(call(peer, "hello", Map.of("name", "neighbour"))).isEqualTo(new Msg.Return("c2", "hi neighbour"));
    }
  }

  @Test
  void aMessageForAnUnknownCidIsDropped() throws Exception {
    try (WireChannel peer = tractorPeer()) {
      peer.send(new Msg.Return("no-such-cid", 1L));
      peer.send(new Msg.Yield("no-such-cid", 1L));
      assertThat(call(peer, "hello", Map.of("name", "same connection"))).isEqualTo(new Msg.Return("c2", "hi same connection"));
    }
  }

  @Test
  void aPeerThatVanishesMidFrame() throws Exception {
    try (Socket s = raw()) {
      OutputStream out = s.getOutputStream();
      out.write(FrameWriter.frame(Msgpack.encode(Uid.random("vanishing").toWire())));
      out.write(HexFormat.of().parseHex("6400000081a3636d64"));
      out.flush();
    }
  }

  @Test
  void theSentinelEndsOnlyThatConnectionAndIsAnsweredInKind() throws Exception {
    try (WireChannel peer = tractorPeer()) {
      peer.send(Msg.SENTINEL);
      assertThat(peer.receive()).isSameAs(Msg.SENTINEL); // as tractor's connection handler answers
      assertThatThrownBy(peer::receive).isInstanceOf(WireException.TransportClosed.class);
    }
  }

  @Test
  void aFloodOfMessagesAStreamPassesOverNeitherDeepensItsReadersStackNorLosesAnItem() throws Exception {
    Uid me = Uid.random("pyclient");
    try (WireChannel peer = tractorPeer(me)) {
      peer.send(new Msg.Cmd(CtxFuncs.class.getName(), "collect", Map.of(), me, "flood"));
      assertThat(peer.receive()).isEqualTo(new Msg.Functype("flood", Msg.CONTEXT));
      assertThat(peer.receive()).isEqualTo(new Msg.Started("flood", null));
      // A reader passes over a started (or a functype) inside its stream; a peer that sends a
      // hundred thousand of them, in one write, gets them passed over one after another.
      Msg[] flood = new Msg[100_000];
      java.util.Arrays.fill(flood, new Msg.Started("flood", null));
      peer.send(flood);
      peer.send(new Msg.Yield("flood", 1L), new Msg.Yield("flood", 2L), new Msg.Stop("flood"));
      assertThat(peer.receive()).isEqualTo(new Msg.Stop("flood")); // the callee closes its end too
      assertThat(peer.receive()).isEqualTo(new Msg.Return("flood", List.of(1L, 2L)));
    }
  }

  @Test
  void aTaskCancelledByItsCallerAnswersInsteadOfGoingSilent() throws Exception {
    Uid me = Uid.random("pyclient");
    try (WireChannel peer = tractorPeer(me)) {
      // Messages on one connection are handled in order: the cancel always finds the task.
      peer.send(new Msg.Cmd(Funcs.class.getName(), "sleepForever", Map.of(), me, "sleeper"));
      peer.send(new Msg.Cmd("self", "_cancel_task", Map.of("cid", "sleeper"), me, "canceller"));
      java.util.List<Msg> got = new java.util.ArrayList<>();
      for (int i = 0; i < 4; i++) got.add(peer.receive());
      // tractor's order: the call's functype as it started, the cancel's functype, the cancelled
      // task's answer (better than tractor, which sends nothing), the cancel's return.
      assertThat(got.getFirst()).isEqualTo(new Msg.Functype("sleeper", Msg.ASYNCFUNC));
      assertThat(got.get(1)).isEqualTo(new Msg.Functype("canceller", Msg.ASYNCFUNC));
      assertThat(got.get(2)).isInstanceOf(Msg.Error.class);
      Msg.Error e = (Msg.Error) got.get(2);
      assertThat(e.cid()).isEqualTo("sleeper");
      assertThat(e.info().typeStr()).isEqualTo("ContextCancelled");
      assertThat(e.info().canceller()).isEqualTo(me);
      assertThat(got.get(3)).isEqualTo(new Msg.Return("canceller", true));
    }
  }
}
