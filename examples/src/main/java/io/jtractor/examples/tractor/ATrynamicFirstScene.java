package io.jtractor.examples.tractor;

import io.jtractor.Discovery;
import io.jtractor.Jtractor;
import io.jtractor.Portal;
import io.jtractor.Root;
import io.jtractor.examples.ExampleRoot;
import io.jtractor.sc.Event;

/**
 * Two actors, each started to greet the other: each finds its partner by name through the
 * registrar and asks it to introduce itself. tractor: {@code a_trynamic_first_scene.py}.
 *
 * <p>One addition to the original: an actor started with {@code runInActor} is torn down as soon
 * as its function returns, so whichever actor got its answer first could leave the stage before
 * its partner had asked it anything. Each actor therefore stays until it has been asked too.
 */
public final class ATrynamicFirstScene {
  private ATrynamicFirstScene() {}

  /** Set in an actor once its partner has asked it to introduce itself. */
  private static final Event ASKED = new Event();

  /** Runs in whichever actor is asked: introduces it. */
  public static String hi() {
    ASKED.set();
    return "Hi my name is " + Jtractor.currentActor().name();
  }

  /** Each actor's main function: waits for the other to be registered, then asks it. */
  public static String sayHello(String otherActor) {
    String answer;
    try (Portal other = Discovery.waitForActor(otherActor)) {
      answer = other.run(ATrynamicFirstScene::hi);
    }
    ASKED.await(); // stay on stage until the partner has had its answer too
    return answer;
  }

  public static void main(String[] args) {
    try (Root root = ExampleRoot.open("root")) {
      root.openNursery(an -> {
        System.out.println("Alright... Action!");
        Portal donny = an.runInActor("donny", ATrynamicFirstScene::sayHello, "gretchen");
        Portal gretchen = an.runInActor("gretchen", ATrynamicFirstScene::sayHello, "donny");
        System.out.println(gretchen.<String>result());
        System.out.println(donny.<String>result());
        System.out.println("CUTTTT CUUTT CUT!!! Donny!! You're supposed to say...");
      });
    }
  }
}
