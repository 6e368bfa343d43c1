package io.jtractor.examples;

import io.jtractor.Jtractor;
import io.jtractor.sc.Sc;
import java.time.Duration;

/** Functions the showcase runs in child actors. Public static methods: callable remotely. */
public final class Workers {
  private Workers() {}

  /** Who is answering: the actor's name and its process id. */
  public static String whoAmI() {
    return Jtractor.currentActor().name() + " (pid " + ProcessHandle.current().pid() + ")";
  }

  /** Sleeps, then answers; cancellable at any point. */
  public static String sleepThenAnswer(long ms) {
    Sc.sleep(Duration.ofMillis(ms));
    return "slept " + ms + " ms";
  }

  /** Integer division: fails with ArithmeticException for a zero divisor, in the child. */
  public static long divide(long a, long b) {
    return a / b;
  }
}
