package io.jtractor.bench;

/** Functions the actor benchmarks call in child actors. */
public final class BenchFuncs {
  private BenchFuncs() {}

  public static long echo(long value) {
    return value;
  }

  public static long add(long a, long b) {
    return a + b;
  }
}
