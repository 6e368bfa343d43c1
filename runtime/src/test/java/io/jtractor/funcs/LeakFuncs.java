package io.jtractor.funcs;

import io.jtractor.Context;
import io.jtractor.Discovery;
import io.jtractor.MsgStream;
import io.jtractor.runtime.Actor;
import io.jtractor.sc.Sc;
import java.time.Duration;
import java.util.Map;

/** What the no-growth tests run in child actors. */
public final class LeakFuncs {
  private LeakFuncs() {}

  /** The calling actor's bookkeeping, by name (see {@code io.jtractor.runtime.Bookkeeping}). */
  public static Map<String, Object> bookkeeping() {
    return Actor.current().bookkeeping().toMap();
  }

  /**
   * How many messages from the peer {@code peerName} calls of this actor read themselves while
   * they slept (see {@code PeerChannel.sleepingReads}), over every connection with it.
   */
  public static long sleepingReadsFrom(String peerName) {
    Actor self = Actor.current();
    long n = 0;
    for (var uid : self.peers()) {
      if (uid.name().equals(peerName)) {
        for (var ch : self.channelsTo(uid)) n += ch.sleepingReads();
      }
    }
    return n;
  }

  /** Reports started, then sleeps until cancelled. */
  public static void sleepUntilCancelled(Context ctx) {
    ctx.started();
    Sc.sleepForever();
  }

  /** Reports started, then blocks outside sc (a plain {@code Thread.sleep}) for {@code ms}. */
  public static String blockOutsideSc(Context ctx, long ms) throws InterruptedException {
    ctx.started();
    Thread.sleep(ms);
    return "done";
  }

  /** Streams 0, 1, 2, … until the caller cancels the context. */
  public static void streamForever(Context ctx) {
    ctx.started();
    try (MsgStream s = ctx.openStream()) {
      for (long i = 0; ; i++) s.send(i);
    }
  }

  /** Echoes the caller's stream until it closes; returns how many items it echoed. */
  public static long echoStream(Context ctx) {
    ctx.started();
    long n = 0;
    try (MsgStream s = ctx.openStream()) {
      for (Object o : s) {
        s.send(o);
        n++;
      }
    }
    return n;
  }

  public static long echo(long v) {
    return v;
  }

  /**
   * Asks the registrar to wait for an actor called {@code name}, and gives up after {@code ms}:
   * the registrar's waiting task is cancelled. Returns whether it gave up.
   */
  public static boolean waitBriefly(String name, long ms) {
    boolean[] found = {false};
    Sc.moveOnAfter(Duration.ofMillis(ms), s -> {
      Discovery.waitForActor(name).close();
      found[0] = true;
    });
    return !found[0];
  }
}
