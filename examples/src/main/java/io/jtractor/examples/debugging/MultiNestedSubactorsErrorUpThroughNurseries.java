package io.jtractor.examples.debugging;

import io.jtractor.Jtractor;
import io.jtractor.Portal;
import io.jtractor.Root;
import io.jtractor.sc.Sc;
import java.time.Duration;

/**
 * tractor's {@code multi_nested_subactors_error_up_through_nurseries.py}, one level shallower
 * (each level is a JVM): at the bottom of two chains of spawners a child pauses forever and
 * another fails; the failure rises through every nursery to the root, each actor on the way
 * stopping in the debugger.
 */
public final class MultiNestedSubactorsErrorUpThroughNurseries {
  private MultiNestedSubactorsErrorUpThroughNurseries() {}

  /** Spawns the next level, or at the bottom a pausing child and a failing one. */
  public static void spawnUntil(int depth) {
    Jtractor.openNursery(an -> {
      if (depth < 1) {
        an.runInActor("breakpoint_forever", MultiSubactors::breakpointForever);
        Portal p = an.runInActor("name_error", MultiSubactors::nameError);
        Sc.sleep(Duration.ofMillis(500));
        p.result();
      } else {
        an.runInActor("spawn_until_" + (depth - 1), MultiNestedSubactorsErrorUpThroughNurseries::spawnUntil, depth - 1);
      }
    });
  }

  public static void main(String[] args) {
    try (Root root = Jtractor.openRoot(Jtractor.rootConfig("root").withDebugMode(true))) {
      root.openNursery(an -> {
        Portal portal = an.runInActor("spawner0", MultiNestedSubactorsErrorUpThroughNurseries::spawnUntil, 1);
        Portal portal1 = an.runInActor("spawner1", MultiNestedSubactorsErrorUpThroughNurseries::spawnUntil, 2);
        Sc.moveOnAfter(Duration.ofSeconds(3), s -> Sc.sleepForever());
        portal.result();
        portal1.result();
      });
    }
  }
}
