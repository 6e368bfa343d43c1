package io.jtractor;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtractor.funcs.AioFuncs;
import io.jtractor.wire.HandshakeAuth;
import io.jtractor.wire.Msg;
import io.jtractor.wire.Uid;
import io.jtractor.wire.WireChannel;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A plain tractor peer (a Python caller's {@code open_stream_from}, played from the wire layer)
 * reads a function that returns a {@code Flow.Publisher}: exactly an async generator's frames, with
 * no credit from the peer, past the 64-item window.
 */
@DisplayName("a publisher function read by a plain tractor peer, frame by frame")
class TractorPeerPublisherTest {
  static Root root;
  static final Uid PY = Uid.random("pyclient");

  @BeforeAll
  static void openRoot() {
    root = Jtractor.openRoot(Jtractor.rootConfig("root", AioFuncs.class).withAllowTractorPeers(true));
  }

  @AfterAll
  static void closeRoot() {
    root.close();
  }

  @Test
  void aPublisherIsStreamedAsAnAsyncGenerator() throws Exception {
    try (WireChannel peer = WireChannel.connect(root.address(), WireChannel.Config.DEFAULT)) {
      peer.handshake(PY, HandshakeAuth.NONE);
      peer.send(new Msg.Cmd(AioFuncs.class.getName(), "plainRange", Map.of("n", 100), PY, "gen1"));
      assertThat(peer.receive()).isEqualTo(new Msg.Functype("gen1", Msg.ASYNCGEN));
      for (long i = 0; i < 100; i++) assertThat(peer.receive()).isEqualTo(new Msg.Yield("gen1", i));
      assertThat(peer.receive()).isEqualTo(new Msg.Stop("gen1"));
    }
  }
}
