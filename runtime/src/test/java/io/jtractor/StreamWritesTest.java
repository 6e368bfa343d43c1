package io.jtractor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jtractor.config.SpawnOptions;
import io.jtractor.errors.TypeError;
import io.jtractor.funcs.CtxFuncs;
import io.jtractor.funcs.Funcs;
import io.jtractor.runtime.Tuning;
import io.jtractor.sc.Nursery;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How a stream item leaves its sender: a lone item, or a reply to an item received, is written at
 * once by the sending thread; items sent in a burst queue behind a writer task that writes them
 * in large batches. Over a socket a reply follows its request by a round trip, however long
 * writing the request took: the start of that write, not its end, tells a conversation from a
 * burst. On an in-memory link (an in-process child) a reply is always written at once.
 */
@DisplayName("stream writes: replies at once, bursts behind a writer")
@Timeout(60)
class StreamWritesTest extends SharedRootTest {

  /** Without stream lanes, which would take these items past the writer (see {@link StreamLanesTest}). */
  private static void withChild(String backend, ContextSemanticsTest.PortalBody body) {
    SpawnOptions options = backend.equals("process") ? SpawnOptions.DEFAULT.asProcess() : SpawnOptions.DEFAULT.inProcess();
    try (Tuning.Restore restore = Tuning.override(Tuning.current().withStreamLanes(Tuning.StreamLanes.NEVER))) {
      root.openNursery(an -> {
        Portal p = an.startActor("writes", options, CtxFuncs.class, Funcs.class);
        try {
          body.run(p);
        } finally {
          an.cancel();
        }
      });
    }
  }

