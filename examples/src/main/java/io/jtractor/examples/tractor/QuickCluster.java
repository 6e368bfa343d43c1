package io.jtractor.examples.tractor;

import io.jtractor.Jtractor;
import io.jtractor.Portal;
import io.jtractor.Root;
import io.jtractor.examples.ExampleRoot;
import io.jtractor.sc.Nursery;
import io.jtractor.sc.Sc;
import java.time.Duration;
import java.util.List;

/**
 * A flat cluster, one actor per core (at most 4), each running a task that never ends; after
 * half a second the root gives up waiting and the cluster is torn down. tractor: {@code
 * quick_cluster.py} (which ends the same way with a KeyboardInterrupt).
 */
public final class QuickCluster {
  private QuickCluster() {}

  /** Runs in every worker: says hello, then sleeps until cancelled. */
  public static void sleepyJane() {
    System.out.println("Yo i am actor " + Jtractor.currentActor());
    Sc.sleepForever();
  }

  public static void main(String[] args) {
    int cores = Math.min(4, Runtime.getRuntime().availableProcessors()); // a light cluster on big machines
    try (Root root = ExampleRoot.open("root")) {
      Jtractor.openActorCluster(cores, List.of(QuickCluster.class), portals -> {
        Sc.moveOnAfter(Duration.ofMillis(500), deadline -> Nursery.run(n -> {
          for (Portal portal : portals.values()) n.startSoon(() -> portal.run(QuickCluster::sleepyJane));
        }));
        System.out.println("0.5 s is up: cancelling the cluster of " + portals.size());
        return null;
      });
    }
  }
}
