package io.jtractor.bench;

import io.jtractor.Jtractor;
import io.jtractor.Portal;
import io.jtractor.Root;
import io.jtractor.config.SpawnOptions;
import io.jtractor.sc.Nursery;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whole-process benchmarks of the actor runtime, each printed next to its baseline from the same
 * run: spawn one child and get its result; spawn ten concurrently; the Portal.run echo round trip
 * against a raw loopback ping-pong between two JVMs; the memory of a root and idle children.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar io.jtractor.bench.ActorBench}; run it once under
 * {@code taskset -c 0} (children inherit the affinity) and once without. Arguments: {@code [echoCalls] [echo]};
 * with {@code echo} only the echo round trip runs, three times; with {@code spawn} only the spawns of
 * one child. {@code -Dbench.jit=optimizing} gives every child C2 ({@link SpawnOptions.Jit}). {@code -Dbench.childFlags="..."} adds
 * JVM flags to every child (a JFR recording, say, or a compiler; {@link StreamBench}'s streamer too).
 */
public final class ActorBench {
  private ActorBench() {}

  public static void main(String[] args) throws Exception {
    int echoCalls = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    System.out.println("jtractor actor benchmarks (" + (isPinned() ? "pinned to one CPU" : "unpinned") + ")");
    if (args.length > 1 && args[1].equals("echo")) { // only the echo round trip, three times
      try (Root root = Jtractor.openRoot("bench", BenchFuncs.class)) {
        for (int i = 0; i < 3; i++) echo(root, echoCalls);
      }
      return;
    }
    Path aot = Files.createTempDirectory("jtractor-bench").resolve("child.aot");
    SpawnOptions lean = childOptions();
    String jit = System.getProperty("bench.jit");
    String flags = jit == null || jit.isBlank() ? "lean flags" : "lean flags, jit " + jit.strip();
    SpawnOptions withAot = lean.withAotCache(aot);
    try (Root root = Jtractor.openRoot("bench", BenchFuncs.class)) {
      spawnToResult(root, lean, flags);
      root.openNursery(an -> an.withSpawnOptions(withAot).runInActor("trainer", BenchFuncs::add, 1L, 2L).result());
      if (Files.isRegularFile(aot)) {
        spawnToResult(root, withAot, flags + " + AOT cache");
      } else {
        System.out.println("(no AOT cache: the class path is not all jars)");
      }
      if (args.length > 1 && args[1].equals("spawn")) return; // only the spawns of one child
      SpawnOptions warm = withAot.withWarmPool(2);
      root.openNursery(an -> an.withSpawnOptions(warm).runInActor("filler", BenchFuncs::add, 1L, 2L).result());
      Thread.sleep(3_000); // let the pool fill
      spawnToResult(root, warm, flags + " + AOT cache + warm pool of 2, spawns 1 s apart", 1_000);
      tenConcurrent(root, lean, flags);
      tenConcurrent(root, withAot, flags + " + AOT cache");
      echo(root, echoCalls);
      memory(root, lean, flags);
      memory(root, withAot, flags + " + AOT cache");
    } finally {
      Files.deleteIfExists(aot);
      Files.deleteIfExists(aot.getParent());
    }
  }

  private static boolean isPinned() {
    return Runtime.getRuntime().availableProcessors() == 1;
  }

  static void spawnToResult(Root root, SpawnOptions opts, String label) throws InterruptedException {
    spawnToResult(root, opts, label, 0);
  }

  static void spawnToResult(Root root, SpawnOptions opts, String label, long pauseMs) throws InterruptedException {
    long[] ms = new long[7];
    long[] total = new long[7];
    for (int i = 0; i < ms.length; i++) {
      long t0 = System.nanoTime();
      long[] at = new long[1];
      long r = root.callNursery(an -> {
        long v = an.withSpawnOptions(opts).runInActor("adder", BenchFuncs::add, 1L, 2L).<Long>result();
        at[0] = System.nanoTime();
        return v;
      });
      ms[i] = (at[0] - t0) / 1_000_000;
      total[i] = (System.nanoTime() - t0) / 1_000_000;
      if (r != 3) throw new AssertionError(r);
      Thread.sleep(pauseMs);
    }
    System.out.printf("spawn one child -> result (%s): median %d ms; with its teardown %d ms (runs %s)%n",
        label, median(ms), median(total), Arrays.toString(ms));
  }

  static void tenConcurrent(Root root, SpawnOptions opts, String label) {
    long[] ms = new long[3];
    for (int i = 0; i < ms.length; i++) {
      long t0 = System.nanoTime();
      AtomicLong sum = new AtomicLong();
      root.openNursery(an -> Nursery.run(n -> {
        an.withSpawnOptions(opts);
        for (int k = 0; k < 10; k++) {
          long v = k;
          n.startSoon(() -> sum.addAndGet(an.runInActor("adder" + v, BenchFuncs::add, v, 1L).<Long>result()));
        }
      }));
      ms[i] = (System.nanoTime() - t0) / 1_000_000;
      if (sum.get() != 55) throw new AssertionError(sum.get());
    }
    System.out.printf("spawn ten children concurrently -> all results (%s): median %d ms (runs %s)%n", label, median(ms), Arrays.toString(ms));
  }

  static void echo(Root root, int calls) throws Exception {
    root.openNursery(an -> {
      an.withSpawnOptions(childOptions());
      Portal p = an.startActor("echo", BenchFuncs.class);
      long[] i = {0};
      RawPeer.compare("Portal.run echo round trip", calls, () -> p.run(BenchFuncs::echo, i[0]++), childPid(p));
      p.cancelActor();
    });
  }

  /**
   * The default spawn options with the compiler named by {@code -Dbench.jit} ({@code quick_start}
   * or {@code optimizing}; see {@link SpawnOptions.Jit}), plus the JVM flags in {@code
   * -Dbench.childFlags} (e.g. a JFR recording).
   */
  static SpawnOptions childOptions() {
    SpawnOptions options = SpawnOptions.DEFAULT;
    String jit = System.getProperty("bench.jit");
    if (jit != null && !jit.isBlank()) options = options.withJit(SpawnOptions.Jit.valueOf(jit.strip().toUpperCase(java.util.Locale.ROOT)));
    String extra = System.getProperty("bench.childFlags");
    if (extra == null || extra.isBlank()) return options;
    List<String> flags = new java.util.ArrayList<>(options.jvmArgs());
    flags.addAll(Arrays.asList(extra.trim().split("\\s+")));
    return options.withJvmArgs(flags);
  }

  /** Mean round trip of a small frame to a plain echoing JVM, the same framing, no runtime. */
  static double rawPingPong(int calls) throws Exception {
    try (RawPeer raw = new RawPeer()) {
      return raw.meanRoundTripMicros(calls);
    }
  }

  /** How long children sit before their memory is read: the JVM frees compiler memory ~5 s in. */
  static final long IDLE_MS = 7_000;

  static void memory(Root root, SpawnOptions opts, String label) {
    System.out.println("memory (" + label + ", after " + IDLE_MS / 1000 + " s idle):");
    root.openNursery(an -> {
      an.withSpawnOptions(opts);
      List<Portal> kids = new ArrayList<>();
      kids.add(an.startActor("idle0", BenchFuncs.class));
      Thread.sleep(IDLE_MS); // idle: past start-up, once the JVM has released its compiler memory
      long rootRss = kb(ProcessHandle.current().pid(), "VmRSS");
      long childRss = kb(childPid(kids.getFirst()), "VmRSS");
      long childPss = smapsRollup(childPid(kids.getFirst()), "Pss");
      System.out.printf("RSS: root %d MB, one idle child %d MB (PSS %d MB)%n", rootRss / 1024, childRss / 1024, childPss / 1024);
      for (int i = 1; i < 10; i++) kids.add(an.startActor("idle" + i, BenchFuncs.class));
      Thread.sleep(IDLE_MS);
      long pss = 0;
      for (Portal k : kids) pss += smapsRollup(childPid(k), "Pss");
      System.out.printf("ten idle children: PSS %d MB in all, %.1f MB each%n", pss / 1024, pss / 1024.0 / kids.size());
      an.cancel();
    });
  }

  static long childPid(Portal p) {
    return ProcessHandle.current().children()
        .filter(h -> h.info().arguments().map(a -> String.join(" ", a).contains(p.uid().uuid())).orElse(false))
        .findFirst().orElseThrow().pid();
  }

  static long kb(long pid, String field) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith(field + ":")) return Long.parseLong(line.replaceAll("\\D+", ""));
    }
    return -1;
  }

  private static long smapsRollup(long pid, String field) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
      if (line.startsWith(field + ":")) return Long.parseLong(line.replaceAll("\\D+", ""));
    }
    return -1;
  }

  static List<String> javaCommand(String... rest) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElseThrow());
    cmd.addAll(List.of(rest));
    return cmd;
  }

  private static long median(long[] v) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
