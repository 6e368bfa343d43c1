package io.jtractor.examples.debugging;

import io.jtractor.Jtractor;
import io.jtractor.Root;
import io.jtractor.sc.Sc;
import java.time.Duration;
import java.util.Map;

/**
 * tractor's {@code root_timeout_while_child_crashed.py}: the root's timeout fires while a child's
 * crash holds the REPL; the root's own stop waits its turn instead of taking the terminal.
 */
public final class RootTimeoutWhileChildCrashed {
  private RootTimeoutWhileChildCrashed() {}

  /** Looks up a key that is not there (Python's KeyError). */
  public static Object keyError() {
    Map<String, Object> empty = Map.of();
    return java.util.Objects.requireNonNull(empty.get("doggy"), "no key 'doggy'");
  }

  public static void main(String[] args) {
    try (Root root = Jtractor.openRoot(Jtractor.rootConfig("root").withDebugMode(true))) {
      root.openNursery(an -> {
        an.runInActor(RootTimeoutWhileChildCrashed::keyError);
        Sc.failAfter(Duration.ofSeconds(1), s -> Sc.sleepForever());
      });
    }
  }
}
