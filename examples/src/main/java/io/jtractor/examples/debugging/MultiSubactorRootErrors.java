package io.jtractor.examples.debugging;

import io.jtractor.Jtractor;
import io.jtractor.Portal;
import io.jtractor.Root;

/**
 * tractor's {@code multi_subactor_root_errors.py}: the root fails right after spawning two
 * failing children; the children's crashes are served first (the root's nursery waits for them),
 * the root's own last.
 */
public final class MultiSubactorRootErrors {
  private MultiSubactorRootErrors() {}

  public static void main(String[] args) {
    try (Root root = Jtractor.openRoot(Jtractor.rootConfig("root").withDebugMode(true))) {
      root.openNursery(an -> {
        Portal portal = an.runInActor("name_error", MultiSubactors::nameError);
        Portal portal1 = an.runInActor("spawn_error", MultiSubactors::spawnError);
        int zero = 0;
        if (zero == 0) throw new AssertionError("assert 0");
        portal.result();
        portal1.result();
      });
    }
  }
}
