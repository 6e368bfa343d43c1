package io.jtractor.funcs;

import io.jtractor.Context;
import io.jtractor.Emitter;
import io.jtractor.MsgStream;
import io.jtractor.StreamOptions;
import io.jtractor.errors.ContextCancelled;
import io.jtractor.sc.Cancelled;
import io.jtractor.sc.EndOfChannel;
import io.jtractor.sc.Nursery;
import io.jtractor.sc.Sc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Context and streaming functions the context tests run in child actors: Java versions of the
 * callees in tractor's test_context_stream_semantics, test_2way and test_legacy_one_way_streaming.
 */
public final class CtxFuncs {
  private CtxFuncs() {}

  /** Set while {@link #simpleSetupTeardown} or {@link #expectCancelled} runs; read by {@link #state}. */
  private static volatile boolean state;

  /** A plain function: the callee's state, seen through another call. */
  public static boolean state() {
    return state;
  }

  public static String simpleSetupTeardown(Context ctx, long data, boolean blockForever) {
    state = true;
    try {
      ctx.started(data + 1);
      if (blockForever) Sc.sleepForever();
      return "yo";
    } finally {
      state = false;
    }
  }

  public static void tooManyStarteds(Context ctx) {
    ctx.started();
    ctx.started();
  }

  public static void notStartedButStreamOpened(Context ctx) {
    try (MsgStream s = ctx.openStream()) {
      s.send("never");
    }
  }

  /** test_2way's server: answers each "ping" with "pong", returns how many it answered. */
  public static long pingPongServer(Context ctx, long data, boolean useIterator) {
    ctx.started(data + 1);
    long count = 0;
    try (MsgStream stream = ctx.openStream()) {
      if (useIterator) {
        for (Object msg : stream) {
          if (!"ping".equals(msg)) throw new AssertionError("expected ping, got " + msg);
          stream.send("pong");
          count++;
        }
      } else {
        while (true) {
          Object msg;
          try {
            msg = stream.receive();
          } catch (EndOfChannel end) {
            break;
          }
          if (!"ping".equals(msg)) throw new AssertionError("expected ping, got " + msg);
          stream.send("pong");
          count++;
        }
      }
    }
    return count;
  }

  /** Echoes every item back until the caller closes its end. */
  public static long echo(Context ctx) {
    ctx.started();
    long n = 0;
    try (MsgStream stream = ctx.openStream(StreamOptions.DEFAULT.withMsgBufferSize(1024))) {
      for (Object msg : stream) {
        stream.send(msg);
        n++;
      }
    }
    return n;
  }

  /** Receives and counts items until the caller closes its end, then returns the count. */
  public static long sink(Context ctx, long delayEveryMs) {
    ctx.started();
    long n = 0;
    long sum = 0;
    try (MsgStream stream = ctx.openStream(StreamOptions.DEFAULT.withMsgBufferSize(1024))) {
      for (Object msg : stream) {
        sum += (Long) msg;
        if (delayEveryMs > 0 && ++n % 100 == 0) Sc.sleep(Duration.ofMillis(delayEveryMs));
      }
    }
    return sum;
  }

  /** Receives items until the caller closes its end, then returns them all, in order. */
  public static List<Object> collect(Context ctx) {
    ctx.started();
    List<Object> got = new java.util.ArrayList<>();
    try (MsgStream stream = ctx.openStream(StreamOptions.DEFAULT.withMsgBufferSize(1024))) {
      for (Object msg : stream) got.add(msg);
    }
    return got;
  }

  /** Sends {@code count} items as fast as it can, then returns. */
  public static long source(Context ctx, long count, boolean backpressure) {
    ctx.started();
    try (MsgStream stream = ctx.openStream(StreamOptions.DEFAULT.withBackpressure(backpressure))) {
      for (long i = 0; i < count; i++) stream.send(i);
    }
    return count;
  }

