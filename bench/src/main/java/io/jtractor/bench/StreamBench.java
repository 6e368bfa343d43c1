package io.jtractor.bench;

import io.jtractor.Context;
import io.jtractor.Jtractor;
import io.jtractor.MsgStream;
import io.jtractor.Portal;
import io.jtractor.Root;
import io.jtractor.StreamOptions;
import io.jtractor.config.SpawnOptions;
import io.jtractor.runtime.ChildProcess;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * Whole-process benchmarks of contexts and streams, each next to a baseline from the same run:
 * one-way throughput of 100k small messages (vs. the same frames written through a buffered raw
 * socket to a plain echoing JVM), the bidirectional stream echo round trip and {@code
 * Context.cancel()} latency (each interleaved with a raw two-JVM ping-pong, {@link
 * StreamLatency}), and cancelling a depth-3, breadth-2 tree of erroring actors (tractor's
 * test_nested_multierrors shape); then the same with in-process actors ({@link InProcessBench}).
 *
 * <p>{@code java -cp bench/target/benchmarks.jar io.jtractor.bench.StreamBench [messages] [tree?]}
 * ({@code StreamBench tree}: only the tree, three times; {@code StreamBench inproc}: only the
 * in-process figures; {@code StreamBench cancel [rounds]} or {@code StreamBench echo [calls]}: only
 * that latency figure, e.g. under a profiler); run it once under {@code taskset -c 0} and once
 * without. Each mode ends with the figures that issue 18 sets aims for, on lines beginning with
 * "aim", each with its aim and whether this run met it ({@link Aims}).
 */
