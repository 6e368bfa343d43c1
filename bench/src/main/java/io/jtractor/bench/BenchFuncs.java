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

  /** Where the calling actor listens, as [host, port]: lets a benchmark talk to a child directly. */
  public static java.util.List<Object> address() {
    var a = io.jtractor.runtime.Actor.current().address();
    return java.util.List.of(a.getHostString(), a.getPort());
  }
}
