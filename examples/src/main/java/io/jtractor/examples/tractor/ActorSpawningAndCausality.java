package io.jtractor.examples.tractor;

import io.jtractor.Jtractor;
import io.jtractor.Portal;
import io.jtractor.Root;
import io.jtractor.examples.ExampleRoot;

/**
 * One child actor runs one function and exits; its result is read after the nursery has closed,
 * since the nursery only closes once the child is done. tractor: {@code
 * actor_spawning_and_causality.py}.
 */
public final class ActorSpawningAndCausality {
  private ActorSpawningAndCausality() {}

  /** Runs in the child: refuses to run in the root. */
  public static String cellarDoor() {
    if (Jtractor.isRootProcess()) throw new AssertionError("cellarDoor must run in a child actor");
    return "Dang that's beautiful";
  }

  public static void main(String[] args) {
    try (Root root = ExampleRoot.open("root")) {
      Portal portal = root.callNursery(an -> an.runInActor("some_linguist", ActorSpawningAndCausality::cellarDoor));
      // The nursery returned: 'some_linguist' has finished, so its result is ready.
      String said = portal.result();
      System.out.println(said);
    }
  }
}