  public static void closeCtxImmediately(Context ctx) {
    ctx.started();
    try (MsgStream s = ctx.openStream()) {
      // opened and closed at once
    }
  }

  public static void expectCancelled(Context ctx) {
    state = true;
    ctx.started();
    try (MsgStream stream = ctx.openStream()) {
      for (Object msg : stream) stream.send(msg);
    } catch (Cancelled c) {
      state = false;
      throw c;
    }
    throw new AssertionError("expected to be cancelled");
  }

  /**
   * Per actor (in-process actors share this class): the gate opened by {@link #releaseStubborn()},
   * and whether the stubborn task has been cancelled.
   */
  private record Stubborn(java.util.concurrent.CountDownLatch gate, java.util.concurrent.atomic.AtomicBoolean cancelled) {}

  private static final java.util.Map<io.jtractor.wire.Uid, Stubborn> STUBBORN = new java.util.concurrent.ConcurrentHashMap<>();

  private static Stubborn stubbornHere() {
    return STUBBORN.computeIfAbsent(
        io.jtractor.Jtractor.currentActor(), k -> new Stubborn(new java.util.concurrent.CountDownLatch(1), new java.util.concurrent.atomic.AtomicBoolean()));
  }

  /**
   * Once cancelled, takes its time to stop: it waits (shielded) until {@link #releaseStubborn()}
   * is called, which can only arrive over the connection its cancellation came on.
   */
  public static void stubborn(Context ctx) {
    ctx.started();
    try {
      Sc.sleepForever();
    } catch (Cancelled c) {
      Stubborn here = stubbornHere();
      here.cancelled().set(true);
      Sc.shielded(s -> here.gate().await());
      throw c;
    }
  }

  /** Ignores cancellation for {@code ms} (a shielded sleep), then returns "done". */
  public static String deaf(Context ctx, long ms) {
    ctx.started();
    Sc.shielded(s -> Sc.sleep(java.time.Duration.ofMillis(ms)));
    return "done";
  }

  public static boolean stubbornCancelled() {
    return stubbornHere().cancelled().get();
  }

  /**
   * Opens the gate 200 ms after answering, so that this answer leaves well before the stubborn
   * task's last words (opening it at once made the two answers race to the caller).
   */
  public static boolean releaseStubborn() {
    java.util.concurrent.CountDownLatch gate = stubbornHere().gate();
    Thread.ofVirtual().start(() -> {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      gate.countDown();
    });
    return true;
  }

  /** tractor's cancel_self: cancels its own context before started. */
  public static void cancelSelf(Context ctx) {
    state = true;
    ctx.cancel();
    try {
      ctx.openStream();
      throw new AssertionError("opening a stream on a cancelled context must fail");
    } catch (ContextCancelled expected) {
      // as tractor
    }
    Sc.failAfter(Duration.ofMillis(100), s -> Sc.checkpoint());
    throw new AssertionError("a checkpoint in a cancelled context must raise Cancelled");
  }

  /** Cancels its own context after started (tractor gave the caller a TypeError). */
  public static void cancelSelfAfterStarted(Context ctx) {
    ctx.started("first");
    Sc.sleep(Duration.ofMillis(50));
    ctx.cancel();
    Sc.sleepForever();
  }

  public static void neverOpenStream(Context ctx) {
    ctx.started();
    Sc.sleepForever();
  }

  /** How many items {@link #countedSource} has sent so far: read by in-process tests, in the same JVM. */
  public static final java.util.concurrent.atomic.AtomicLong COUNTED_SENT = new java.util.concurrent.atomic.AtomicLong();

  /** Sends 0..count-1 as fast as backpressure lets it, counting each sent in {@link #COUNTED_SENT}. */
  public static long countedSource(Context ctx, long count) {
    ctx.started();
    try (MsgStream stream = ctx.openStream()) {
      for (long i = 0; i < count; i++) {
        stream.send(i);
        COUNTED_SENT.incrementAndGet();
      }
    }
    return count;
  }

