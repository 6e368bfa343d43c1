package io.jtractor.examples.debugging;

import io.jtractor.Jtractor;
import io.jtractor.Portal;
import io.jtractor.Root;

/**
 * tractor's {@code subactor_error.py}: a {@code runInActor} child fails (Python's NameError is a
 * NullPointerException here); the debugger stops it where it threw, then the root where the
 * error arrives.
 */
public final class SubactorError {
  private SubactorError() {}

  /** Runs in the child: dereferences a name bound to nothing. */
  public static void nameError() {
    String doggypants = null;
    System.out.println(doggypants.length());
  }

  public static void main(String[] args) {
    try (Root root = Jtractor.openRoot(Jtractor.rootConfig("root").withDebugMode(true))) {
      root.openNursery(an -> {
        Portal portal = an.runInActor(SubactorError::nameError);
        portal.result();
      });
    }
  }
}
