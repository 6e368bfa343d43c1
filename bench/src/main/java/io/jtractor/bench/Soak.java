package io.jtractor.bench;

import io.jtractor.Discovery;
import io.jtractor.Jtractor;
import io.jtractor.MsgStream;
import io.jtractor.Portal;
import io.jtractor.Root;
import io.jtractor.config.SpawnOptions;
import io.jtractor.runtime.ChildProcess;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * A long run of a tree that keeps things coming and going, to show that nothing grows: a root and
 * two long-lived children run, over and over, a two-way context with 100 echoes, a streaming
 * context cancelled after 50 items, 200 echo calls to each child, a discovery lookup (a connection
 * opened and closed) and, every 20th iteration, a short-lived child from a warm pool, called once
 * and cancelled (its registration and unregistration included).
 *
 * <p>Every 30 s it samples every process: the live heap after a full collection, RSS, threads and
 * file descriptors; at the start, after the warm-up and at the end also the runtime's bookkeeping
 * (which must return to its baseline). At the end it prints each figure's growth per minute after
 * the warm-up, fitted over all samples since.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar io.jtractor.bench.Soak [minutes=5] [warmupMinutes=1]}
 */
public final class Soak {
  private Soak() {}

  public static void main(String[] args) throws Exception {
    double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 5;
    double warmupMinutes = args.length > 1 ? Double.parseDouble(args[1]) : Math.min(1, minutes / 2);
    long t0 = System.nanoTime();
    long end = t0 + (long) (minutes * 60e9);
    long warmEnd = t0 + (long) (warmupMinutes * 60e9);
    SpawnOptions opts = ActorBench.childOptions();
    SpawnOptions shortLived = opts.withWarmPool(1);
    System.out.printf("soak: %.1f min, warm-up %.1f min, a sample every %d s; root pid %d%n",
        minutes, warmupMinutes, SAMPLE_EVERY_NANOS / 1_000_000_000L, ProcessHandle.current().pid());
    try (Root root = Jtractor.openRoot("soak", SoakFuncs.class, BenchFuncs.class)) {
      root.openNursery(an -> {
        an.withSpawnOptions(opts);
        Portal a = an.startActor("soak_a", SoakFuncs.class, BenchFuncs.class);
        Portal b = an.startActor("soak_b", SoakFuncs.class, BenchFuncs.class);
        List<Portal> kids = List.of(a, b);
        Map<String, List<Sample>> afterWarmUp = new LinkedHashMap<>();
        List<Double> sampleMinutes = new ArrayList<>();
        boolean warmPrinted = false;
        long iterations = 0;
        long shortChildren = 0;
        long nextSample = 0;
        while (true) {
          long now = System.nanoTime();
          boolean last = now >= end;
          if (iterations > 0 && (now >= nextSample || last)) {
            nextSample = now + SAMPLE_EVERY_NANOS;
            double at = (now - t0) / 60e9;
            Map<String, Sample> samples = sampleAll(kids);
            boolean warm = now >= warmEnd;
            if (iterations == 1 || (warm && !warmPrinted) || last) {
              print(iterations == 1 ? "start" : last ? "end" : "after warm-up", samples, at);
              warmPrinted |= warm;
            } else {
              printCompact(samples, at);
            }
            if (warm) {
              sampleMinutes.add(at);
              samples.forEach((who, s) -> afterWarmUp.computeIfAbsent(who, k -> new ArrayList<>()).add(s));
            }
          }
          if (last) break;
          for (Portal p : kids) iteration(p);
          if (++iterations % 20 == 0) {
            root.openNursery(inner -> {
              Portal s = inner.withSpawnOptions(shortLived).startActor("soak_short", BenchFuncs.class);
              long seven = s.run(BenchFuncs::echo, 7L);
              if (seven != 7L) throw new AssertionError("echo");
              s.cancelActor();
            });
            shortChildren++;
          }
        }
        System.out.printf("%d iterations, %d contexts, %d calls, %d short-lived children%n",
            iterations, iterations * 4, iterations * 400, shortChildren);
        growth(afterWarmUp, sampleMinutes);
        an.cancel();
      });
    }
  }

  /** How often every process is sampled. */
  private static final long SAMPLE_EVERY_NANOS = 30_000_000_000L;