  public static void keepSendingFromCallee(Context ctx, boolean backpressure) {
    ctx.started();
    try (MsgStream stream = ctx.openStream(StreamOptions.DEFAULT.withBackpressure(backpressure))) {
      for (long i = 0; ; i++) {
        stream.send(i);
        Sc.sleep(Duration.ofMillis(1));
      }
    }
  }

  /** tractor's echo_back_sequence: echoes {@code seq} back, batched, {@code rounds} times. */
  public static String echoBackSequence(Context ctx, List<Long> seq, long rounds, boolean waitForCancel) {
    ctx.started();
    try (MsgStream stream = ctx.openStream(StreamOptions.DEFAULT.withMsgBufferSize(seq.size()).withAllowOverruns(true))) {
      for (long r = 0; r < rounds; r++) {
        List<Object> batch = new ArrayList<>();
        for (int i = 0; i < seq.size(); i++) batch.add(stream.receive());
        for (Object v : batch) stream.send(v);
      }
      if (waitForCancel) Sc.sleepForever();
    }
    return "yo";
  }

  /** Starts 50 ms late, then returns "done". */
  public static String startedLate(Context ctx) {
    Sc.sleep(Duration.ofMillis(50));
    ctx.started("late");
    return "done";
  }

  /** Fails before it starts. */
  public static void failBeforeStarted(Context ctx) {
    throw new IllegalStateException("not starting");
  }

  public static void sleepForever(Context ctx) {
    ctx.started();
    try (MsgStream s = ctx.openStream()) {
      Sc.sleepForever();
    }
  }

  public static void failAfterStarted(Context ctx, long delayMs) {
    ctx.started();
    Sc.sleep(Duration.ofMillis(delayMs));
    throw new IllegalStateException("the callee failed after started");
  }

  /** tractor's inf_streamer: sends 0, 1, 2... until it receives "done". */
  public static void infStreamer(Context ctx) {
    ctx.started();
    try (MsgStream stream = ctx.openStream()) {
      Nursery.run(n -> {
        n.startSoon(() -> {
          for (Object msg : stream) {
            if ("done".equals(msg)) {
              n.cancelScope().cancel();
              return;
            }
          }
        });
        for (long i = 0; ; i++) stream.send(i);
      });
    }
  }

  /** An async generator: 0 .. n-1. */
  public static void counter(Emitter<Long> out, long n) {
    for (long i = 0; i < n; i++) out.emit(i);
  }

  /** An endless async generator that records it was cancelled. */
  public static void forever(Emitter<Long> out) {
    state = true;
    try {
      for (long i = 0; ; i++) {
        out.emit(i);
        Sc.sleep(Duration.ofMillis(5));
      }
    } catch (Cancelled c) {
      state = false;
      throw c;
    }
  }

  public static void failingGenerator(Emitter<Long> out) {
    out.emit(1L);
    throw new IllegalArgumentException("the generator failed");
  }

  /** The message test_clustering streams to every worker. */
  public static final String MESSAGE = "tractoring at full speed";

  /** tractor's cluster worker: counts what arrives, each item checked to be {@link #MESSAGE}. */
  public static long clusterWorker(Context ctx) {
    ctx.started();
    long n = 0;
    try (MsgStream stream = ctx.openStream()) {
      for (Object msg : stream) {
        if (!MESSAGE.equals(msg)) throw new AssertionError("unexpected " + msg);
        n++;
      }
    }
    return n;
  }

  /** tractor's test_resource_cache streamer: 0 .. count-1, one every {@code intervalMs}. */
  public static void streamer(Context ctx, long count, long intervalMs) {
    ctx.started();
    try (MsgStream stream = ctx.openStream()) {
      for (long i = 0; i < count; i++) {
        stream.send(i);
        Sc.sleep(Duration.ofMillis(intervalMs));
      }
    }
  }
}
