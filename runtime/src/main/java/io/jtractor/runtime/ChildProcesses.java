package io.jtractor.runtime;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Emergency handling of an actor's live children, for JVM shutdown hooks. */
public final class ChildProcesses {
  private ChildProcesses() {}

  /**
   * Kills the actor's pre-started JVMs, sends SIGTERM to every live child (each takes its own
   * children down in its shutdown hook), waits up to {@code grace}, then SIGKILLs whatever is left,
   * descendants included.
   */
  public static void killAll(Actor actor, Duration grace) {
    actor.closeWarmPools();
    Set<ChildProcess> children = actor.children().live();
    for (ChildProcess c : children) c.process().destroy();
    long deadline = System.nanoTime() + grace.toNanos();
    for (ChildProcess c : children) {
      long left = deadline - System.nanoTime();
      try {
        if (left > 0) c.process().waitFor(left, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (ChildProcess c : children) c.killNow();
  }
}
