package io.jtractor.examples.debugging;

import io.jtractor.Emitter;
import io.jtractor.Jtractor;
import io.jtractor.MsgStream;
import io.jtractor.Portal;
import io.jtractor.Root;
import io.jtractor.errors.RemoteActorError;

/**
 * tractor's {@code multi_daemon_subactors.py}: two daemons, one streaming and pausing after each
 * item, one failing on every call; the first failure is caught by the root, the second one rises
 * and ends the tree.
 */
public final class MultiDaemonSubactors {
  private MultiDaemonSubactors() {}

  /** Streams "yo", then pauses, forever. */
  public static void breakpointForever(Emitter<String> out) {
    while (true) {
      out.emit("yo");
      Jtractor.pause();
    }
  }

  public static void main(String[] args) {
    try (Root root = Jtractor.openRoot(Jtractor.rootConfig("root").withDebugMode(true))) {
      root.openNursery(an -> {
        Portal p0 = an.startActor("bp_forever", MultiDaemonSubactors.class);
        Portal p1 = an.startActor("name_error", MultiSubactors.class);
        try (MsgStream stream = p0.openStreamFrom(MultiDaemonSubactors::breakpointForever)) {
          try {
            p1.run(MultiSubactors::nameError);
          } catch (RemoteActorError rae) {
            if (rae.type() != NullPointerException.class) throw rae;
          }
          for (Object item : stream) {
            // a second time: this time the error propagates up to the root's nursery
            p1.run(MultiSubactors::nameError);
          }
        }
      });
    }
  }
}
