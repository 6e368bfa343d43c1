package io.jtractor.funcs;

import io.jtractor.Jtractor;
import io.jtractor.Root;
import io.jtractor.sc.Sc;

/**
 * A root program for the signal tests: spawns three daemons, one of which spawns a grandchild,
 * prints READY and waits in its nursery until something stops it.
 */
public final class BusyRootProgram {
  private BusyRootProgram() {}

  public static void main(String[] args) {
    try (Root root = Jtractor.openRoot("busy-root", Funcs.class)) {
      root.openNursery(an -> {
        for (int i = 0; i < 3; i++) an.startActor("daemon" + i, Funcs.class);
        System.out.println("READY");
        System.out.flush();
        Sc.sleepForever();
      });
    }
  }
}