public final class StreamBench {
  private StreamBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("tree")) { // only the erroring tree, three times
      try (Root root = Jtractor.openRoot("bench", BenchFuncs.class)) {
        for (int round = 0; round < 3; round++) tree(root, SpawnOptions.DEFAULT);
        java.nio.file.Path aot = java.nio.file.Files.createTempDirectory("jtractor-bench").resolve("child.aot");
        try {
          SpawnOptions withAot = SpawnOptions.DEFAULT.withAotCache(aot);
          root.openNursery(an -> an.withSpawnOptions(withAot).runInActor("trainer", BenchFuncs::add, 1L, 2L).result());
          for (int round = 0; round < 3; round++) tree(root, withAot);
        } finally {
          java.nio.file.Files.deleteIfExists(aot);
          java.nio.file.Files.deleteIfExists(aot.getParent());
        }
      }
      return;
    }
    if (args.length > 0 && args[0].equals("inproc")) { // only the in-process backend's figures
      int messages = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
      try (Root root = Jtractor.openRoot("bench", BenchFuncs.class)) {
        InProcessBench.run(root, messages, true);
      }
      Aims.print();
      return;
    }
    if (args.length > 0 && (args[0].equals("cancel") || args[0].equals("echo"))) { // one latency figure, e.g. to profile it
      boolean cancel = args[0].equals("cancel");
      int rounds = args.length > 1 ? Integer.parseInt(args[1]) : cancel ? 2_000 : 10_000;
      try (Root root = Jtractor.openRoot("bench", BenchFuncs.class)) {
        root.openNursery(an -> {
          Portal p = an.withSpawnOptions(ActorBench.childOptions()).startActor("streamer", BenchFuncs.class);
          if (cancel) StreamLatency.cancels(p, rounds);
          else StreamLatency.echoes(p, rounds);
          p.cancelActor();
        });
      }
      Aims.print();
      return;
    }
    int messages = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    boolean tree = args.length <= 1 || Boolean.parseBoolean(args[1]);
    System.out.println("jtractor stream benchmarks (" + (Runtime.getRuntime().availableProcessors() == 1 ? "pinned to one CPU" : "unpinned")
        + "; this JVM's tasks " + (io.jtractor.wire.WireChannel.class.getModule().isNativeAccessEnabled()
            ? "may wait for replies in poll(2)" : "wait for replies through a reader: no native access (--enable-native-access=ALL-UNNAMED)")
        + ")");
    try (Root root = Jtractor.openRoot("bench", BenchFuncs.class)) {
      root.openNursery(an -> {
        Portal p = an.withSpawnOptions(ActorBench.childOptions()).startActor("streamer", BenchFuncs.class);
        String raw = "raw buffered socket to a reading JVM";
        double callerToCallee = oneWayRounds("one-way " + messages + " messages caller -> callee (backpressure)", raw, ONE_WAY_ROUNDS,
            () -> rawOneWay(messages), () -> {
              long[] got = {0};
              double rate = sinkRate(p, messages, got);
              return allArrived(got[0], messages, rate);
            });
        oneWayRounds("one-way " + messages + " messages callee -> caller (openStreamFrom, the default 64-item window)", raw, 2,
            () -> rawOneWay(messages), () -> {
              long t0 = System.nanoTime();
              long n = 0;
              try (MsgStream s = p.openStreamFrom(BenchFuncs::count, (long) messages)) {
                for (Object ignored : s) n++;
              }
              return allArrived(n, messages, n / ((System.nanoTime() - t0) / 1e9));
            });
        double calleeToCaller = oneWayRounds("one-way " + messages + " messages callee -> caller (a context's stream, 4096-item window as above)", raw, ONE_WAY_ROUNDS,
            () -> rawOneWay(messages), () -> sourceRate(p, messages));
        Aims.atLeast("one-way caller -> callee between JVMs, warm median ratio to the raw socket", 0.4, callerToCallee, "x");
        Aims.atLeast("one-way callee -> caller between JVMs (a context's stream), warm median ratio to the raw socket", 0.4, calleeToCaller, "x");
        StreamLatency.echoes(p, 10_000);
        StreamLatency.cancels(p, 2_000);
        p.cancelActor();
      });
      if (tree) {
        for (int round = 0; round < 2; round++) tree(root, SpawnOptions.DEFAULT);
      }
      InProcessBench.run(root, messages, tree);
    }
    Aims.print();
  }

  /**
   * Streams {@code messages} items caller -> callee into {@code BenchFuncs.sink} with backpressure;
   * the rate in items per second, and in {@code got[0]} how many the callee counted.
   */
  static double sinkRate(Portal p, int messages, long[] got) {
    long t0 = System.nanoTime();
    p.openContext(BenchFuncs::sink, (ctx, first) -> {
      try (MsgStream s = ctx.openStream()) {
        for (long i = 0; i < messages; i++) s.send(i);
      }
      got[0] = ctx.<Long>result();
      return null;
    });
    return got[0] / ((System.nanoTime() - t0) / 1e9);
  }

  /**
   * Streams {@code messages} items callee -> caller from {@code BenchFuncs.source}, the caller's
   * stream opened with the same 4096-item window as {@link #sinkRate}'s: the rate in items per second.
   */
  static double sourceRate(Portal p, int messages) {
    long[] got = {0};
    long t0 = System.nanoTime();
    p.openContext(BenchFuncs::source, (long) messages, (ctx, first) -> {
      try (MsgStream s = ctx.openStream(StreamOptions.DEFAULT.withMsgBufferSize(4096))) {
        for (Object ignored : s) got[0]++;
      }
      return ctx.<Long>result();
    });
    return got[0] / ((System.nanoTime() - t0) / 1e9);
  }

  /**
   * How long an in-process latency figure (stream echo, {@code Context.cancel()}) is exercised
   * before it is timed, at least, {@code -Dbench.warmUpMillis} (default 2000); then until the JIT is
   * quiet ({@link JitQuiet}). Until the paths are compiled a
   * cancel takes 4-5 times as long as after (measured between JVMs: p50 ~400 us in the first 200
   * cancels, 80-90 us from a few thousand on). Between JVMs, {@link RawPeer#compare} warms up.
   */
  static final long WARM_UP_NANOS = Long.getLong("bench.warmUpMillis", 2_000) * 1_000_000;

  /**
   * The times of {@code rounds} {@code Context.cancel()}s of a sleeping callee, after {@link
   * #WARM_UP_NANOS} of them, in nanoseconds, sorted, the first quarter left out.
   */
  static long[] cancelTimes(Portal p, int rounds) {
    long warm = System.nanoTime() + WARM_UP_NANOS;
    while (System.nanoTime() < warm) StreamLatency.timedCancels(p, 50);
    JitQuiet.warmUp(() -> StreamLatency.timedCancels(p, 50).length);
    long[] ns = StreamLatency.timedCancels(p, rounds);
    long[] tail = Arrays.copyOfRange(ns, rounds / 4, ns.length);
    Arrays.sort(tail);
    return tail;
  }

  /**
   * Runs {@code figure} in a task (a virtual thread of an sc nursery) and returns what it measured.
   * The bench's own code runs on the root's thread, a platform thread, where every wait for the
   * peer is an OS park and wake-up; a user's tasks, and every actor's, are virtual threads, whose
   * hand-overs are a carrier's turn. Latency figures are given both ways, labelled.
   */
  static <T> T onTask(java.util.function.Supplier<T> figure) {
    List<T> out = new java.util.ArrayList<>(1);
    io.jtractor.sc.Nursery.run(n -> n.startSoon("bench", () -> out.add(figure.get())));
    return out.get(0);
  }

  /** The mean stream echo round trip over {@code calls}, in microseconds, after {@link #WARM_UP_NANOS} of echoes. */
  static double echoMicros(Portal p, int calls) {
    double[] us = {0};
    StreamLatency.withEchoStream(p, s -> {
      long warm = System.nanoTime() + WARM_UP_NANOS;
      for (long i = 0; System.nanoTime() < warm; i++) StreamLatency.echo(s, i);
      JitQuiet.warmUp(() -> {
        for (long i = 0; i < 1_000; i++) StreamLatency.echo(s, i);
        return 0;
      });
      long t0 = System.nanoTime();
      for (long i = 0; i < calls; i++) StreamLatency.echo(s, i);
      us[0] = (System.nanoTime() - t0) / 1e3 / calls;
    });
    return us[0];
  }

  /** Spawns tractor's test_nested_multierrors tree (depth 3, breadth 2: 30 actors) and tears it down. */
  static void tree(Root root, SpawnOptions options) {
    long t0 = System.nanoTime();
    try {
      root.openNursery(an -> {
        an.withSpawnOptions(options);
        for (int i = 0; i < 2; i++) an.runInActor("spawner_" + i, BenchFuncs::spawnAndError, 2L, 2L);
      });
    } catch (RuntimeException expected) {
      // the errors of the tree, as a group
    }
    System.out.printf("depth-3 breadth-2 tree of erroring actors (30 child JVMs%s), spawned and torn down: %d ms%n",
        options.aotCache() == null ? "" : ", AOT cache", (System.nanoTime() - t0) / 1_000_000);
  }

  /** The same small frames written through a buffered raw socket to a plain JVM that only reads them. */
  static double rawOneWay(int messages) {
    try (RawPeer raw = new RawPeer("sink", Integer.toString(messages))) {
      return raw.oneWay(messages);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Rounds of each one-way stream between JVMs, each after a raw round of its own: the first rounds
   * run before the root's C2 has compiled the path (the raw sender's as well), so the summary is
   * over the later half ({@link #printWarm}). Twelve, as in-process: over six, rounds four to six
   * were still warming up (docs/design.md, "A lane for in-process stream items", the figures).
   */
  static final int ONE_WAY_ROUNDS = 12;

  /**
   * Runs {@code rounds} rounds of a one-way {@code rate}, each just after a round of its {@code
   * baseline} (both in items per second), printing each round with its "ratio" to that baseline,
   * then the warm summary ({@link #printWarm}); returns its median ratio.
   */
  static double oneWayRounds(String what, String baselineName, int rounds, DoubleSupplier baseline, DoubleSupplier rate) {
    double[] ratios = new double[rounds];
    for (int round = 0; round < rounds; round++) {
      double base = baseline.getAsDouble();
      double r = rate.getAsDouble();
      ratios[round] = r / base;
      System.out.printf("%s, round %d: %.0f msg/s; %s: %.0f msg/s; ratio %.2f%n", what, round + 1, r, baselineName, base, ratios[round]);
    }
    return printWarm(what, ratios);
  }

  /** {@code rate}, once the receiving side has counted every one of the {@code messages} sent. */
  static double allArrived(long counted, int messages, double rate) {
    if (counted != messages) throw new IllegalStateException(counted + " of " + messages + " messages arrived");
    return rate;
  }

  /**
   * Prints the median, min and max of the later half of {@code ratios} (one per round, each against
   * a baseline measured just before it), on a line with "warm" and "ratio"; returns the median.
   */
  static double printWarm(String what, double[] ratios) {
    double[] warm = Arrays.copyOfRange(ratios, ratios.length / 2, ratios.length);
    Arrays.sort(warm);
    double median = warm.length % 2 == 1 ? warm[warm.length / 2] : (warm[warm.length / 2 - 1] + warm[warm.length / 2]) / 2;
    System.out.printf("%s, warm (the last %d of %d rounds): median ratio %.2f, min %.2f, max %.2f%n",
        what, warm.length, ratios.length, median, warm[0], warm[warm.length - 1]);
    return median;
  }
}
