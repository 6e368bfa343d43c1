package io.jtractor.funcs;

import io.jtractor.Jtractor;
import io.jtractor.Portal;
import io.jtractor.Root;

/**
 * A separate root program for the tests that signal or kill a root: spawns a child, which spawns
 * a grandchild; prints their pids; then waits forever.
 */
public final class RootProgram {
  private RootProgram() {}

  public static void main(String[] args) {
    try (Root root = Jtractor.openRoot("signalled-root", Funcs.class)) {
      root.openNursery(an -> {
        Portal kid = an.startActor("kid", Funcs.class);
        System.out.println("CHILD_PID " + kid.run(Funcs::pid));
        System.out.flush();
        kid.run(Funcs::spawnGrandchildAndReport);
      });
    }
  }
}
