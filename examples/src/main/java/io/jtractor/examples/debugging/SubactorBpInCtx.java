package io.jtractor.examples.debugging;

import io.jtractor.Context;
import io.jtractor.Jtractor;
import io.jtractor.Portal;
import io.jtractor.Root;
import io.jtractor.sc.Sc;

/** tractor's {@code subactor_bp_in_ctx.py}: a context function pauses after it started, then fails. */
public final class SubactorBpInCtx {
  private SubactorBpInCtx() {}

  /** Starts, pauses, prints twice with a pause between, then fails. */
  public static Object justBp(Context ctx) {
    ctx.started();
    Jtractor.pause();
    System.out.println("yo");
    Jtractor.pause();
    System.out.println("yo");
    int zero = 0;
    if (zero == 0) throw new AssertionError("assert 0");
    return null;
  }

  public static void main(String[] args) {
    try (Root root = Jtractor.openRoot(Jtractor.rootConfig("root").withDebugMode(true))) {
      root.openNursery(an -> {
        Portal p = an.startActor("bp_boi", SubactorBpInCtx.class);
        p.openContext(SubactorBpInCtx::justBp, (ctx, first) -> {
          Sc.sleepForever();
          return null;
        });
      });
    }
  }
}
