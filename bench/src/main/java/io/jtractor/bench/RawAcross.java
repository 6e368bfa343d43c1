package io.jtractor.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A second floor for the latency figures of an unpinned run: the raw two-JVM ping-pong with its
 * two ends held on two different CPUs (the first two this process may use, through {@code
 * taskset}: one for the pinging JVM, the other for {@link RawEcho}), measured apart from the
 * interleaved blocks.
 *
 * <p>Why: unpinned, the interleaved floor ({@link RawPeer#compare}) is bimodal on a small VM. The
 * kernel sometimes wakes the two raw ends on one CPU (a round trip of about 15 µs on the 2-vCPU
 * VMs) and sometimes on two (45-70 µs there: each wake-up of a halted vCPU is an interrupt through
 * the hypervisor), depending on how busy the CPUs were just before; a runtime's round trip is
 * placed by the same kernel with its own luck. Held on two CPUs, the floor is the cost of a
 * round trip that crosses CPUs, which is what an unpinned runtime round trip mostly pays.
 * Shown beside the aims, not one of them: the aims keep the interleaved floor.
 *
 * <p>As a program: {@code RawAcross N CPU} measures N round trips (after 3 s of warm-up) against a
 * {@link RawEcho} it starts under {@code taskset -c CPU}, and prints one line, {@code p50 NS mean NS}.
 */
public final class RawAcross {
  private RawAcross() {}

  public static void main(String[] args) throws Exception {
    int calls = Integer.parseInt(args[0]);
    try (RawPeer raw = new RawPeer(List.of("taskset", "-c", args[1]))) {
      long warmUntil = System.nanoTime() + 3_000_000_000L;
      while (System.nanoTime() - warmUntil < 0) raw.roundTrip();
      long[] ns = new long[calls];
      for (int i = 0; i < calls; i++) {
        long t0 = System.nanoTime();
        raw.roundTrip();
        ns[i] = System.nanoTime() - t0;
      }
      // The interleaved floor's own statistics, so that the two floors read alike.
      System.out.println("p50 " + RawPeer.percentile(ns, 50) + " mean " + RawPeer.mean(ns));
    }
  }

  /**
   * Where this process may run on more than one CPU and {@code taskset} is at hand: measures the
   * floor held on two CPUs and prints it, with the p50 ratios of {@code what} (from the root's
   * thread and from a task) to it. Prints nothing otherwise (a pinned run has one floor).
   */
  static void show(String what, RawPeer.Comparison root, RawPeer.Comparison task) {
    int[] cpus = firstTwoCpus();
    if (cpus == null || !onPath("taskset")) return;
    double[] floor = measure(10_000, cpus);
    if (floor == null) return;
    System.out.printf("raw two-JVM ping-pong held on two CPUs (taskset -c %d / -c %d), apart: p50 %.1f us, mean %.1f us;"
            + " %s' p50 ratios to it (shown, not an aim): root's thread %.2f, task %.2f%n",
        cpus[0], cpus[1], floor[0] / 1e3, floor[1] / 1e3, what, root.subjectP50Ns() / floor[0], task.subjectP50Ns() / floor[0]);
  }

  /**
   * Runs this class as a program, its JVM on {@code cpus[0]} and its echo on {@code cpus[1]}: {p50,
   * mean} in nanoseconds, or null if it failed or took over a minute.
   */
  private static double[] measure(int calls, int[] cpus) {
    List<String> cmd = new java.util.ArrayList<>(List.of("taskset", "-c", Integer.toString(cpus[0])));
    cmd.addAll(ActorBench.javaCommand("-cp", System.getProperty("java.class.path"), RawAcross.class.getName(),
        Integer.toString(calls), Integer.toString(cpus[1])));
    Process p = null;
    try {
      p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      // One short line: it fits the pipe, so the program ends without being read first.
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) return null;
      String line = new BufferedReader(new InputStreamReader(p.getInputStream())).readLine();
      if (line == null) return null;
      String[] f = line.trim().split(" ");
      return new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[3])};
    } catch (Exception e) {
      System.out.println("the raw floor held on two CPUs could not be measured: " + e);
      return null;
    } finally {
      if (p != null) p.destroyForcibly();
    }
  }

  /**
   * The first two CPUs this process may run on ({@code Cpus_allowed_list} in {@code
   * /proc/self/status}), or null where it may use only one, or the list cannot be read.
   */
  static int[] firstTwoCpus() {
    if (Runtime.getRuntime().availableProcessors() < 2) return null;
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        if (line.startsWith("Cpus_allowed_list:")) return firstTwo(line.substring(line.indexOf(':') + 1).trim());
      }
    } catch (java.io.IOException | RuntimeException e) {
      return null; // not Linux, or a list of another shape
    }
    return null;
  }

  /** The first two CPUs of a list such as {@code 0-3,8}, or null if it names fewer. */
  static int[] firstTwo(String list) {
    int[] two = new int[2];
    int found = 0;
    for (String part : list.split(",")) {
      String[] range = part.trim().split("-");
      int from = Integer.parseInt(range[0].trim());
      int to = range.length > 1 ? Integer.parseInt(range[1].trim()) : from;
      for (int c = from; c <= to && found < 2; c++) two[found++] = c;
      if (found == 2) return two;
    }
    return null;
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) return false;
    for (String dir : path.split(File.pathSeparator)) {
      if (new File(dir, program).canExecute()) return true;
    }
    return false;
  }
}
