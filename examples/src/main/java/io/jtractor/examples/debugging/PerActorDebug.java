package io.jtractor.examples.debugging;

import io.jtractor.Jtractor;
import io.jtractor.Portal;
import io.jtractor.Root;
import io.jtractor.sc.Nursery;

/**
 * tractor's {@code per_actor_debug.py}: the tree is not in debug mode, but one child is; both
 * children fail, and only the debugged one stops.
 */
public final class PerActorDebug {
  private PerActorDebug() {}

  /** Fails at once. */
  public static void die() {
    throw new RuntimeException("die");
  }

  public static void main(String[] args) {
    try (Root root = Jtractor.openRoot(Jtractor.rootConfig("root").withDebugMode(false))) {
      root.openNursery(an -> {
        Portal debugged = an.withDebugMode(true).startActor("debugged_boi", PerActorDebug.class);
        Portal crash = an.withDebugMode(false).startActor("crash_boi", PerActorDebug.class);
        Nursery.run(n -> {
          n.startSoon(() -> debugged.run(PerActorDebug::die));
          n.startSoon(() -> {
            try {
              crash.run(PerActorDebug::die);
            } catch (RuntimeException e) {
              System.out.println("crash_boi failed: " + e.getMessage());
              throw e;
            }
          });
        });
      });
    }
  }
}
