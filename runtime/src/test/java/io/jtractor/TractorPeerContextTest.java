package io.jtractor;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtractor.errors.ContextCancelled;
import io.jtractor.funcs.CtxFuncs;
import io.jtractor.runtime.Tuning;
import io.jtractor.wire.HandshakeAuth;
import io.jtractor.wire.Msg;
import io.jtractor.wire.Uid;
import io.jtractor.wire.WireChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A plain tractor peer (a Python actor, played from the wire layer with the message sequence of
 * the reference capture, {@code wire/transcript.md}) opens contexts and streams on a jtractor
 * actor: the frames it gets are tractor's, and no jtractor extension (credit) reaches it.
 */
@DisplayName("contexts with a plain tractor peer, frame by frame")
class TractorPeerContextTest {
  static Root root;
  static final Uid PY = Uid.random("pyclient");
  static final String NS = CtxFuncs.class.getName();

  @BeforeAll
  static void openRoot() {
    root = Jtractor.openRoot(io.jtractor.config.ActorConfig.of("root", List.of(CtxFuncs.class))
        .withRegistry(Jtractor.defaultRegistry()).withAllowTractorPeers(true));
  }

  @AfterAll
  static void closeRoot() {
    root.close();
  }

  private static WireChannel tractorPeer() throws Exception {
    WireChannel ch = WireChannel.connect(root.address(), WireChannel.Config.DEFAULT);
    ch.handshake(PY, HandshakeAuth.NONE);
    return ch;
  }

  @Test
  void aJtractorActorAnnouncesItselfInAHelloTractorStillReads() throws Exception {
    try (WireChannel peer = tractorPeer()) {
      assertThat(peer.peerHello().uid()).isEqualTo(root.uid());
      assertThat(peer.peerHello().capabilities()).containsKey("jtractor"); // a third element tractor ignores
    }
  }

  @Test
  void aTwoWayStreamWithATractorPeerUsesExactlyTractorsMessages() throws Exception {
    try (WireChannel peer = tractorPeer()) {
      peer.send(new Msg.Cmd(NS, "pingPongServer", Map.of("data", 10, "useIterator", true), PY, "ctx1"));
      assertThat(peer.receive()).isEqualTo(new Msg.Functype("ctx1", Msg.CONTEXT));
      assertThat(peer.receive()).isEqualTo(new Msg.Started("ctx1", 11L));
      for (int i = 0; i < 100; i++) { // more than the 64-item window: still no credit frames
        peer.send(new Msg.Yield("ctx1", "ping"));
        assertThat(peer.receive()).isEqualTo(new Msg.Yield("ctx1", "pong"));
      }
      peer.send(new Msg.Stop("ctx1"));
      peer.send(new Msg.Stop("ctx1")); // tractor sends its stop twice; the second is ignored
      List<Msg> tail = new ArrayList<>();
      tail.add(peer.receive());
      tail.add(peer.receive());
      assertThat(tail).containsExactly(new Msg.Stop("ctx1"), new Msg.Return("ctx1", 100L));
    }
  }

  @Test
  void aTractorCallerGetsTheFunctypeAtOnceNotWithStarted() throws Exception {
    // tractor's start_remote_task waits for it as it sends the cmd (a jtractor caller gets it with
    // the started): a tractor caller cancelled before started must already be past that wait.
    try (WireChannel peer = tractorPeer()) {
      peer.send(new Msg.Cmd(NS, "startedLate", Map.of(), PY, "late"));
      assertThat(peer.receive()).isEqualTo(new Msg.Functype("late", Msg.CONTEXT));
      assertThat(peer.hasBufferedMessage()).as("started, 50 ms later, not read with the functype").isFalse();
      assertThat(peer.receive()).isEqualTo(new Msg.Started("late", "late"));
      assertThat(peer.receive()).isEqualTo(new Msg.Return("late", "done"));
    }
  }

  @Test
  void contextCancelByATractorPeerAnswersContextCancelledThenTheCancelsReturn() throws Exception {
    try (WireChannel peer = tractorPeer()) {
      peer.send(new Msg.Cmd(NS, "sleepForever", Map.of(), PY, "ctx2"));
      assertThat(peer.receive()).isEqualTo(new Msg.Functype("ctx2", Msg.CONTEXT));
      assertThat(peer.receive()).isEqualTo(new Msg.Started("ctx2", null));
      // Context.cancel() in tractor is this RPC, on a new cid (transcript: "Context.cancel()").
      peer.send(new Msg.Cmd("self", "_cancel_task", Map.of("cid", "ctx2"), PY, "cancel1"));
      List<Msg> got = new ArrayList<>();
      for (int i = 0; i < 4; i++) got.add(peer.receive());
      // As captured (frames C1.24-26): the cancel's functype; the callee's last words on the
      // context's cid (its stream's stop as it unwinds, then ContextCancelled); the cancel's return.
      assertThat(got.get(0)).isEqualTo(new Msg.Functype("cancel1", Msg.ASYNCFUNC));
      assertThat(got.get(1)).isEqualTo(new Msg.Stop("ctx2"));
      Msg.Error err = (Msg.Error) got.get(2);
      assertThat(err.cid()).isEqualTo("ctx2");
      assertThat(err.info().typeStr()).isEqualTo("ContextCancelled");
      assertThat(err.info().canceller()).isEqualTo(PY);
      assertThat(err.info().tbStr()).contains("was remotely cancelled by its caller");
      assertThat(got.get(3)).isEqualTo(new Msg.Return("cancel1", true));
    }
  }

