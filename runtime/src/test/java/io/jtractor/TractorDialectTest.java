package io.jtractor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jtractor.config.ActorConfig;
import io.jtractor.errors.RemoteActorError;
import io.jtractor.funcs.Funcs;
import io.jtractor.runtime.Actor;
import io.jtractor.wire.FrameWriter;
import io.jtractor.wire.HandshakeAuth;
import io.jtractor.wire.Msg;
import io.jtractor.wire.Msgpack;
import io.jtractor.wire.Uid;
import io.jtractor.wire.WireChannel;
import io.jtractor.wire.WireException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a tractor peer gets from a jtractor actor is exactly what tractor (commit c72026091e)
 * sends, checked frame by frame, and byte for byte against the real capture where it has the
 * exchange ({@code wire/src/test/resources/tractor-frames.txt}).
 */
@DisplayName("tractor's exact dialect, to tractor peers")
@Timeout(60)
class TractorDialectTest {
  /** The capture's root uid, and its self.cancel request to the child (frames at 0.850 s). */
  static final Uid CAPTURED_ROOT = new Uid("root", "9b357e08-bea5-4cb4-9203-d0878895bd99");
  static final String CAPTURED_CANCEL_CID = "48288aa2-e9dc-4865-a6e7-baa737dc9d59";

