package io.jtractor.examples.debugging;

import io.jtractor.Jtractor;
import io.jtractor.Portal;
import io.jtractor.Root;
import io.jtractor.sc.Sc;
import java.time.Duration;

/** tractor's {@code subactor_breakpoint.py}: a child pauses again and again, until quit. */
public final class SubactorBreakpoint {
  private SubactorBreakpoint() {}

  /** Runs in the child: pauses every 100 ms, forever. */
  public static void breakpointForever() {
    int round = 0;
    while (true) {
      Sc.sleep(Duration.ofMillis(100));
      round++;
      Jtractor.pause();
    }
  }

  public static void main(String[] args) {
    try (Root root = Jtractor.openRoot(Jtractor.rootConfig("root").withDebugMode(true))) {
      root.openNursery(an -> {
        Portal portal = an.runInActor(SubactorBreakpoint::breakpointForever);
        portal.result();
      });
    }
  }
}
