package io.jtractor.examples;

import io.jtractor.Discovery;
import io.jtractor.Jtractor;
import io.jtractor.Portal;
import io.jtractor.Root;
import io.jtractor.errors.RemoteActorError;
import io.jtractor.sc.CancelScope;
import io.jtractor.sc.Sc;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The showcase (README's first command): what jtractor is for, as a small tree of processes.
 *
 * <ol>
 *   <li>A daemon actor {@code feed} streams sensor readings; two worker actors find it by name
 *       through the registrar, stream from it, and return their results to the root.
 *   <li>Three more workers; one of them fails. Its error arrives in the root boxed, with its remote
 *       type and stack trace, and its two siblings (which would have streamed forever) are
 *       cancelled at once.
 *   <li>A cluster of one actor per core counts primes; the same job on one actor is timed in the
 *       same run, and the speed-up is printed.
 *   <li>Inside one process the same rules hold: a deadline cancels, a shield protects cleanup.
 * </ol>
 *
 * <p>Lines from child actors reach this terminal prefixed by the actor's name. The run ends with
 * exit status 0 and no child process left.
 */
public final class Showcase {
  private final PrintStream out;
  private final long t0 = System.nanoTime();

  Showcase(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    new Showcase(System.out).run();
  }

  void run() {
    out.println("jtractor showcase: structured concurrency across processes");
    try (Root root = ExampleRoot.open("showcase", Workers.class)) {
      say("showcase", "root actor " + root.uid().uuid().substring(0, 8) + " listening on " + hostPort(root)
          + (root.isRegistrar() ? ", and the registrar" : ", registered with " + root.registrarAddress()));
      root.openNursery(an -> {
        Portal feed = an.startActor("feed", Workers.class);
        say("showcase", "spawned daemon 'feed': " + feed.run(Workers::whoAmI));
        streaming(an);
        failure();
        an.cancel();
      });
      cluster();
    }
    deadlines();
    long left = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count();
    say("showcase", "done: every actor finished; child processes left: " + left);
  }

  private void say(String who, String what) {
    out.printf("%7.1f ms  %-9s %s%n", (System.nanoTime() - t0) / 1e6, who, what);
    out.flush();
  }

  private static String hostPort(Root root) {
    return hostPort(root.address());
  }

  private static String hostPort(java.net.InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }

  /** Scene 1: a daemon streams to workers that found it by name. */
  void streaming(io.jtractor.ActorNursery an) {
    out.println();
    out.println("-- 1. a daemon streams readings to two workers that find it through the registrar");
    Portal a = an.runInActor("worker-a", Workers::average, "feed", 100L, false);
    Portal b = an.runInActor("worker-b", Workers::average, "feed", 200L, false);
    say("showcase", "spawned 'worker-a' (mean of 100 readings) and 'worker-b' (mean of 200)");
    say("showcase", String.format("worker-a answered %.2f, worker-b answered %.2f", a.<Double>result(), b.<Double>result()));
    say("showcase", "the registrar has 'feed' at " + Discovery.queryActor("feed").map(Showcase::hostPort).orElse("?")
        + "; the workers registered while they ran and unregister as they end");
  }

  /** Scene 2: one worker fails; the error arrives boxed and its siblings are cancelled. */
  void failure() {
    out.println();
    out.println("-- 2. one of three workers fails: its error is boxed, its siblings are cancelled");
    long start = System.nanoTime();
    try {
      Jtractor.openNursery(an -> {
        an.runInActor("steady-1", Workers::average, "feed", Long.MAX_VALUE, false);
        an.runInActor("steady-2", Workers::average, "feed", Long.MAX_VALUE, false);
        an.runInActor("strict", Workers::average, "feed", Long.MAX_VALUE, true);
        say("showcase", "spawned 'steady-1' and 'steady-2' (stream forever) and 'strict' (fails at the first spike)");
      });
    } catch (RemoteActorError e) {
      // type(): the Java class (the wire names it RuntimeError for Python peers, see docs/design.md)
      say("showcase", String.format("nursery raised a boxed %s from actor '%s' after %.0f ms",
          e.type().getSimpleName(), e.srcActorUid().name(), (System.nanoTime() - start) / 1e6));
      say("showcase", "its message: " + e.getMessage().lines().filter(l -> l.contains("spike")).findFirst().orElse("?").trim());
      String frame = e.remoteTraceback().lines().filter(l -> l.contains("Workers.")).findFirst().orElse("?").trim();
      say("showcase", "remote trace points at: " + frame);
      say("showcase", "'steady-1' and 'steady-2' were cancelled; their processes are gone");
    }
  }

  /** Scene 3: a cluster computes in parallel; the speed-up is measured in the same run. */
  void cluster() {
    out.println();
    int cores = Runtime.getRuntime().availableProcessors();
    int size = Math.max(2, Math.min(cores, 4));
    long limit = 1_500_000;
    out.println("-- 3. a cluster of " + size + " actors counts the primes below " + limit);
    Jtractor.openActorCluster(size, List.of(Workers.class), portals -> {
      say("showcase", "cluster up: " + portals.keySet());
      List<Portal> workers = new ArrayList<>(portals.values());
      Sc.sleep(Duration.ofMillis(100)); // let the workers' JVMs finish starting before timing them
      for (Portal p : workers) p.run(Workers::countPrimes, 0L, 50_000L); // warm their JITs alike
      long s1 = System.nanoTime();
      long alone = workers.get(0).run(Workers::countPrimes, 0L, limit);
      double oneMs = (System.nanoTime() - s1) / 1e6;
      say("showcase", String.format("one actor: %d primes in %.0f ms", alone, oneMs));
      long s2 = System.nanoTime();
      long[] parts = new long[size];
      io.jtractor.sc.Nursery.run(n -> {
        for (int i = 0; i < size; i++) {
          int slot = i;
          // Testing k costs about sqrt(k): slices of equal cost end at limit * (i/size)^(2/3).
          long from = (long) (limit * Math.pow((double) slot / size, 2.0 / 3));
          long to = slot == size - 1 ? limit : (long) (limit * Math.pow((double) (slot + 1) / size, 2.0 / 3));
          n.startSoon(() -> parts[slot] = workers.get(slot).run(Workers::countPrimes, from, to));
        }
      });
      double allMs = (System.nanoTime() - s2) / 1e6;
      long total = 0;
      for (long p : parts) total += p;
      say("showcase", String.format("%d actors: %d primes in %.0f ms: %.2fx speed-up on %d cores", size, total, allMs, oneMs / allMs, cores));
      return Map.of();
    });
  }

  /** Scene 4: the same rules inside one process: a deadline cancels, a shield protects cleanup. */
  void deadlines() {
    out.println();
    out.println("-- 4. inside one process: moveOnAfter cancels, a shield protects cleanup");
    CancelScope scope = Sc.moveOnAfter(Duration.ofMillis(50), s -> {
      try {
        say("task", "starting work that takes 10 s");
        Sc.sleep(Duration.ofSeconds(10));
      } finally {
        Sc.shielded(cleanup -> {
          say("task", "deadline hit; cleaning up (shielded, 20 ms)");
          Sc.sleep(Duration.ofMillis(20));
          say("task", "cleanup finished");
        });
      }
    });
    say("showcase", "moved on after the deadline: cancelledCaught=" + scope.cancelledCaught());
  }
}