  /** Echoes 1,000 items with the child's echo; returns how many writer tasks this side started meanwhile. */
  private static long writersStartedConversing(Portal p) {
    long before = p.channel().writersStarted();
    p.openContext(CtxFuncs::echo, (ctx, first) -> {
      try (MsgStream s = ctx.openStream()) {
        for (long i = 0; i < 1_000; i++) {
          s.send(i);
          assertThat(s.receive()).isEqualTo(i);
        }
      }
      return null;
    });
    return p.channel().writersStarted() - before;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"process", "in-process"})
  void eachItemOfAConversationIsWrittenByItsSender(String backend) {
    withChild(backend, p -> {
      assertThat(writersStartedConversing(p)).as("from the root's own thread").isLessThan(10);
      AtomicLong fromTask = new AtomicLong(-1);
      Nursery.run(n -> n.startSoon(() -> fromTask.set(writersStartedConversing(p))));
      assertThat(fromTask.get()).as("from a task").isLessThan(10);
    });
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"process", "in-process"})
  void aBurstOfItemsGoesBehindAWriterTask(String backend) {
    withChild(backend, p -> {
      long before = p.channel().writersStarted();
      long sum = p.openContext(CtxFuncs::sink, 0L, (ctx, first) -> {
        try (MsgStream s = ctx.openStream()) {
          for (long i = 0; i < 5_000; i++) s.send(i);
        }
        return ctx.<Long>result();
      });
      assertThat(sum).isEqualTo(5_000L * 4_999 / 2);
      assertThat(p.channel().writersStarted() - before).isPositive();
    });
  }

  /**
   * Isolation, whichever way an item crosses: on an in-memory link a burst's immutable items (a
   * number, a string) are handed over as they are, not encoded; everything else crosses as a copy
   * the sender can go on changing. Either way the callee gets what the codec would give it (an
   * {@code Integer} arrives as a {@code Long}).
   */
  /**
   * Streams {@code n} items of six kinds to the child's {@code collect} on a new context, tagged
   * with {@code tag}; returns what the child got, beside {@code expected} (what the codec gives).
   */
  private static List<Object> streamMixed(Portal p, String tag, int n, List<Object> expected) {
    return p.openContext(CtxFuncs::collect, (ctx, first) -> {
      try (MsgStream s = ctx.openStream()) {
        for (int i = 0; i < n; i++) {
          switch (i % 6) {
            case 0 -> { s.send((long) i); expected.add((long) i); }
            case 1 -> { s.send(i); expected.add((long) i); }
            case 2 -> { s.send(tag + i); expected.add(tag + i); }
            case 3 -> {
              List<Object> mutable = new ArrayList<>(List.of((long) i, tag));
              s.send(mutable);
              mutable.add("changed after it was sent");
              expected.add(List.of((long) i, tag));
            }
            case 4 -> { s.send(i % 12 == 4); expected.add(i % 12 == 4); }
            default -> { s.send(i / 2.0); expected.add(i / 2.0); }
          }
        }
      }
      return ctx.<List<Object>>result();
    });
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"process", "in-process"})
  void aBurstsItemsArriveAsTheCodecGivesThemAndNothingTheSenderHoldsIsShared(String backend) {
    withChild(backend, p -> {
      long before = p.channel().decodedItemsSent();
      List<Object> expected = new ArrayList<>();
      assertThat(streamMixed(p, "item ", 3_000, expected)).isEqualTo(expected);
      long decoded = p.channel().decodedItemsSent() - before;
      if (backend.equals("process")) assertThat(decoded).isZero();
      else assertThat(decoded).as("items handed over in their decoded form").isPositive();
    });
  }

  /**
   * An item msgpack cannot carry, in the middle of a burst queued behind the writer, fails its
   * sender at once and leaves nothing of itself in the queue: every item before and after it
   * arrives, whole and in order.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"process", "in-process"})
  void anItemMsgpackCannotCarryFailsItsSenderMidBurstAndLeavesTheRestWhole(String backend) {
    withChild(backend, p -> {
      List<Object> got = collected(p, s -> {
        for (long i = 0; i < 2_000; i++) s.send(i);
        assertThatThrownBy(() -> s.send(List.of(-1L, new Object()))).isInstanceOf(TypeError.class);
        for (long i = 2_000; i < 4_000; i++) s.send(i);
      });
      assertThat(got).isEqualTo(java.util.stream.LongStream.range(0, 4_000).boxed().toList());
    });
  }

  /**
   * A lone item (the stream's first, written at once with no record) that msgpack cannot carry
   * fails its sender and sends nothing; the items after it arrive.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"process", "in-process"})
  void aLoneItemMsgpackCannotCarryFailsItsSenderAndSendsNothing(String backend) {
    withChild(backend, p -> {
      List<Object> got = collected(p, s -> {
        assertThatThrownBy(() -> s.send(List.of(-1L, new Object()))).isInstanceOf(TypeError.class);
        s.send(7L);
        Thread.sleep(20); // apart: a lone item again
        s.send("after");
      });
      assertThat(got).containsExactly(7L, "after");
    });
  }

  /** What a test sends on a stream. */
  private interface Sending {
    void run(MsgStream s) throws Exception;
  }

  /** The items {@code CtxFuncs.collect} in {@code p}'s actor received from what {@code sending} sent. */
  private static List<Object> collected(Portal p, Sending sending) {
    return p.openContext(CtxFuncs::collect, (ctx, first) -> {
      try (MsgStream s = ctx.openStream()) {
        sending.run(s);
      }
      return ctx.<List<Object>>result();
    });
  }

  /**
   * Four tasks stream at once on one connection: decoded items, encoded items, credits and each
   * context's opening and closing frames share one queue and one link, and every context still
   * gets exactly its own items, in order.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"process", "in-process"})
  void severalContextsStreamingAtOnceEachGetTheirOwnItemsInOrder(String backend) {
    withChild(backend, p -> {
      int tasks = 4;
      List<List<Object>> expected = new ArrayList<>();
      List<List<Object>> got = new ArrayList<>();
      for (int t = 0; t < tasks; t++) {
        expected.add(new ArrayList<>());
        got.add(null);
      }
      Nursery.run(n -> {
        for (int t = 0; t < tasks; t++) {
          int task = t;
          n.startSoon(() -> got.set(task, streamMixed(p, "task " + task + " item ", 4_000, expected.get(task))));
        }
      });
      for (int t = 0; t < tasks; t++) assertThat(got.get(t)).as("task %d", t).isEqualTo(expected.get(t));
    });
  }
}
