package io.jtractor.examples.debugging;

import io.jtractor.Jtractor;
import io.jtractor.Portal;
import io.jtractor.Root;
import io.jtractor.sc.Sc;
import java.time.Duration;

/**
 * tractor's {@code multi_subactors.py}: one child pauses forever, one fails, and one spawns a
 * grandchild that fails: their stops queue for the one REPL and are served in turn.
 *
 * <pre>
 * root
 * ├─ bp_forever
 * ├─ name_error
 * └─ spawn_error
 *    └─ name_error_1
 * </pre>
 */
public final class MultiSubactors {
  private MultiSubactors() {}

  /** Pauses every 100 ms, forever. */
  public static void breakpointForever() {
    while (true) {
      Sc.sleep(Duration.ofMillis(100));
      Jtractor.pause();
    }
  }

  /** Dereferences a name bound to nothing (Python's NameError). */
  public static void nameError() {
    String doggypants = null;
    System.out.println(doggypants.length());
  }

  /** Spawns a child that fails, and waits for its result (which raises). */
  public static Object spawnError() {
    return Jtractor.callNursery(an -> {
      Portal portal = an.runInActor("name_error_1", MultiSubactors::nameError);
      return portal.result();
    });
  }

  public static void main(String[] args) {
    try (Root root = Jtractor.openRoot(Jtractor.rootConfig("root").withDebugMode(true))) {
      root.openNursery(an -> {
        an.runInActor("bp_forever", MultiSubactors::breakpointForever);
        an.runInActor("name_error", MultiSubactors::nameError);
        an.runInActor("spawn_error", MultiSubactors::spawnError);
      });
    }
  }
}
