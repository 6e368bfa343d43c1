package io.jtractor.examples.tractor;

import io.jtractor.Root;
import io.jtractor.errors.RemoteActorError;
import io.jtractor.examples.ExampleRoot;

/**
 * Three healthy daemons and one child that fails at once: the failure cancels the daemons and
 * comes out of the nursery as a {@link RemoteActorError} naming the remote type. tractor: {@code
 * remote_error_propagation.py}.
 */
public final class RemoteErrorPropagation {
  private RemoteErrorPropagation() {}

  /** Runs in the failing child. */
  public static void assertErr() {
    throw new AssertionError("this actor was always going to fail");
  }

  public static void main(String[] args) {
    try (Root root = ExampleRoot.open("root")) {
      root.openNursery(an -> {
        for (int i = 0; i < 3; i++) an.startActor("actor_" + i, RemoteErrorPropagation.class);
        an.runInActor(RemoteErrorPropagation::assertErr);
        // The nursery waits for the daemons until the failure cancels them.
      });
    } catch (RemoteActorError e) {
      System.out.println("Look Maa that actor failed hard, hehhh! (" + e.type().getSimpleName() + " in '"
          + e.srcActorUid().name() + "')");
    }
  }
}
