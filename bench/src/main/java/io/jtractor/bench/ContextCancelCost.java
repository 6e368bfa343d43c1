package io.jtractor.bench;

import io.jtractor.Jtractor;
import io.jtractor.Portal;
import io.jtractor.Root;
import io.jtractor.config.SpawnOptions;
import java.util.Arrays;

/**
 * What opening and cancelling a context costs at steady state: per round, {@code contexts}
 * contexts opened to a sleeping callee in a child JVM and cancelled, from the root's thread; the
 * p50 of {@code Context.cancel()} and the CPU time of both JVMs per context (the scheduler's
 * accounting per thread, as {@link RawPeer} reads it). After the last round
 * it prints the medians of the second half of the rounds (a C1-only child is still compiling in
 * the first), and the child's resident memory. Where {@link StreamLatency} compares the cancel
 * with a raw round trip measured beside it, this tells two builds or two sets of child flags apart:
 * run it alternately, pinned, and compare the "late half" lines.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar io.jtractor.bench.ContextCancelCost [contexts]
 * [rounds]} (4,000 and 8 by default); {@code -Dbench.childFlags="..."} adds child JVM flags (e.g.
 * {@code -XX:TieredStopAtLevel=4 -XX:CICompilerCount=2} for C2).
 */
public final class ContextCancelCost {
  private ContextCancelCost() {}

  public static void main(String[] args) throws Exception {
    int contexts = args.length > 0 ? Integer.parseInt(args[0]) : 4_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    if (contexts < 1 || rounds < 1) throw new IllegalArgumentException("contexts and rounds must be at least 1: " + contexts + ", " + rounds);
    try (Root root = Jtractor.openRoot("bench", BenchFuncs.class)) {
      root.openNursery(an -> {
        SpawnOptions options = ActorBench.childOptions();
        Portal p = an.withSpawnOptions(options).startActor("cancelled", BenchFuncs.class);
        long self = ProcessHandle.current().pid();
        long child = ActorBench.childPid(p);
        double[] p50 = new double[rounds];
        double[] cpu = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          var rootBefore = RawPeer.threadCpuNanos(self);
          var childBefore = RawPeer.threadCpuNanos(child);
          long[] ns = StreamLatency.timedCancels(p, contexts);
          double rootCpu = RawPeer.cpuBetween(rootBefore, RawPeer.threadCpuNanos(self)) / 1e3 / contexts;
          double childCpu = RawPeer.cpuBetween(childBefore, RawPeer.threadCpuNanos(child)) / 1e3 / contexts;
          Arrays.sort(ns);
          p50[r] = ns[contexts / 2] / 1e3;
          cpu[r] = rootCpu + childCpu;
          System.out.printf("round %d: Context.cancel() p50 %.1f us, p90 %.1f us; CPU per context opened and cancelled: root %.1f us, child %.1f us%n",
              r, p50[r], ns[contexts * 9 / 10] / 1e3, rootCpu, childCpu);
        }
        System.out.printf("late half: Context.cancel() p50 %.1f us, CPU of both JVMs per context %.1f us (medians of rounds %d-%d); child VmRSS %d kB%n",
            lateMedian(p50), lateMedian(cpu), rounds / 2, rounds - 1, ActorBench.kb(child, "VmRSS"));
        p.cancelActor();
      });
    }
  }

  private static double lateMedian(double[] perRound) {
    double[] late = Arrays.copyOfRange(perRound, perRound.length / 2, perRound.length);
    Arrays.sort(late);
    return late[late.length / 2];
  }
}
