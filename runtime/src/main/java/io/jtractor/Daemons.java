package io.jtractor;

import io.jtractor.runtime.Actor;
import java.util.ArrayList;
import java.util.List;

/**
 * Signal handling for {@link Jtractor#runDaemon}: SIGINT and SIGTERM cancel the daemon's root
 * instead of starting the JVM's shutdown, so teardown runs on the daemon's own thread, in order
 * (children cancelled, registrations withdrawn), and the program decides its exit status.
 *
 * <p>Uses {@code sun.misc.Signal} (module {@code jdk.unsupported}, present in every JDK). Where it
 * is missing, signals keep their default (the JVM shuts down, and the root's shutdown hook takes
 * its children down).
 */
final class Daemons {
  private Daemons() {}

  /** The handlers installed for one daemon; {@link #restore()} puts the previous ones back. */
  static final class SignalTrap {
    private final List<Runnable> restorers = new ArrayList<>();
    /** The signal that stopped the daemon, or null. Written by the signal thread. */
    private volatile String signal;

    String signal() {
      return signal;
    }

    void restore() {
      for (Runnable r : restorers) r.run();
    }
  }

  static SignalTrap trap(Root root) {
    SignalTrap trap = new SignalTrap();
    for (String name : List.of("INT", "TERM")) {
      try {
        sun.misc.Signal sig = new sun.misc.Signal(name);
        sun.misc.SignalHandler previous =
            sun.misc.Signal.handle(
                sig,
                s -> {
                  if (trap.signal == null) trap.signal = name;
                  Actor a = root.actor();
                  Thread.ofVirtual().name("daemon-stop:SIG" + name).start(() -> {
                    a.cancelRuntime(a.uid());
                    a.cancelService();
                  });
                });
        trap.restorers.add(() -> sun.misc.Signal.handle(sig, previous));
      } catch (IllegalArgumentException | LinkageError unsupported) {
        // this JVM does not let us handle it: the default (shutdown hooks) applies
      }
    }
    return trap;
  }
}
