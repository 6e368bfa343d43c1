package io.jtractor.bench;

import io.jtractor.MsgStream;
import io.jtractor.Portal;
import io.jtractor.Root;
import io.jtractor.config.SpawnOptions;
import io.jtractor.sc.MemoryChannel;
import io.jtractor.sc.ReceiveChannel;
import io.jtractor.sc.SendChannel;

/**
 * The in-process backend's figures for {@link StreamBench}, each next to its baseline from the
 * same run: one-way streaming to an in-process actor against sc's own {@link MemoryChannel}
 * between two tasks (the same items, buffered), the stream echo round trip, {@code
 * Context.cancel()}, the depth-3 breadth-2 erroring tree with every actor in this JVM, and a
 * mixed tree (two child JVMs, the rest in-process inside them).
 */
final class InProcessBench {
  private InProcessBench() {}

  /**
   * The in-process tree's first rounds: the first three run interpreted and C1-compiled (printed),
   * and the last ten are summarised. Unpinned that is about warm (measured: 40-80 ms in the first
   * twenty rounds, 10-30 ms from about the thirtieth on, 2 vCPUs); pinned, C2 is still compiling
   * then, on the same CPU, for hundreds of rounds more ({@link JitQuiet}).
   */
  static final int TREE_ROUNDS = 40;

  /** Rounds of the in-process tree timed once the JIT is quiet ({@link JitQuiet}); odd, for a median. */
  static final int WARM_TREE_ROUNDS = 21;

  /**
   * Rounds of the in-process one-way stream, each after a round of its baseline, once both are
   * warm ({@link JitQuiet}); the summary is over the later half ({@link StreamBench#printWarm}).
   */
  static final int ONE_WAY_ROUNDS = 12;

  /**
   * An in-process one-way round carries this many times the messages of a round between JVMs:
   * pinned, a round of 100,000 through the channel lasts 3-8 ms, within one young collection's
   * reach, and its rate moved 12-40M msg/s from round to round (a 30-round probe); at a million
   * the rounds settle.
   */
  static final int ONE_WAY_SCALE = 10;

  /** The baseline channel's buffer: a stream's items also queue up to a window before the sender waits. */
  static final int CHANNEL_BUFFER = 64;

  static void run(Root root, int messages, boolean trees) {
    root.openNursery(an -> {
      Portal p = an.startActor("streamer", SpawnOptions.DEFAULT.inProcess(), BenchFuncs.class);
      int items = (int) Math.min(Integer.MAX_VALUE, (long) messages * ONE_WAY_SCALE);
      java.util.function.DoubleSupplier channel = () -> StreamBench.onTask(() -> memoryChannelOneWay(items));
      java.util.function.DoubleSupplier stream = () -> StreamBench.onTask(() -> {
        long[] got = {0};
        double rate = StreamBench.sinkRate(p, items, got);
        return StreamBench.allArrived(got[0], items, rate);
      });
      // Both warmed until the JIT is quiet, as the echo and the tree are: pinned, C2 was still
      // compiling both paths in the twelfth round (rates rising 2-3x from the seventh to the eleventh).
      JitQuiet.WarmUp warmUp = JitQuiet.warmUp(() -> {
        channel.getAsDouble();
        stream.getAsDouble();
        return 0;
      });
      System.out.printf("in-process one-way: %d rounds of warm-up in %.1f s (%s)%n", warmUp.rounds(), warmUp.totalMillis() / 1e3,
          warmUp.quiet() ? "until the JIT was quiet" : "the JIT still compiling at the warm-up's limit");
      double oneWay = StreamBench.oneWayRounds("in-process one-way " + items + " messages caller -> callee, from a task",
          "sc MemoryChannel(" + CHANNEL_BUFFER + ") between two tasks", ONE_WAY_ROUNDS, channel, stream);
      Aims.atLeast("in-process one-way, warm median ratio to sc's MemoryChannel(" + CHANNEL_BUFFER + ")", 0.8, oneWay, "x");
      double channelEcho = StreamBench.onTask(() -> memoryChannelEchoMicros(10_000));
      double echo = StreamBench.onTask(() -> StreamBench.echoMicros(p, 10_000));
      System.out.printf("in-process stream echo round trip from a task: %.1f us; sc MemoryChannel round trip between two tasks: %.1f us; ratio %.1f%n",
          echo, channelEcho, echo / channelEcho);
      Aims.atMost("in-process stream echo round trip from a task", 5, echo, "us");
      double channelEchoMain = memoryChannelEchoMicros(10_000);
      double echoMain = StreamBench.echoMicros(p, 10_000);
      System.out.printf("in-process stream echo round trip from the root's own (platform) thread: %.1f us; sc MemoryChannel round trip from it to a task: %.1f us%n",
          echoMain, channelEchoMain);
      long[] tail = StreamBench.onTask(() -> StreamBench.cancelTimes(p, 2_000));
      long[] tailMain = StreamBench.cancelTimes(p, 2_000);
      System.out.printf("in-process Context.cancel() until the callee acknowledged, from a task: p50 %.1f us, p90 %.1f us; from the root's own (platform) thread: p50 %.1f us%n",
          tail[tail.length / 2] / 1e3, tail[tail.length * 9 / 10] / 1e3, tailMain[tailMain.length / 2] / 1e3);
      p.cancelActor();
    });
    if (trees) {
      long[] ms = new long[TREE_ROUNDS];
      for (int round = 0; round < TREE_ROUNDS; round++) ms[round] = tree(root, false, round < 3);
      long[] late = java.util.Arrays.copyOfRange(ms, TREE_ROUNDS - 10, TREE_ROUNDS);
      java.util.Arrays.sort(late);
      System.out.printf("in-process depth-3 breadth-2 tree of erroring actors, the last 10 of the first %d rounds (C2 may still be compiling the spawn path): median %d ms, min %d ms, max %d ms%n",
          TREE_ROUNDS, (late[4] + late[5]) / 2, late[0], late[9]);
      Aims.atMost("in-process depth-3 breadth-2 erroring tree, median of rounds " + (TREE_ROUNDS - 9) + "-" + TREE_ROUNDS, 50, (late[4] + late[5]) / 2.0, "ms");
      JitQuiet.WarmUp warmUp = JitQuiet.warmUp(() -> tree(root, false, false));
      long[] warm = new long[WARM_TREE_ROUNDS];
      for (int round = 0; round < WARM_TREE_ROUNDS; round++) warm[round] = tree(root, false, false);
      java.util.Arrays.sort(warm);
      System.out.printf("in-process depth-3 breadth-2 tree of erroring actors, warm (%d rounds after %d more of warm-up in %.1f s, %s): median %d ms, min %d ms, max %d ms%n",
          WARM_TREE_ROUNDS, warmUp.rounds(), warmUp.totalMillis() / 1e3,
          warmUp.quiet() ? "once the JIT was quiet" : "the JIT still compiling at the warm-up's limit",
          warm[WARM_TREE_ROUNDS / 2], warm[0], warm[WARM_TREE_ROUNDS - 1]);
      Aims.atMost("in-process depth-3 breadth-2 erroring tree, warm median", 50, warm[WARM_TREE_ROUNDS / 2], "ms");
      long mixed = Long.MAX_VALUE;
      for (int round = 0; round < 2; round++) mixed = Math.min(mixed, tree(root, true, true));
      Aims.shown("mixed depth-3 breadth-2 erroring tree (2 child JVMs, 28 in-process actors), the faster of two", mixed, "ms");
    }
  }

