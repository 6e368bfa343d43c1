package io.jtractor.bench;

import io.jtractor.sc.Nursery;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Spawn and join of 10k trivial tasks: a nursery against raw virtual threads. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class NurseryBench {
  static final int TASKS = 10_000;

  @Benchmark
  public long rawVirtualThreads() throws InterruptedException {
    LongAdder done = new LongAdder();
    Thread[] threads = new Thread[TASKS];
    for (int i = 0; i < TASKS; i++) {
      threads[i] = Thread.ofVirtual().start(done::increment);
    }
    for (Thread t : threads) {
      t.join();
    }
    return done.sum();
  }

  @Benchmark
  public long nursery() {
    LongAdder done = new LongAdder();
    Nursery.run(
        n -> {
          for (int i = 0; i < TASKS; i++) {
            n.startSoon(done::increment);
          }
        });
    return done.sum();
  }
}
