package io.jtractor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jtractor.config.ActorConfig;
import io.jtractor.config.SpawnOptions;
import io.jtractor.funcs.CtxFuncs;
import io.jtractor.funcs.Funcs;
import io.jtractor.funcs.LeakFuncs;
import io.jtractor.runtime.Tuning;
import io.jtractor.sc.Nursery;
import io.jtractor.sc.Sc;
import io.jtractor.errors.RemoteActorError;
import io.jtractor.wire.MemoryConnection;
import io.jtractor.wire.WireChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Stream lanes ({@link Tuning.StreamLanes#ALWAYS}, the default where virtual threads run on one
 * carrier): between an actor and its in-process child, a stream item goes from the sending task
 * straight into the receiving side's inbox, and a credit grant straight to the sender, without
 * the connection's writer task or the peer's message loop; the order is the connection's whatever
 * way each item takes. The conformance suites run on lanes too (the runtime's pom sets
 * {@value Tuning.StreamLanes#PROPERTY} for its in-process execution).
 */
@DisplayName("stream lanes: in-process items task to task, in the connection's order")
@Timeout(60)
class StreamLanesTest extends SharedRootTest {

  private static void withLanes(Tuning.StreamLanes lanes, ContextSemanticsTest.PortalBody body) {
    try (Tuning.Restore restore = Tuning.override(Tuning.current().withStreamLanes(lanes))) {
      root.openNursery(an -> {
        Portal p = an.startActor("lanes", SpawnOptions.DEFAULT.inProcess(), CtxFuncs.class, Funcs.class);
        try {
          body.run(p);
        } finally {
          an.cancel();
        }
      });
    }
  }

  /** Streams 0..n-1 to the child's sink; returns how many writer tasks this side started meanwhile. */
  private static long writersStartedByABurst(Portal p, long n) {
    long before = p.channel().writersStarted();
    long sum = p.openContext(CtxFuncs::sink, 0L, (ctx, first) -> {
      try (MsgStream s = ctx.openStream()) {
        for (long i = 0; i < n; i++) s.send(i);
      }
      return ctx.<Long>result();
    });
    assertThat(sum).isEqualTo(n * (n - 1) / 2);
    return p.channel().writersStarted() - before;
  }

  @Test
  void aBurstOfNumbersTakesTheLaneAndNoWriterTask() {
    withLanes(Tuning.StreamLanes.ALWAYS, p ->
        assertThat(writersStartedByABurst(p, 20_000)).as("writer tasks started").isZero());
  }

  @Test
  void withoutLanesTheSameBurstGoesBehindAWriterTask() {
    withLanes(Tuning.StreamLanes.NEVER, p ->
        assertThat(writersStartedByABurst(p, 20_000)).as("writer tasks started").isPositive());
  }

  /**
   * Numbers and strings may take the lane; a list is encoded and goes through the connection. One
   * after the other, an item taking the lane would overtake a list still on its way, were it not
   * held to the connection until the list has been routed.
   */
  @Test
  void itemsThatMustBeEncodedAreNeverOvertakenByItemsThatNeedNot() {
    withLanes(Tuning.StreamLanes.ALWAYS, p -> {
      List<Object> expected = new ArrayList<>();
      List<Object> got = p.openContext(CtxFuncs::collect, (ctx, first) -> {
        try (MsgStream s = ctx.openStream()) {
          for (int i = 0; i < 6_000; i++) {
            if (i % 3 == 0) {
              List<Object> mutable = new ArrayList<>(List.of((long) i));
              s.send(mutable);
              mutable.add("changed after it was sent");
              expected.add(List.of((long) i));
            } else if (i % 3 == 1) {
              s.send(i);
              expected.add((long) i); // an Integer arrives as the codec gives it
            } else {
              s.send("item " + i);
              expected.add("item " + i);
            }
          }
        }
        return ctx.<List<Object>>result();
      });
      assertThat(got).isEqualTo(expected);
    });
  }

  /** Items both ways and credit both ways, on the lane, a conversation at a time. */
  @Test
  void anEchoConversationOnTheLaneAnswersEveryItemInOrder() {
    withLanes(Tuning.StreamLanes.ALWAYS, p -> {
      long echoed = p.openContext(CtxFuncs::echo, (ctx, first) -> {
        try (MsgStream s = ctx.openStream()) {
          for (long i = 0; i < 5_000; i++) {
            s.send(i);
            assertThat(s.receive()).isEqualTo(i);
          }
        }
        return ctx.<Long>result();
      });
      assertThat(echoed).isEqualTo(5_000L);
    });
  }

  /**
   * A callee's one-way burst to its caller: the caller's credit goes back over the lane, and the
   * callee, bounded by it, never gets more than the buffer ahead; its return ends the stream only
   * after every item.
   */
  @Test
  void aCalleesBurstOnTheLaneIsBoundedByCreditAndEndsAfterItsLastItem() {
    withLanes(Tuning.StreamLanes.ALWAYS, p -> {
      long n = 20_000;
      long[] sum = {0};
      long[] count = {0};
      long sent = p.openContext(CtxFuncs::source, n, true, (ctx, first) -> {
        try (MsgStream s = ctx.openStream()) {
          for (Object item : s) {
            assertThat(item).isEqualTo(count[0]);
            sum[0] += (Long) item;
            count[0]++;
          }
        }
        return ctx.<Long>result();
      });
      assertThat(sent).isEqualTo(n);
      assertThat(count[0]).isEqualTo(n);
      assertThat(sum[0]).isEqualTo(n * (n - 1) / 2);
    });
  }

  /**
   * An end whose frame limit is under {@code MsgCodec.DIRECT_FRAME_MAX} could refuse, as a frame,
   * an item handed over decoded: its reader must see every item, so that context has no lane.
   */
  @Test
  void anEndWithASmallFrameLimitGetsItsItemsThroughTheConnection() {
    ActorConfig defaults = Jtractor.rootConfig("small-frames", CtxFuncs.class);
    ActorConfig small = new ActorConfig(defaults.name(), defaults.bindAddress(), defaults.modules(),
        new WireChannel.Config(4_000, defaults.wireConfig().handshakeTimeout()), defaults.security(), null);
    try (Tuning.Restore restore = Tuning.override(Tuning.current().withStreamLanes(Tuning.StreamLanes.ALWAYS));
        Root smallRoot = Jtractor.openRoot(small)) {
      smallRoot.openNursery(an -> {
        Portal p = an.startActor("lanes", SpawnOptions.DEFAULT.inProcess(), CtxFuncs.class, Funcs.class);
        try {
          assertThat(writersStartedByABurst(p, 5_000)).as("writer tasks started").isPositive();
        } finally {
          an.cancel();
        }
      });
    }
  }

  /**
   * Nothing grows: two sides leave the connection's meeting place as they meet, and a side whose
   * counterpart never came (a call refused before any side was made for it there) leaves it as it
   * closes.
   */
  @Test
  void manyContextsOpenedAndEndedEveryWayLeaveTheMeetingPlaceEmpty() {
    withLanes(Tuning.StreamLanes.ALWAYS, p -> {
      Map<Object, Object> place = ((MemoryConnection) p.channel().wire().connection()).meetingPlace();
      for (int i = 0; i < 100; i++) {
        writersStartedByABurst(p, 10);
        assertThatThrownBy(() -> p.openContext(CtxFuncs::failBeforeStarted, (ctx, first) -> null))
            .isInstanceOf(RemoteActorError.class);
        assertThatThrownBy(() -> p.openContext(LeakFuncs::streamForever, (ctx, first) -> null))
            .as("a module the child does not expose: no side there").isInstanceOf(RemoteActorError.class);
        assertThatThrownBy(() -> p.openContext(CtxFuncs::failAfterStarted, 0L, (ctx, first) -> ctx.result()))
            .isInstanceOf(RemoteActorError.class);
        p.openContext(CtxFuncs::sleepForever, (ctx, first) -> {
          try (MsgStream s = ctx.openStream()) {
            ctx.cancel();
          }
          return null;
        });
      }
      assertThat(place).isEmpty();
    });
  }

  /**
   * A lane item takes no credit: it waits, as on a bounded channel, while the receiving side's
   * inbox holds a buffer's worth of the lane's items (64 here, credit's own minimum), and goes on
   * as they are taken.
   */
  @Test
  void aLaneSenderWaitsWhileTheReceiversBufferHoldsItsItems() {
    withLanes(Tuning.StreamLanes.ALWAYS, p -> {
      CtxFuncs.COUNTED_SENT.set(0);
      long n = 1_000;
      long returned = p.openContext(CtxFuncs::countedSource, n, (ctx, first) -> {
        try (MsgStream s = ctx.openStream()) {
          Sc.sleep(Duration.ofMillis(300)); // time enough to send all 1,000, were nothing to stop it
          assertThat(CtxFuncs.COUNTED_SENT.get()).as("items sent before any was taken").isLessThanOrEqualTo(64);
          for (long i = 0; i < n; i++) assertThat(s.receive()).isEqualTo(i);
        }
        return ctx.<Long>result();
      });
      assertThat(returned).isEqualTo(n);
      assertThat(CtxFuncs.COUNTED_SENT.get()).isEqualTo(n);
    });
  }

  /** A lane sender waiting for room is cancelled with its context, and the cancel is answered. */
  @Test
  void aLaneSenderWaitingForRoomIsCancelledWithItsContext() {
    withLanes(Tuning.StreamLanes.ALWAYS, p -> {
      CtxFuncs.COUNTED_SENT.set(0);
      p.openContext(CtxFuncs::countedSource, 1_000_000L, (ctx, first) -> {
        try (MsgStream s = ctx.openStream()) {
          while (CtxFuncs.COUNTED_SENT.get() < 64) Sc.sleep(Duration.ofMillis(1)); // until it waits for room
          ctx.cancel();
        }
        return null;
      });
      assertThat(CtxFuncs.COUNTED_SENT.get()).isLessThan(1_000_000L);
    });
  }

  /**
   * A task of the caller waits for room in a callee that does not read; the caller cancels the
   * context. Once the callee's side is gone the waiting task is let go, and fails as a sender
   * waiting for credit would: it must not wait for ever.
   */
  @Test
  void aLaneSenderWaitingOnASideThatIsGoneIsLetGo() {
    withLanes(Tuning.StreamLanes.ALWAYS, p -> {
      AtomicLong sent = new AtomicLong();
      List<Throwable> senderEnded = new java.util.concurrent.CopyOnWriteArrayList<>();
      p.openContext(CtxFuncs::sleepForever, (ctx, first) -> {
        try (MsgStream s = ctx.openStream()) {
          Nursery.run(n -> {
            n.startSoon(() -> {
              try {
                for (long i = 0; ; i++) {
                  s.send(i);
                  sent.incrementAndGet();
                }
              } catch (Throwable t) {
                senderEnded.add(t);
              }
            });
            while (sent.get() < 64) Sc.sleep(Duration.ofMillis(1)); // the callee's buffer is full
            ctx.cancel();
          });
        }
        return null;
      });
      assertThat(senderEnded).hasSize(1);
      assertThat(sent.get()).isLessThan(1_000L);
    });
  }

  /** Four tasks, four contexts, one connection: each context's lane and frames are its own. */
  @Test
  void severalContextsOnLanesAtOnceEachGetTheirOwnItemsInOrder() {
    withLanes(Tuning.StreamLanes.ALWAYS, p -> {
      int tasks = 4;
      List<List<Object>> got = new ArrayList<>(List.of(List.of(), List.of(), List.of(), List.of()));
      Nursery.run(n -> {
        for (int t = 0; t < tasks; t++) {
          int task = t;
          n.startSoon(() -> got.set(task, p.openContext(CtxFuncs::collect, (ctx, first) -> {
            try (MsgStream s = ctx.openStream()) {
              for (long i = 0; i < 5_000; i++) s.send(i % 7 == 0 ? List.of(task, i) : (Object) (task * 100_000L + i));
            }
            return ctx.<List<Object>>result();
          })));
        }
      });
      for (int t = 0; t < tasks; t++) {
        List<Object> expected = new ArrayList<>();
        for (long i = 0; i < 5_000; i++) expected.add(i % 7 == 0 ? List.of((long) t, i) : (Object) (t * 100_000L + i));
        assertThat(got.get(t)).as("task %d", t).isEqualTo(expected);
      }
    });
  }
}
