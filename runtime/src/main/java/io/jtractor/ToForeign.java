package io.jtractor;

import io.jtractor.runtime.Actor;
import io.jtractor.sc.foreign.Foreign;
import io.jtractor.sc.foreign.LinkedBody;
import io.jtractor.sc.foreign.LinkedTask;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Foreign async code from the tasks of an infected actor, on the actor's foreign event loop:
 * tractor's {@code to_asyncio}. An actor is infected when it is spawned with {@code
 * SpawnOptions.infected()} (tractor's {@code infect_asyncio=True}); {@link Jtractor#isInfected()}
 * tells. The semantics are those of {@link Foreign}, which works in any task on any executor;
 * this only adds the actor's loop, and refuses to run where there is none, as tractor does.
 *
 * <pre>{@code
 * public static String fetch(String url) {           // exposed by an infected actor
 *   return ToForeign.runTask(() -> client.sendAsync(request(url), ofString()).thenApply(HttpResponse::body));
 * }
 * }</pre>
 */
public final class ToForeign {
  private ToForeign() {}

  /**
   * The current actor's foreign event loop.
   *
   * @throws IllegalStateException if the current actor is not infected (tractor: {@code
   *     RuntimeError("`infect_asyncio` mode is not enabled!?")}), or no actor runs here
   */
  public static Executor loop() {
    Actor a = Jtractor.requireActor();
    Executor loop = a.foreignLoop();
    if (loop == null) {
      throw new IllegalStateException("actor " + a.uid().name() + " is not infected: spawn it with SpawnOptions.infected()"
          + " to give it a foreign event loop (tractor's infect_asyncio)");
    }
    return loop;
  }

  /** {@link Foreign#runTask(Executor, Callable)} on the actor's loop: tractor's {@code run_task}. */
  public static <T> T runTask(Callable<? extends CompletionStage<? extends T>> work) {
    return Foreign.runTask(loop(), work);
  }

  /**
   * {@link Foreign#openChannelFrom(Executor, LinkedTask, LinkedBody)} on the actor's loop:
   * tractor's {@code open_channel_from}.
   */
  public static <I, O, R> R openChannelFrom(LinkedTask<I, O> target, LinkedBody<I, O, R> body) {
    return Foreign.openChannelFrom(loop(), target, body);
  }
}
