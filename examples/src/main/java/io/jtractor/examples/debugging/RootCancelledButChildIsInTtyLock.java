package io.jtractor.examples.debugging;

import io.jtractor.Jtractor;
import io.jtractor.Portal;
import io.jtractor.Root;

/**
 * tractor's {@code root_cancelled_but_child_is_in_tty_lock.py}: failures rise from grandchildren
 * while other children are still in (or waiting for) the REPL; the nurseries that would cancel
 * them wait until the user lets them go.
 */
public final class RootCancelledButChildIsInTtyLock {
  private RootCancelledButChildIsInTtyLock() {}

  /** Spawns a failing child at the bottom, or the next level. */
  public static void spawnUntil(int depth) {
    Jtractor.openNursery(an -> {
      if (depth < 1) {
        an.runInActor("name_error", MultiSubactors::nameError);
      } else {
        an.runInActor("spawn_until_" + (depth - 1), RootCancelledButChildIsInTtyLock::spawnUntil, depth - 1);
      }
    });
  }

  public static void main(String[] args) {
    try (Root root = Jtractor.openRoot(Jtractor.rootConfig("root").withDebugMode(true))) {
      root.openNursery(an -> {
        Portal portal = an.runInActor("spawner0", RootCancelledButChildIsInTtyLock::spawnUntil, 0);
        Portal portal1 = an.runInActor("spawner1", RootCancelledButChildIsInTtyLock::spawnUntil, 1);
        portal.result();
        portal1.result();
      });
    }
  }
}
