package io.jtractor.examples.debugging;

import io.jtractor.Context;
import io.jtractor.Jtractor;
import io.jtractor.Portal;
import io.jtractor.Root;
import io.jtractor.sc.Sc;

/**
 * tractor's {@code open_ctx_modnofound.py}: a context is opened on a child that does not expose
 * the function's class; the refusal ({@code ModuleNotExposed}) is raised in the root, not a hang.
 * The refusal happens in the runtime, before any user code runs, so nothing stops in the child.
 */
public final class OpenCtxModNotFound {
  private OpenCtxModNotFound() {}

  /** Starts and sleeps (never reached: the child does not expose this class). */
  public static Object justSleep(Context ctx) {
    ctx.started();
    Sc.sleepForever();
    return null;
  }

  public static void main(String[] args) {
    try (Root root = Jtractor.openRoot(Jtractor.rootConfig("root").withDebugMode(true))) {
      root.openNursery(an -> {
        Portal portal = an.startActor("ctx_child");
        portal.openContext(OpenCtxModNotFound::justSleep, (ctx, sent) -> {
          throw new IllegalStateException("interrupted by the user");
        });
      });
    }
  }
}