  /** One iteration's work with one child. */
  private static void iteration(Portal p) {
    p.openContext(BenchFuncs::echoStream, (ctx, first) -> {
      try (MsgStream s = ctx.openStream()) {
        for (long i = 0; i < 100; i++) {
          s.send(i);
          if ((Long) s.receive() != i) throw new AssertionError("echo out of order");
        }
      }
      return null;
    });
    p.openContext(SoakFuncs::streamForever, (ctx, first) -> {
      try (MsgStream s = ctx.openStream()) {
        for (int i = 0; i < 50; i++) s.receive();
        ctx.cancel();
      }
      return null;
    });
    for (long i = 0; i < 200; i++) {
      long back = p.run(BenchFuncs::echo, i);
      if (back != i) throw new AssertionError("echo");
    }
    try (Portal found = Discovery.findActor(p.uid().name()).orElseThrow()) {
      found.run(BenchFuncs::echo, 1L);
    }
  }

  private record Sample(long liveHeapKb, long rssKb, long threads, long fds, Map<?, ?> bookkeeping) {
    static Sample of(Map<?, ?> m) {
      return new Sample(num(m, "liveHeapKb"), num(m, "rssKb"), num(m, "threads"), num(m, "fds"), (Map<?, ?>) m.get("bookkeeping"));
    }

    private static long num(Map<?, ?> m, String k) {
      return ((Number) m.get(k)).longValue();
    }
  }

  private static Map<String, Sample> sampleAll(List<Portal> kids) throws Exception {
    Map<String, Sample> out = new LinkedHashMap<>();
    out.put("root", Sample.of(SoakFuncs.sample()));
    for (Portal k : kids) out.put(k.uid().name(), Sample.of(k.<Map<?, ?>>run(SoakFuncs::sample)));
    return out;
  }

  private static void printCompact(Map<String, Sample> samples, double atMinutes) {
    StringBuilder line = new StringBuilder(String.format("-- %.1f min:", atMinutes));
    samples.forEach((who, s) -> line.append(String.format(" %s heap %d KB rss %d KB thr %d fd %d;",
        who, s.liveHeapKb(), s.rssKb(), s.threads(), s.fds())));
    System.out.println(line);
  }

  private static void print(String when, Map<String, Sample> samples, double atMinutes) {
    System.out.printf("-- %s (%.1f min)%n", when, atMinutes);
    samples.forEach((who, s) -> System.out.printf(
        "%-8s live heap %7d KB, RSS %7d KB, threads %3d, fds %3d; bookkeeping %s%n",
        who, s.liveHeapKb(), s.rssKb(), s.threads(), s.fds(), s.bookkeeping()));
  }

  /**
   * Growth per minute after the warm-up: the least-squares slope of each figure over every sample
   * taken since (two samples alone are at the mercy of what a collection happened to keep).
   */
  private static void growth(Map<String, List<Sample>> samples, List<Double> minutes) {
    if (minutes.size() < 2) {
      System.out.println("-- too short a run after the warm-up to tell growth");
      return;
    }
    System.out.printf("-- growth per minute after the warm-up (least squares over %d samples, %.1f min)%n",
        minutes.size(), minutes.getLast() - minutes.getFirst());
    samples.forEach((who, list) -> {
      double heap = slope(minutes, list, Sample::liveHeapKb);
      long first = list.getFirst().liveHeapKb();
      System.out.printf("%-8s live heap %+.1f KB/min (%+.2f%%/min), RSS %+.0f KB/min, threads %d..%d, fds %d..%d%n",
          who, heap, 100 * heap / first, slope(minutes, list, Sample::rssKb),
          min(list, Sample::threads), max(list, Sample::threads), min(list, Sample::fds), max(list, Sample::fds));
    });
  }

  private static double slope(List<Double> x, List<Sample> samples, ToLongFunction<Sample> f) {
    int n = x.size();
    double mx = 0;
    double my = 0;
    for (int i = 0; i < n; i++) {
      mx += x.get(i) / n;
      my += (double) f.applyAsLong(samples.get(i)) / n;
    }
    double num = 0;
    double den = 0;
    for (int i = 0; i < n; i++) {
      num += (x.get(i) - mx) * (f.applyAsLong(samples.get(i)) - my);
      den += (x.get(i) - mx) * (x.get(i) - mx);
    }
    return den == 0 ? 0 : num / den;
  }

  private static long min(List<Sample> l, ToLongFunction<Sample> f) {
    return l.stream().mapToLong(f).min().orElse(0);
  }

  private static long max(List<Sample> l, ToLongFunction<Sample> f) {
    return l.stream().mapToLong(f).max().orElse(0);
  }

}
