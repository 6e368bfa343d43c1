package io.jtractor.funcs;

import io.jtractor.DaemonExit;
import io.jtractor.Jtractor;
import io.jtractor.config.ActorConfig;
import io.jtractor.runtime.Actor;
import java.util.List;

/**
 * A separate program for the multi-program tests: {@code DaemonProgram NAME REGISTRY} runs a
 * daemon root named NAME (exposing {@link DiscoveryFuncs}) with the registrar at REGISTRY
 * ({@code host:port}; port 0: a registrar of its own on a free port), prints {@code LISTENING
 * host:port registrar=BOOL}, serves until cancelled or signalled, prints how it stopped and exits
 * with {@link DaemonExit#exitCode()}.
 */
public final class DaemonProgram {
  private DaemonProgram() {}

  public static void main(String[] args) {
    ActorConfig config = ActorConfig.of(args[0], List.of(DiscoveryFuncs.class)).withRegistry(Jtractor.parseAddress(args[1]));
    DaemonExit exit = Jtractor.runDaemon(config, root -> {
      System.out.println("LISTENING " + root.address().getHostString() + ":" + root.address().getPort() + " registrar=" + root.isRegistrar());
      System.out.flush();
    });
    System.out.println("STOPPED " + exit);
    System.out.flush();
    System.exit(exit.exitCode());
  }
}
