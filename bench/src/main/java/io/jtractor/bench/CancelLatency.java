package io.jtractor.bench;

import io.jtractor.sc.CancelScope;
import io.jtractor.sc.Event;
import io.jtractor.sc.Nursery;
import io.jtractor.sc.Sc;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Latency from {@code CancelScope.cancel()} to the cancelled task seeing {@code Cancelled}, next
 * to its floor: the time for {@code Thread.interrupt()} to wake a virtual thread parked in {@code
 * LockSupport.park()}, measured the same way in the same run. Prints percentiles in microseconds.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar io.jtractor.bench.CancelLatency [rounds]}; run it
 * once pinned ({@code taskset -c 0}) and once unpinned.
 */
public final class CancelLatency {
  private CancelLatency() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    // Warm up both paths, then measure.
    measureScope(rounds / 4, true);
    measureRaw(rounds / 4);
    long[] raw = measureRaw(rounds);
    long[] sleeping = measureScope(rounds, true);
    long[] event = measureScope(rounds, false);
    report("raw interrupt -> park() returns (floor)", raw);
    report("cancel() -> Cancelled in Sc.sleepForever()", sleeping);
    report("cancel() -> Cancelled in Event.await()", event);
    System.out.printf("ratio p50 sleepForever/floor: %.2f%n", (double) median(sleeping) / median(raw));
  }

  private static long[] measureScope(int rounds, boolean sleep) {
    long[] out = new long[rounds];
    for (int i = 0; i < rounds; i++) {
      AtomicLong seen = new AtomicLong();
      Event parked = new Event();
      CancelScope scope = CancelScope.create();
      long[] cancelledAt = new long[1];
      Nursery.run(
          n -> {
            n.startSoon(
                () ->
                    scope.run(
                        s -> {
                          try {
                            parked.set();
                            if (sleep) Sc.sleepForever();
                            else new Event().await();
                          } finally {
                            seen.set(System.nanoTime());
                          }
                        }));
            parked.await();
            Thread.yield();
            cancelledAt[0] = System.nanoTime();
            scope.cancel();
          });
      out[i] = seen.get() - cancelledAt[0];
    }
    return out;
  }

  private static long[] measureRaw(int rounds) throws InterruptedException {
    long[] out = new long[rounds];
    for (int i = 0; i < rounds; i++) {
      AtomicLong seen = new AtomicLong();
      Thread t =
          Thread.ofVirtual()
              .start(
                  () -> {
                    while (!Thread.currentThread().isInterrupted()) LockSupport.park();
                    seen.set(System.nanoTime());
                  });
      while (t.getState() != Thread.State.WAITING) Thread.onSpinWait();
      long at = System.nanoTime();
      t.interrupt();
      t.join();
      out[i] = seen.get() - at;
    }
    return out;
  }

  private static long median(long[] v) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static void report(String what, long[] v) {
    long[] s = v.clone();
    Arrays.sort(s);
    System.out.printf(
        "%-45s p50 %7.1f us  p90 %7.1f us  p99 %7.1f us%n",
        what, s[s.length / 2] / 1e3, s[s.length * 9 / 10] / 1e3, s[s.length * 99 / 100] / 1e3);
  }
}
