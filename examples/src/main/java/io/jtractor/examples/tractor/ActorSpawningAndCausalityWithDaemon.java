package io.jtractor.examples.tractor;

import io.jtractor.Portal;
import io.jtractor.Root;
import io.jtractor.examples.ExampleRoot;

/**
 * A daemon actor serves as many calls as it is sent until it is cancelled explicitly; without
 * the cancel, the nursery would wait for it forever. tractor: {@code
 * actor_spawning_and_causality_with_daemon.py}.
 */
public final class ActorSpawningAndCausalityWithDaemon {
  private ActorSpawningAndCausalityWithDaemon() {}

  /** Runs in the daemon, once per call. */
  public static String movieTheatreQuestion() {
    return "have you ever seen a portal?";
  }

  public static void main(String[] args) {
    try (Root root = ExampleRoot.open("root")) {
      root.openNursery(an -> {
        Portal frank = an.startActor("frank", ActorSpawningAndCausalityWithDaemon.class);
        System.out.println(frank.run(ActorSpawningAndCausalityWithDaemon::movieTheatreQuestion));
        System.out.println(frank.run(ActorSpawningAndCausalityWithDaemon::movieTheatreQuestion)); // and again
        frank.cancelActor(); // a daemon only ends when told to
      });
    }
  }
}