  /**
   * The depth-3 breadth-2 erroring tree (30 actors): all in this JVM, or mixed (the two top
   * spawners in JVMs of their own, everything below them in-process inside those); its time in
   * milliseconds, printed if {@code print}.
   */
  static long tree(Root root, boolean mixed, boolean print) {
    long t0 = System.nanoTime();
    try {
      root.openNursery(an -> {
        an.withSpawnOptions(mixed ? ActorBench.childOptions() : SpawnOptions.DEFAULT.inProcess());
        for (int i = 0; i < 2; i++) an.runInActor("spawner_" + i, BenchFuncs::spawnAndErrorInProcess, 2L, 2L);
      });
    } catch (RuntimeException expected) {
      // the errors of the tree, as a group
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    if (print) {
      System.out.printf("%s depth-3 breadth-2 tree of erroring actors (30 actors%s), spawned and torn down: %d ms%n",
          mixed ? "mixed" : "in-process", mixed ? ": 2 child JVMs, 28 in-process inside them" : ", all in-process", ms);
    }
    return ms;
  }

  /**
   * The echo's baseline: a round trip between the calling thread and a task through two unbuffered
   * MemoryChannels (one each way), timed after the same warm-up as the stream echo. Every round
   * trip is two thread hand-overs, the least any echo can cost; called from a task ({@link
   * StreamBench#onTask}) it is the round trip between two tasks.
   */
  static double memoryChannelEchoMicros(int trips) {
    MemoryChannel<Long> there = MemoryChannel.open(0);
    MemoryChannel<Long> back = MemoryChannel.open(0);
    double[] us = {0};
    io.jtractor.sc.Nursery.run(nursery -> {
      nursery.startSoon(() -> {
        for (Long v; (v = there.receiver().receiveOrClosed()) != null; ) back.sender().send(v);
        back.sender().close();
      });
      long warm = System.nanoTime() + StreamBench.WARM_UP_NANOS;
      for (long i = 0; System.nanoTime() < warm; i++) {
        there.sender().send(i);
        back.receiver().receive();
      }
      JitQuiet.warmUp(() -> {
        for (long i = 0; i < 1_000; i++) {
          there.sender().send(i);
          back.receiver().receive();
        }
        return 0;
      });
      long t0 = System.nanoTime();
      for (long i = 0; i < trips; i++) {
        there.sender().send(i);
        back.receiver().receive();
      }
      us[0] = (System.nanoTime() - t0) / 1e3 / trips;
      there.sender().close();
    });
    return us[0];
  }

  /** {@code messages} boxed longs from one task to another through sc's MemoryChannel: items per second. */
  static double memoryChannelOneWay(int messages) {
    MemoryChannel<Long> ch = MemoryChannel.open(CHANNEL_BUFFER);
    SendChannel<Long> tx = ch.sender();
    ReceiveChannel<Long> rx = ch.receiver();
    long[] n = {0};
    long t0 = System.nanoTime();
    io.jtractor.sc.Nursery.run(nursery -> {
      nursery.startSoon(() -> {
        for (long i = 0; i < messages; i++) tx.send(i);
        tx.close();
      });
      while (rx.receiveOrClosed() != null) n[0]++;
    });
    return n[0] / ((System.nanoTime() - t0) / 1e9);
  }
}
