package io.jtractor.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtractor.Root;
import io.jtractor.funcs.CtxFuncs;
import io.jtractor.wire.Msg;
import io.jtractor.wire.Uid;
import io.jtractor.wire.WireChannel;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A context's callee sends its {@code functype} with the task's first frame, in one write: the
 * caller waits for both anyway, and one write costs one system call and wakes the caller's reader
 * once. The functype still comes first for its cid, whatever that first frame is. Seen frame by
 * frame by a raw jtractor peer.
 */
@DisplayName("a context's functype leaves with the callee's first frame")
@Timeout(60)
class ContextFirstFrameTest {

  /** What a test does with a raw jtractor peer of a root exposing {@link CtxFuncs}. */
  private interface PeerBody {
    void run(WireChannel peer, Uid me) throws Exception;
  }

  private static void withPeer(PeerBody body) throws Exception {
    Uid me = Uid.random("jpeer");
    try (Root root = JtractorPeerDialectTest.root(CtxFuncs.class); WireChannel peer = JtractorPeerDialectTest.jtractorPeer(root, me)) {
      body.run(peer, me);
    }
  }

  @Test
  void theFunctypeWaitsForStartedAndLeavesWithItInOneWrite() throws Exception {
    withPeer((peer, me) -> {
      peer.send(new Msg.Cmd(CtxFuncs.class.getName(), "startedLate", Map.of(), me, "ctx"));
      assertThat(peer.receive()).isEqualTo(new Msg.Functype("ctx", Msg.CONTEXT));
      // started came 50 ms after the call began, and in the same read as the functype
      assertThat(peer.hasBufferedMessage()).as("started read with the functype").isTrue();
      assertThat(peer.receive()).isEqualTo(new Msg.Started("ctx", "late"));
      assertThat(peer.receive()).isEqualTo(new Msg.Return("ctx", "done"));
    });
  }

  @Test
  void aContextThatFailsBeforeItStartsSendsItsFunctypeFirst() throws Exception {
    withPeer((peer, me) -> {
      peer.send(new Msg.Cmd(CtxFuncs.class.getName(), "failBeforeStarted", Map.of(), me, "ctx"));
      assertThat(peer.receive()).isEqualTo(new Msg.Functype("ctx", Msg.CONTEXT));
      Msg error = peer.receive();
      assertThat(error).isInstanceOf(Msg.Error.class);
      assertThat(error.cid()).isEqualTo("ctx");
      assertThat(((Msg.Error) error).info().tbStr()).contains("not starting");
    });
  }

  @Test
  void aContextCancelledBeforeItStartsSendsItsFunctypeBeforeItsLastWords() throws Exception {
    withPeer((peer, me) -> {
      peer.send(new Msg.Cmd(CtxFuncs.class.getName(), "startedLate", Map.of(), me, "ctx"));
      peer.send(new Msg.Cmd("self", "_cancel_task", Map.of("cid", "ctx"), me, "cancel"));
      // tractor's order for the cancel's answer, with the context's functype ahead of its last words
      assertThat(peer.receive()).isEqualTo(new Msg.Functype("cancel", Msg.ASYNCFUNC));
      assertThat(peer.receive()).isEqualTo(new Msg.Functype("ctx", Msg.CONTEXT));
      Msg lastWords = peer.receive();
      assertThat(((Msg.Error) lastWords).info().typeStr()).isEqualTo("ContextCancelled");
      assertThat(peer.receive()).isEqualTo(new Msg.Return("cancel", true));
    });
  }
}
