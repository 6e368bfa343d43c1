package io.jtractor.funcs;

import io.jtractor.ActorNursery;
import io.jtractor.Jtractor;

/** Functions the multi-host tests call in remote children. */
public final class HostFuncs {
  private HostFuncs() {}

  /** The address this actor listens on. */
  public static String listenHost() {
    return io.jtractor.runtime.Actor.current().address().getHostString();
  }

  /** The address this actor's connection to its parent comes from, seen from this side. */
  public static long pid() {
    return ProcessHandle.current().pid();
  }

  /** Fails with a message naming this host's address. */
  public static String failHere() {
    throw new IllegalStateException("failed on " + listenHost());
  }

  /** Spawns a grandchild (on this, the remote, host) and returns its listening host. */
  public static String grandchildHost() {
    return Jtractor.<String>callNursery(
        (ActorNursery an) -> an.runInActor("grandchild", HostFuncs::listenHost).<String>result());
  }
}
