package io.jtractor;

import io.jtractor.runtime.Actor;
import io.jtractor.sc.Block;
import io.jtractor.sc.ValueBlock;
import java.util.List;
import java.util.Objects;

/**
 * Entry points: open a root actor, open an actor nursery in the current actor, find the current
 * actor. Prior art: tractor's top-level functions.
 *
 * <pre>{@code
 * try (Root root = Jtractor.openRoot("root")) {
 *   root.openNursery(an -> {
 *     Portal p = an.runInActor(Funcs::add, 1, 2);
 *     int three = p.result();
 *   });
 * }
 * }</pre>
 */
public final class Jtractor {
  private Jtractor() {}

  /** Opens a root actor named {@code name} that exposes {@code modules}, listening on 127.0.0.1 (any port). */
  public static Root openRoot(String name, Class<?>... modules) {
    return new Root(Actor.Config.of(name, List.of(modules)));
  }

  /** Opens a root actor with a full configuration. */
  public static Root openRoot(Actor.Config config) {
    return new Root(Objects.requireNonNull(config, "config"));
  }

  /**
   * Opens an actor nursery in this process's current actor (a root, or a child actor inside one
   * of its remote functions) and runs {@code body} in it.
   *
   * @throws IllegalStateException if no actor runs in this process
   */
  public static void openNursery(Block<? super ActorNursery> body) {
    Objects.requireNonNull(body, "body");
    ActorNursery.open(requireActor(), an -> {
      body.run(an);
      return null;
    });
  }

  /** Like {@link #openNursery(Block)}, returning the body's value. */
  public static <R> R callNursery(ValueBlock<? super ActorNursery, R> body) {
    return ActorNursery.open(requireActor(), body);
  }

  /** The uid of this process's current actor. */
  public static io.jtractor.wire.Uid currentActor() {
    return requireActor().uid();
  }

  /**
   * Registers a cleanup to run when the current actor stops serving, whether it ends normally, by
   * error or by cancellation (tractor's {@code actor.lifetime_stack}). In a child actor this is
   * the way to clean up: its JVM ends without running shutdown hooks.
   */
  public static void atTeardown(AutoCloseable cleanup) {
    requireActor().atTeardown(cleanup);
  }

  /**
   * Cancels the current actor, as a remote {@code self.cancel} would (tractor's {@code
   * actor.cancel_soon()}): its tasks are cancelled, it stops serving, and a child actor exits.
   * Returns at once; the calling task is among those cancelled.
   */
  public static void cancelCurrentActor() {
    Actor a = requireActor();
    Thread.ofVirtual().name("cancel-self").start(() -> {
      a.cancelRuntime(a.uid());
      a.cancelService();
    });
  }

  private static Actor requireActor() {
    Actor a = Actor.current();
    if (a == null) throw new IllegalStateException("no actor runs in this process: open a root first (Jtractor.openRoot)");
    return a;
  }
}
