package io.jtractor.examples.debugging;

import io.jtractor.Jtractor;
import io.jtractor.Root;
import io.jtractor.sc.Sc;
import java.time.Duration;

/** tractor's {@code root_actor_breakpoint.py}: the root pauses once. */
public final class RootActorBreakpoint {
  private RootActorBreakpoint() {}

  public static void main(String[] args) {
    try (Root root = Jtractor.openRoot(Jtractor.rootConfig("root").withDebugMode(true))) {
      Sc.sleep(Duration.ofMillis(100));
      Jtractor.pause();
      Sc.sleep(Duration.ofMillis(100));
    }
  }
}
