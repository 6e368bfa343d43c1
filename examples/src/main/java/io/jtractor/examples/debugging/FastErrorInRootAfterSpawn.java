package io.jtractor.examples.debugging;

import io.jtractor.ActorNursery;
import io.jtractor.Context;
import io.jtractor.Jtractor;
import io.jtractor.Portal;
import io.jtractor.Root;
import io.jtractor.sc.Nursery;
import io.jtractor.sc.Sc;
import java.time.Duration;

/**
 * tractor's {@code fast_error_in_root_after_spawn.py}: the root fails while a child is still
 * starting its context; tearing the half-started child down must not hang.
 */
public final class FastErrorInRootAfterSpawn {
  private FastErrorInRootAfterSpawn() {}

  /** A context that starts after 0.5 s and then sleeps forever. */
  public static Object sleep(Context ctx) {
    Sc.sleep(Duration.ofMillis(500));
    ctx.started();
    Sc.sleepForever();
    return null;
  }

  static void openCtx(ActorNursery an) {
    Portal portal = an.startActor("sleeper", FastErrorInRootAfterSpawn.class);
    portal.openContext(FastErrorInRootAfterSpawn::sleep, (ctx, first) -> {
      if (first != null) throw new AssertionError("started with " + first);
      return null;
    });
  }

  public static void main(String[] args) {
    try (Root root = Jtractor.openRoot(Jtractor.rootConfig("root").withDebugMode(true))) {
      root.openNursery(an -> Nursery.run(n -> {
        n.startSoon(() -> openCtx(an));
        Sc.sleep(Duration.ofMillis(200));
        Sc.sleep(Duration.ofMillis(100));
        int zero = 0;
        if (zero == 0) throw new AssertionError("assert 0");
      }));
    }
  }
}
