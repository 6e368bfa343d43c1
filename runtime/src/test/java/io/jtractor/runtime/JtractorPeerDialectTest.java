package io.jtractor.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtractor.Jtractor;
import io.jtractor.Root;
import io.jtractor.config.ActorConfig;
import io.jtractor.config.Security;
import io.jtractor.config.TreeSecret;
import io.jtractor.funcs.Funcs;
import io.jtractor.wire.Msg;
import io.jtractor.wire.Uid;
import io.jtractor.wire.WireChannel;
import io.jtractor.wire.WireException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Where jtractor peers keep doing better than tractor: a call in flight when its caller's
 * sentinel or {@code self.cancel} arrives answers with a {@code ContextCancelled} (tractor peers
 * get nothing, see {@code TractorDialectTest}). The peer here is a raw jtractor peer holding the
 * tree's secret.
 */
@DisplayName("jtractor peers keep the ContextCancelled reply")
@Timeout(60)
class JtractorPeerDialectTest {
  static final byte[] SECRET = "a test tree's secret, 32 bytes!!".getBytes();

  private static Root root() {
    return root(Funcs.class);
  }

  /** A root exposing {@code modules}, holding the tree's secret a raw jtractor peer proves. */
  static Root root(Class<?>... modules) {
    ActorConfig c = ActorConfig.of("root", List.of(modules)).withRegistry(Jtractor.defaultRegistry());
    return Jtractor.openRoot(c.withSecurity(c.security().withSecret(TreeSecret.of(SECRET))));
  }

  static WireChannel jtractorPeer(Root root, Uid me) throws Exception {
    WireChannel ch = WireChannel.connect(root.address(), WireChannel.Config.DEFAULT);
    ch.handshake(me, Authenticator.of(TreeSecret.of(SECRET), Security.defaults(), me, List::of, u -> false));
    assertThat(ch.peerAuthenticated()).isTrue();
    return ch;
  }

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
  void theSentinelCancelsACallInFlightWhichAnswersContextCancelledThenTheSentinelComesBack() throws Exception {
    Uid me = Uid.random("jpeer");
    try (Root root = root(); WireChannel peer = jtractorPeer(root, me)) {
      peer.send(new Msg.Cmd(Funcs.class.getName(), "sleepForever", Map.of(), me, "pending"));
      peer.send(Msg.SENTINEL);
      List<Msg> got = untilClosed(peer);
      assertThat(got).hasSize(3);
      assertThat(got.get(0)).isEqualTo(new Msg.Functype("pending", Msg.ASYNCFUNC)); // with its outcome
      assertThat(((Msg.Error) got.get(1)).info().typeStr()).isEqualTo("ContextCancelled");
      assertThat(got.get(2)).isSameAs(Msg.SENTINEL);
    }
  }

  @Test
  void selfCancelAnswersACallInFlightWithContextCancelledNamingTheCanceller() throws Exception {
    Uid me = Uid.random("jpeer");
    try (Root root = root(); WireChannel peer = jtractorPeer(root, me)) {
      peer.send(new Msg.Cmd(Funcs.class.getName(), "sleepForever", Map.of(), me, "pending"));
      peer.send(new Msg.Cmd("self", "cancel", Map.of(), me, "cancel"));
      List<Msg> got = untilClosed(peer);
      Msg.Error cancelled = got.stream().filter(m -> m instanceof Msg.Error e && "pending".equals(e.cid()))
          .map(Msg.Error.class::cast).findFirst().orElseThrow();
      assertThat(cancelled.info().typeStr()).isEqualTo("ContextCancelled");
      assertThat(cancelled.info().canceller()).isEqualTo(me);
      assertThat(got).contains(new Msg.Return("cancel", true));
      root.awaitStopped();
    }
  }
}
