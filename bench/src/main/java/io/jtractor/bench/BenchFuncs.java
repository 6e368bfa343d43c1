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

  /** Counts the items of the caller's stream until it closes; returns how many. */
  public static long sink(io.jtractor.Context ctx) {
    ctx.started();
    long n = 0;
    try (io.jtractor.MsgStream s = ctx.openStream(io.jtractor.StreamOptions.DEFAULT.withMsgBufferSize(4096))) {
      for (Object ignored : s) n++;
    }
    return n;
  }

  /** Sends 0 .. n-1 down the context's stream as fast as the caller's credit allows; returns n. */
  public static long source(io.jtractor.Context ctx, long n) {
    ctx.started();
    try (io.jtractor.MsgStream s = ctx.openStream()) {
      for (long i = 0; i < n; i++) s.send(i);
    }
    return n;
  }

  /** Echoes the caller's stream back until it closes. */
  public static void echoStream(io.jtractor.Context ctx) {
    ctx.started();
    try (io.jtractor.MsgStream s = ctx.openStream()) {
      for (Object o : s) s.send(o);
    }
  }

  /** Emits 0 .. n-1 as fast as the caller takes them. */
  public static void count(io.jtractor.Emitter<Long> out, long n) {
    for (long i = 0; i < n; i++) out.emit(i);
  }

  /** Started, then sleeps until cancelled. */
  public static void sleeper(io.jtractor.Context ctx) {
    ctx.started();
    io.jtractor.sc.Sc.sleepForever();
  }

  public static void fail() {
    throw new AssertionError("planned failure");
  }

  /** tractor's spawn_and_error: a tree {@code breadth} wide whose leaves fail. */
  public static Object spawnAndError(long breadth, long depth) {
    io.jtractor.Jtractor.openNursery(an -> {
      for (int i = 0; i < breadth; i++) {
        if (depth > 0) an.runInActor("spawner_" + i + "_" + depth, BenchFuncs::spawnAndError, breadth, depth - 1);
        else an.runInActor("errorer_" + i, BenchFuncs::fail);
      }
    });
    return null;
  }

  /** {@link #spawnAndError} with every actor below this one inside this actor's JVM. */
  public static Object spawnAndErrorInProcess(long breadth, long depth) {
    io.jtractor.Jtractor.openNursery(an -> {
      an.withSpawnOptions(io.jtractor.config.SpawnOptions.inherited().inProcess());
      for (int i = 0; i < breadth; i++) {
        if (depth > 0) an.runInActor("spawner_" + i + "_" + depth, BenchFuncs::spawnAndErrorInProcess, breadth, depth - 1);
        else an.runInActor("errorer_" + i, BenchFuncs::fail);
      }
    });
    return null;
  }
}
