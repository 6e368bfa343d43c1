package io.jtractor.bench;

import io.jtractor.Discovery;
import io.jtractor.Jtractor;
import io.jtractor.MsgStream;
import io.jtractor.Portal;
import io.jtractor.Root;
import io.jtractor.runtime.ChildProcess;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A long run of a tree that keeps things coming and going, to show that nothing grows: a root and
 * two long-lived children run, over and over, a two-way context with 100 echoes, a streaming
 * context cancelled after 50 items, 200 echo calls to each child, a discovery lookup (a connection
 * opened and closed) and, every 20th iteration, a short-lived child from a warm pool, called once
 * and cancelled (its registration and unregistration included).
 *
 * <p>For every process it prints the live heap after a full collection, RSS, threads and file
 * descriptors at the start, after the warm-up and at the end, with the growth per minute after the
 * warm-up, and the runtime's bookkeeping (which must return to its baseline).
 *
 * <p>{@code java -cp bench/target/benchmarks.jar io.jtractor.bench.Soak [minutes=5] [warmupMinutes=1]}
 */
public final class Soak {
  private Soak() {}

  public static void main(String[] args) throws Exception {
    double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 5;
    double warmupMinutes = args.length > 1 ? Double.parseDouble(args[1]) : Math.min(1, minutes / 2);
    long end = System.nanoTime() + (long) (minutes * 60e9);
    long warmEnd = System.nanoTime() + (long) (warmupMinutes * 60e9);
    ChildProcess.SpawnOptions opts = ActorBench.childOptions();
    ChildProcess.SpawnOptions shortLived = opts.withWarmPool(1);
    System.out.printf("soak: %.1f min, warm-up %.1f min; root pid %d%n", minutes, warmupMinutes, ProcessHandle.current().pid());
    try (Root root = Jtractor.openRoot("soak", SoakFuncs.class, BenchFuncs.class)) {
      root.openNursery(an -> {
        an.withSpawnOptions(opts);
        Portal a = an.startActor("soak_a", SoakFuncs.class, BenchFuncs.class);
        Portal b = an.startActor("soak_b", SoakFuncs.class, BenchFuncs.class);
        List<Portal> kids = List.of(a, b);
        Map<String, Sample> start = null;
        Map<String, Sample> warm = null;
        long warmAt = 0;
        long iterations = 0;
        long shortChildren = 0;
        long t0 = System.nanoTime();
        while (System.nanoTime() < end) {
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
          if (start == null) {
            start = sampleAll(kids);
            print("start", start, 0);
          } else if (warm == null && System.nanoTime() >= warmEnd) {
            warm = sampleAll(kids);
            warmAt = System.nanoTime();
            print("after warm-up", warm, (warmAt - t0) / 60e9);
          }
        }
        Map<String, Sample> last = sampleAll(kids);
        double total = (System.nanoTime() - t0) / 60e9;
        print("end", last, total);
        System.out.printf("%d iterations, %d contexts, %d calls, %d short-lived children%n",
            iterations, iterations * 4, iterations * 400, shortChildren);
        if (warm != null) growth(warm, last, (System.nanoTime() - warmAt) / 60e9);
        an.cancel();
      });
    }
  }

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

  private static void print(String when, Map<String, Sample> samples, double atMinutes) {
    System.out.printf("-- %s (%.1f min)%n", when, atMinutes);
    samples.forEach((who, s) -> System.out.printf(
        "%-8s live heap %7d KB, RSS %7d KB, threads %3d, fds %3d; bookkeeping %s%n",
        who, s.liveHeapKb(), s.rssKb(), s.threads(), s.fds(), s.bookkeeping()));
  }

  private static void growth(Map<String, Sample> from, Map<String, Sample> to, double minutes) {
    System.out.printf("-- growth per minute after the warm-up (over %.1f min)%n", minutes);
    from.forEach((who, a) -> {
      Sample b = to.get(who);
      double heap = (b.liveHeapKb() - a.liveHeapKb()) / minutes;
      System.out.printf("%-8s live heap %+.1f KB/min (%+.2f%%/min), RSS %+.0f KB/min, threads %+d, fds %+d%n",
          who, heap, 100 * heap / a.liveHeapKb(), (b.rssKb() - a.rssKb()) / minutes,
          b.threads() - a.threads(), b.fds() - a.fds());
    });
  }
}
