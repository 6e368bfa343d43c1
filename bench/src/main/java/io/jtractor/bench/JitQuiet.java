package io.jtractor.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;

/**
 * Warms a figure up until this JVM's JIT compilers have gone quiet, instead of for a fixed number
 * of rounds: a round is repeated in windows of {@link #WINDOW_ROUNDS}, and the warm-up ends after
 * {@link #QUIET_WINDOWS} windows in a row during each of which the compilers spent at most {@link
 * #QUIET_SHARE} of its wall time compiling ({@link CompilationMXBean#getTotalCompilationTime()}),
 * or after {@code
 * -Dbench.jitQuietMaxMillis} (60 s by default) whatever they do.
 *
 * <p>Why: pinned to one CPU, a figure's time includes the compiler's, since both share that CPU.
 * The in-process tree (30 actors spawned, failing and torn down per round) runs a wide path whose
 * long tail C2 keeps compiling for about 800 rounds there: 35 ms a tree after 100 rounds, 20 ms
 * after 500, 5 ms once the compiler is quiet (docs/design.md, "Warm means the compiler is done").
 */
final class JitQuiet {
  private JitQuiet() {}

  /** Rounds per window. */
  static final int WINDOW_ROUNDS = 20;

  /** A window is quiet if its compiling took at most this share of its wall time. */
  static final double QUIET_SHARE = 0.02;

  /**
   * Quiet windows in a row that end the warm-up: one was not enough (pinned, C2 compiled for another
   * 100 ms after a single quiet window, and the tree still fell from 7-8 to 5-6 ms).
   */
  static final int QUIET_WINDOWS = 3;

  /** The longest warm-up, in milliseconds, {@code -Dbench.jitQuietMaxMillis}. */
  static final long MAX_MILLIS = Long.getLong("bench.jitQuietMaxMillis", 60_000);

  /**
   * How a warm-up went: its rounds, their times in milliseconds (as {@code round} returned them),
   * how long it took in all, and whether the compilers went quiet (false: it stopped at {@link
   * #MAX_MILLIS}, or this JVM cannot tell its compilation time).
   */
  record WarmUp(long[] roundMillis, long totalMillis, boolean quiet) {
    int rounds() {
      return roundMillis.length;
    }
  }

  /** Runs {@code round} (which returns its own time in milliseconds) until the JIT is quiet. */
  static WarmUp warmUp(LongSupplier round) {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    boolean canTell = jit != null && jit.isCompilationTimeMonitoringSupported();
    long[] times = new long[64];
    int n = 0;
    int quietInARow = 0;
    long t0 = System.nanoTime();
    while (true) {
      long windowStart = System.nanoTime();
      long compiledBefore = canTell ? jit.getTotalCompilationTime() : 0;
      for (int i = 0; i < WINDOW_ROUNDS; i++) {
        if (n == times.length) times = java.util.Arrays.copyOf(times, n * 2);
        times[n++] = round.getAsLong();
      }
      long now = System.nanoTime();
      double windowMillis = (now - windowStart) / 1e6;
      boolean quiet = canTell && jit.getTotalCompilationTime() - compiledBefore <= QUIET_SHARE * windowMillis;
      quietInARow = quiet ? quietInARow + 1 : 0;
      long total = (now - t0) / 1_000_000;
      if (quietInARow == QUIET_WINDOWS || total >= MAX_MILLIS) {
        return new WarmUp(java.util.Arrays.copyOf(times, n), total, quietInARow == QUIET_WINDOWS);
      }
    }
  }
}
