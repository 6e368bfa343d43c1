package io.jtractor.examples.debugging;

import io.jtractor.Jtractor;
import io.jtractor.Root;

/** tractor's {@code root_actor_breakpoint_forever.py}: the root pauses again and again, until quit. */
public final class RootActorBreakpointForever {
  private RootActorBreakpointForever() {}

  public static void main(String[] args) {
    try (Root root = Jtractor.openRoot(Jtractor.rootConfig("root").withDebugMode(true))) {
      while (true) Jtractor.pause();
    }
  }
}
