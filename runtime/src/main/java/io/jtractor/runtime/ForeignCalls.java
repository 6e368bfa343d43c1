package io.jtractor.runtime;

import io.jtractor.errors.TypeError;
import io.jtractor.sc.foreign.FlowReceiver;
import io.jtractor.sc.foreign.Foreign;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;

/**
 * Calls an exposed function according to its declared result ({@link Modules.Target.Shape}): a
 * plain function as it is; one returning a {@link CompletionStage} by awaiting the stage (the
 * caller gets its value, its error with its own type, and a cancelled call cancels the stage); one
 * returning a {@link Flow.Publisher} by streaming what it publishes to the caller as tractor's
 * async generator items, with the caller's credit (a jtractor caller) as the subscription's
 * demand. In an infected actor (one with a foreign loop) such functions are called on the loop,
 * as tractor's asyncio functions run as tasks of asyncio's loop; elsewhere on the RPC task.
 */
final class ForeignCalls {
  private ForeignCalls() {}

  /**
   * Runs one call of {@code target} in the RPC task.
   *
   * @param link the call's context, for a function whose result is streamed; else null
   * @return what the caller is sent as the result (null for a stream)
   */
  static Object invoke(Actor actor, Modules.Target target, Object[] args, ContextLink link) throws Exception {
    return switch (target.shape()) {
      case PLAIN -> target.invoke(args);
      case STAGE -> Foreign.runTask(actor.foreignLoop(), () -> {
        if (!(target.invoke(args) instanceof CompletionStage<?> stage)) throw notAsync(target, "CompletionStage");
        return stage;
      });
      case PUBLISHER -> {
        stream(actor.foreignLoop(), target, args, link);
        yield null;
      }
    };
  }

  private static void stream(Executor loop, Modules.Target target, Object[] args, ContextLink link) throws Exception {
    Object p = loop == null ? target.invoke(args) : Foreign.runTask(loop, () -> CompletableFuture.completedFuture(target.invoke(args)));
    if (!(p instanceof Flow.Publisher<?> publisher)) throw notAsync(target, "Flow.Publisher");
    try (FlowReceiver<Object> items = Foreign.receive(publisher, ContextLink.DEFAULT_BUFFER)) {
      for (Object item : items) link.sendYield(item, true);
    }
  }

  private static TypeError notAsync(Modules.Target target, String what) {
    return new TypeError(target.ns() + "." + target.func() + "() returned null instead of a " + what);
  }
}