  /** The captured frames (hex, length prefix included) of connection C1, in order. */
  static List<String> capturedC1() throws Exception {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("../wire/src/test/resources/tractor-frames.txt"))) {
      if (line.isBlank() || line.startsWith("#")) continue;
      String[] f = line.trim().split("\\s+");
      if (f[1].equals("C1")) out.add(f[f.length - 1]);
    }
    return out;
  }

  /** The bytes of {@code s} as msgpack writes a short string's body, in hex (to find a frame). */
  private static String hex(String s) {
    return HexFormat.of().formatHex(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static Root allowingTractorPeers() {
    return Jtractor.openRoot(ActorConfig.of("root", List.of(Funcs.class))
        .withRegistry(Jtractor.defaultRegistry()).withAllowTractorPeers(true));
  }

  private static WireChannel tractorPeer(InetSocketAddress at, Uid as) throws Exception {
    WireChannel ch = WireChannel.connect(at, WireChannel.Config.DEFAULT);
    ch.handshake(as, HandshakeAuth.NONE);
    return ch;
  }

  /** The next frame as its bytes on the wire (the codec re-encodes byte for byte). */
  private static String nextFrameHex(WireChannel ch) throws Exception {
    return HexFormat.of().formatHex(FrameWriter.frame(Msgpack.encode(ch.receiveValue())));
  }

  /** Every frame until the actor closes the connection. */
  private static List<Msg> untilClosed(WireChannel ch) throws Exception {
    List<Msg> got = new ArrayList<>();
    while (true) {
      try {
        got.add(ch.receive());
      } catch (WireException.TransportClosed end) {
        return got;
      }
    }
  }

  @Test
  void aCallInFlightWhenSelfCancelArrivesGetsNoReplyAndTheCancelIsAnsweredAsCaptured() throws Exception {
    try (Root root = allowingTractorPeers(); WireChannel peer = tractorPeer(root.address(), CAPTURED_ROOT)) {
      peer.send(new Msg.Cmd(Funcs.class.getName(), "sleepForever", Map.of(), CAPTURED_ROOT, "pending"));
      assertThat(peer.receive()).isEqualTo(new Msg.Functype("pending", Msg.ASYNCFUNC)); // at once, as tractor
      peer.send(new Msg.Cmd("self", "cancel", Map.of(), CAPTURED_ROOT, CAPTURED_CANCEL_CID));
      List<String> c1 = capturedC1();
      int request = c1.indexOf(c1.stream().filter(h -> h.contains(hex("cancel")) && h.contains(hex(CAPTURED_CANCEL_CID))).findFirst().orElseThrow());
      // The request we sent is the captured one, byte for byte; so are the two answers.
      assertThat(HexFormat.of().formatHex(FrameWriter.frame(Msgpack.encode(
          new Msg.Cmd("self", "cancel", Map.of(), CAPTURED_ROOT, CAPTURED_CANCEL_CID).toWire())))).isEqualTo(c1.get(request));
      assertThat(nextFrameHex(peer)).isEqualTo(c1.get(request + 1));
      assertThat(nextFrameHex(peer)).isEqualTo(c1.get(request + 2));
      // Nothing more for the pending call: tractor sends nothing for a cancelled coroutine.
      assertThat(untilClosed(peer)).noneMatch(m -> "pending".equals(m.cid()));
      root.awaitStopped();
      assertThat(root.actor().cancelRequester()).isEqualTo(CAPTURED_ROOT);
    }
  }

  @Test
  void aCallInFlightWhenTheSentinelArrivesGetsNoReplyAndTheSentinelIsAnsweredInKind() throws Exception {
    Uid py = Uid.random("py");
    try (Root root = allowingTractorPeers(); WireChannel peer = tractorPeer(root.address(), py)) {
      peer.send(new Msg.Cmd(Funcs.class.getName(), "sleepForever", Map.of(), py, "pending"));
      assertThat(peer.receive()).isEqualTo(new Msg.Functype("pending", Msg.ASYNCFUNC));
      peer.send(Msg.SENTINEL);
      assertThat(nextFrameHex(peer)).isEqualTo("01000000c0").isIn(capturedC1()); // the captured sentinel frame
      assertThatThrownBy(peer::receive).isInstanceOf(WireException.TransportClosed.class);
    }
  }

  @Test
  void aPlainCallsFunctypeLeavesWhenTheCallStartsNotWithItsResult() throws Exception {
    Uid py = Uid.random("py");
    try (Root root = allowingTractorPeers(); WireChannel peer = tractorPeer(root.address(), py)) {
      peer.send(new Msg.Cmd(Funcs.class.getName(), "sleepForever", Map.of(), py, "endless"));
      try (WireChannel.Deadline limit = peer.closeAfter(Duration.ofSeconds(5))) {
        // A call that never returns has no result to carry its functype: it came on its own.
        assertThat(peer.receive()).isEqualTo(new Msg.Functype("endless", Msg.ASYNCFUNC));
      }
      peer.send(new Msg.Cmd("self", "_cancel_task", Map.of("cid", "endless"), py, "stop"));
      List<Msg> rest = List.of(peer.receive(), peer.receive(), peer.receive());
      assertThat(rest.getFirst()).isEqualTo(new Msg.Functype("stop", Msg.ASYNCFUNC));
      assertThat(rest.get(1).cid()).isEqualTo("endless"); // no second functype for it
      assertThat(rest.get(2)).isEqualTo(new Msg.Return("stop", true));
    }
  }

  @Test
  void jtractorOnlyCallsNeverReachATractorRegistrarAndGetRegistryAnswersInstead() throws Exception {
    // A Python registrar, played from the wire layer: an unknown self
    // method kills tractor's, so registry_info must never reach it.
    Uid registrarUid = Uid.random("registrar");
    List<String> asked = new CopyOnWriteArrayList<>();
    try (ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Thread serving = Thread.ofVirtual().start(() -> {
        while (!server.isClosed()) {
          try (WireChannel ch = WireChannel.wrap(server.accept(), WireChannel.Config.DEFAULT)) {
            ch.handshake(registrarUid, HandshakeAuth.NONE);
            while (true) {
              if (!(ch.receive() instanceof Msg.Cmd cmd)) break;
              asked.add(cmd.func());
              Object value = cmd.func().equals("get_registry")
                  ? Map.of("registrar." + registrarUid.uuid(), List.of("127.0.0.1", (long) server.getLocalPort()))
                  : null;
              ch.send(new Msg.Functype(cmd.cid(), Msg.ASYNCFUNC), new Msg.Return(cmd.cid(), value));
            }
          } catch (Exception probeOrClosed) {
            // probes, and clients closing
          }
        }
      });
      InetSocketAddress at = new InetSocketAddress("127.0.0.1", server.getLocalPort());
      try (Root root = Jtractor.openRoot(ActorConfig.of("app", List.of()).withRegistry(at).withAllowTractorPeers(true))) {
        List<Discovery.ActorInfo> actors = Discovery.actors(at);
        assertThat(actors).containsExactly(new Discovery.ActorInfo(registrarUid, at, null, -1));
      }
      server.close();
      serving.join(Duration.ofSeconds(5));
      assertThat(asked).contains("get_registry").doesNotContain("registry_info");
    }
  }

  @ParameterizedTest(name = "{0} goes out as {1}")
  @CsvSource({
      "value, ValueError, java.lang.IllegalArgumentException",
      "number, ValueError, java.lang.NumberFormatException",
      "type, TypeError, java.lang.ClassCastException",
      "key, KeyError, io.jtractor.errors.KeyError",
      "index, IndexError, java.lang.ArrayIndexOutOfBoundsException",
      "attribute, AttributeError, io.jtractor.errors.AttributeError",
      "assertion, AssertionError, java.lang.AssertionError",
      "zero, ZeroDivisionError, java.lang.ArithmeticException",
      "overflow, ArithmeticError, java.lang.ArithmeticException",
      "notimpl, NotImplementedError, java.lang.UnsupportedOperationException",
      "timeout, TimeoutError, java.util.concurrent.TimeoutException",
      "runtime, RuntimeError, java.lang.RuntimeException",
      "state, RuntimeError, java.lang.IllegalStateException",
      "npe, NullPointerException, java.lang.NullPointerException",
  })
  void aJavaExceptionGoesOutUnderItsPythonTwinsNameWithItsJavaClassKept(String kind, String typeStr, String javaType) throws Exception {
    Uid py = Uid.random("py");
    try (Root root = allowingTractorPeers(); WireChannel peer = tractorPeer(root.address(), py)) {
      peer.send(new Msg.Cmd(Funcs.class.getName(), "raise", Map.of("kind", kind), py, "e1"));
      assertThat(peer.receive()).isEqualTo(new Msg.Functype("e1", Msg.ASYNCFUNC));
      Msg.Error e = (Msg.Error) peer.receive();
      assertThat(e.info().typeStr()).isEqualTo(typeStr);
      assertThat(e.info().fields()).containsEntry(RemoteActorError.JAVA_TYPE, javaType);
      assertThat(e.info().tbStr()).contains(javaType); // the remote trace, to an admitted peer
      // And back: a jtractor receiver restores the Java class, a Python name alone its twin.
      assertThat(RemoteActorError.from(e.info(), root.uid()).type().getName()).isEqualTo(javaType);
    }
  }
}
