package io.jtractor.examples.debugging;

import io.jtractor.Jtractor;
import io.jtractor.Root;

/** tractor's {@code root_actor_error.py}: the root fails an assertion in debug mode. */
public final class RootActorError {
  private RootActorError() {}

  public static void main(String[] args) {
    try (Root root = Jtractor.openRoot(Jtractor.rootConfig("root").withDebugMode(true))) {
      int zero = 0;
      if (zero == 0) throw new AssertionError("assert 0");
    }
  }
}