  @Test
  void aTaskDeafToItsCancelHasTheCancelAnsweredAfterTheBoundedWaitThenEndsAlone() throws Exception {
    Duration wait = Duration.ofMillis(600); // the bounded wait, shortened from its 3 s for this test
    try (Tuning.Restore shortened = Tuning.override(Tuning.current().withCancelWait(wait));
        WireChannel peer = tractorPeer()) {
      peer.send(new Msg.Cmd(NS, "deaf", Map.of("ms", wait.toMillis() + 1_500L), PY, "ctx4")); // 1.5 s past the bounded wait
      assertThat(peer.receive()).isEqualTo(new Msg.Functype("ctx4", Msg.CONTEXT));
      assertThat(peer.receive()).isEqualTo(new Msg.Started("ctx4", null));
      long t0 = System.nanoTime();
      peer.send(new Msg.Cmd("self", "_cancel_task", Map.of("cid", "ctx4"), PY, "cancel4"));
      // The task says nothing for the bounded wait: it answers the cancel, functype first.
      assertThat(peer.receive()).isEqualTo(new Msg.Functype("cancel4", Msg.ASYNCFUNC));
      assertThat(peer.receive()).isEqualTo(new Msg.Return("cancel4", true));
      assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(wait.minusMillis(100).toNanos());
      // Then the task's own last word, alone: no second answer to the cancel.
      assertThat(peer.receive()).isEqualTo(new Msg.Return("ctx4", "done"));
      peer.send(new Msg.Cmd("self", "_cancel_task", Map.of("cid", "ctx4"), PY, "cancel5")); // a marker
      assertThat(peer.receive()).isEqualTo(new Msg.Functype("cancel5", Msg.ASYNCFUNC));
      assertThat(peer.receive()).isEqualTo(new Msg.Return("cancel5", true));
    }
  }

  @Test
  void aSecondCancelOfTheSameTaskAlsoReturnsOnlyAfterItsLastWords() throws Exception {
    // tractor's _cancel_task returns once the task is complete, for every cancel that asked.
    try (WireChannel peer = tractorPeer()) {
      peer.send(new Msg.Cmd(NS, "deaf", Map.of("ms", 1_000L), PY, "ctx6"));
      assertThat(peer.receive()).isEqualTo(new Msg.Functype("ctx6", Msg.CONTEXT));
      assertThat(peer.receive()).isEqualTo(new Msg.Started("ctx6", null));
      peer.send(new Msg.Cmd("self", "_cancel_task", Map.of("cid", "ctx6"), PY, "cancelA"));
      peer.send(new Msg.Cmd("self", "_cancel_task", Map.of("cid", "ctx6"), PY, "cancelB"));
      List<Msg> got = new ArrayList<>();
      for (int i = 0; i < 5; i++) got.add(peer.receive());
      assertThat(got).containsExactly(
          new Msg.Functype("cancelB", Msg.ASYNCFUNC), // the loop's, at once: A's goes with the task's words
          new Msg.Functype("cancelA", Msg.ASYNCFUNC),
          new Msg.Return("ctx6", "done"),
          new Msg.Return("cancelA", true),
          new Msg.Return("cancelB", true));
    }
  }

  @Test
  void aTractorPeerThatOverrunsGetsStreamOverrunAndTheItemIsDropped() throws Exception {
    try (WireChannel peer = tractorPeer()) {
      peer.send(new Msg.Cmd(NS, "neverOpenStream", Map.of(), PY, "ctx3"));
      assertThat(peer.receive()).isEqualTo(new Msg.Functype("ctx3", Msg.CONTEXT));
      assertThat(peer.receive()).isEqualTo(new Msg.Started("ctx3", null));
      for (int i = 0; i < 65; i++) peer.send(new Msg.Yield("ctx3", i));
      Msg.Error err = (Msg.Error) peer.receive();
      assertThat(err.cid()).isEqualTo("ctx3");
      assertThat(err.info().typeStr()).isEqualTo("StreamOverrun");
      assertThat(err.info().tbStr()).contains("was overrun by remote!").contains("sender actor: " + PY.pythonRepr());
      peer.send(new Msg.Cmd("self", "_cancel_task", Map.of("cid", "ctx3"), PY, "cancel3"));
      Msg m;
      do {
        m = peer.receive(); // the cancel's functype comes first
      } while (!(m instanceof Msg.Error));
      Msg.Error cancelled = (Msg.Error) m;
      assertThat(cancelled.info().typeStr()).isEqualTo("ContextCancelled");
    }
  }

  @Test
  void aStreamingFunctionAnswersAsyncgenYieldsAndStop() throws Exception {
    try (WireChannel peer = tractorPeer()) {
      peer.send(new Msg.Cmd(NS, "counter", Map.of("n", 3), PY, "gen1"));
      List<Msg> got = new ArrayList<>();
      for (int i = 0; i < 5; i++) got.add(peer.receive());
      assertThat(got).containsExactly(
          new Msg.Functype("gen1", Msg.ASYNCGEN),
          new Msg.Yield("gen1", 0L), new Msg.Yield("gen1", 1L), new Msg.Yield("gen1", 2L),
          new Msg.Stop("gen1"));
    }
  }
}
