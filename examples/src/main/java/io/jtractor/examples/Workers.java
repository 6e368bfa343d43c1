package io.jtractor.examples;

import io.jtractor.Context;
import io.jtractor.Discovery;
import io.jtractor.Jtractor;
import io.jtractor.MsgStream;
import io.jtractor.Portal;
import io.jtractor.sc.Sc;
import java.time.Duration;

/**
 * What the showcase runs in its child actors: a feed daemon that streams sensor readings, workers
 * that find the feed by name and consume its stream, and a CPU-bound job for the cluster. Public
 * static methods of a public class: callable remotely once the class is exposed.
 */
public final class Workers {
  private Workers() {}

  /** Who is answering: the actor's name and its process id. */
  public static String whoAmI() {
    return Jtractor.currentActor().name() + " (pid " + ProcessHandle.current().pid() + ")";
  }

  /** The feed's i-th reading: a value between 40 and 60, and a spike of 999 every 150 readings. */
  static long reading(long i) {
    return i % 150 == 149 ? 999 : 40 + (i * 37) % 21;
  }

  /**
   * The feed (a context function in the daemon): streams readings to whoever opened the context,
   * one every {@code intervalMs}, until that caller cancels the context or goes away.
   */
  public static void readings(Context ctx, long intervalMs) {
    ctx.started("feed@" + ProcessHandle.current().pid());
    try (MsgStream stream = ctx.openStream()) {
      for (long i = 0; ; i++) {
        stream.send(reading(i));
        Sc.sleep(Duration.ofMillis(intervalMs));
      }
    }
  }

  /**
   * A worker: finds the actor named {@code feedName}, streams {@code count} readings from it
   * (spikes ignored) and returns their mean. With {@code strict}, a spike is an error instead.
   */
  public static double average(String feedName, long count, boolean strict) {
    String me = Jtractor.currentActor().name();
    long[] seen = {0, 0};
    try (Portal feed = Discovery.waitForActor(feedName)) {
      feed.openContext(Workers::readings, 2L, (ctx, first) -> {
        System.out.println(me + ": found '" + feedName + "' through the registrar; streaming from " + first);
        try (MsgStream stream = ctx.openStream()) {
          while (seen[0] < count) {
            long v = stream.receive(Long.class);
            if (v == 999) {
              if (strict) throw new IllegalStateException("reading " + (seen[0] + 1) + " is a spike (999): refusing to average it");
              continue;
            }
            seen[0]++;
            seen[1] += v;
          }
        }
        ctx.cancel(); // enough: the feed's task for us ends, the feed itself goes on
        return null;
      });
    } finally {
      if (seen[0] < count) System.out.println(me + ": stopped after " + seen[0] + " readings");
    }
    return (double) seen[1] / seen[0];
  }

  /** How many primes lie in {@code [from, to)}: plain CPU work, for the cluster. */
  public static long countPrimes(long from, long to) {
    long n = 0;
    for (long k = Math.max(2, from); k < to; k++) {
      boolean prime = true;
      for (long d = 2; d * d <= k; d++) {
        if (k % d == 0) {
          prime = false;
          break;
        }
      }
      if (prime) n++;
      if ((k & 0xFFF) == 0) Sc.checkpoint(); // stays cancellable
    }
    return n;
  }
}
