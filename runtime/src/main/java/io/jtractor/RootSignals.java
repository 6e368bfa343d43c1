package io.jtractor;

import io.jtractor.runtime.Actor;
import io.jtractor.runtime.ChildProcesses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What Ctrl-C (SIGINT) or SIGTERM does to a program with an open {@link Root}: its actor tree is
 * torn down in order — every actor nursery cancels its children, which cancel theirs — then the
 * program prints one line ({@code interrupted: 3 actors torn down}) and exits with the shell's
 * code for the signal, 130 or 143. Without this, the JVM's shutdown began at once, children died
 * under their supervisors, and the program printed their deaths as failures of its own.
 *
 * <p>A second signal while the tree is coming down kills what is left at once. The failures the
 * program's own threads meet while the tree is taken from under them (a call whose actor was
 * cancelled) are not printed: the one line says what happened. {@link Jtractor#runDaemon} traps
 * the signals its own way while it runs; the debugger ignores SIGINT while its REPL is open.
 *
 * <p>Installed by the first root a process opens and removed when the last one closes; set
 * {@code -Djtractor.handleSignals=false} to keep the JVM's default (a program with its own
 * handlers, say). Uses {@code sun.misc.Signal}; where a JVM has none, the default applies, and the
 * root's shutdown hook still takes the children down.
 *
 * <p>Threads: the handlers run on the JVM's signal thread and start the teardown on a thread of
 * their own; {@link #install} and {@link #remove} on the threads opening and closing roots.
 */
final class RootSignals {
  private RootSignals() {}

  /** How long the tree may take to come down before what is left is killed. */
  private static final Duration TEARDOWN_LIMIT = Duration.ofSeconds(10);

  private static final Object LOCK = new Object();
  /** Roots open, newest last. Guarded by LOCK. */
  private static final List<Root> OPEN = new ArrayList<>();
  /** Puts the handlers that were there before back. Guarded by LOCK; null when not installed. */
  private static List<Runnable> restorers;
  /** Set by the first signal. */
  private static final AtomicBoolean FIRED = new AtomicBoolean();

  /** Starts handling SIGINT and SIGTERM for {@code root} (the first open root installs them). */
  static void install(Root root) {
    if (!Boolean.parseBoolean(System.getProperty("jtractor.handleSignals", "true"))) return;
    synchronized (LOCK) {
      OPEN.add(root);
      if (restorers != null) return;
      restorers = new ArrayList<>();
      for (String name : List.of("INT", "TERM")) {
        try {
          sun.misc.Signal sig = new sun.misc.Signal(name);
          sun.misc.SignalHandler previous = sun.misc.Signal.handle(sig, s -> onSignal(name));
          restorers.add(() -> sun.misc.Signal.handle(sig, previous));
        } catch (IllegalArgumentException | LinkageError unsupported) {
          // this JVM does not let us handle it: the default (shutdown hooks) applies
        }
      }
    }
  }

  /** Stops handling signals for {@code root}; the last root to close puts the old handlers back. */
  static void remove(Root root) {
    synchronized (LOCK) {
      if (!OPEN.remove(root) || !OPEN.isEmpty() || restorers == null || FIRED.get()) return;
      for (Runnable r : restorers) r.run();
      restorers = null;
    }
  }

  private static void onSignal(String name) {
    int code = name.equals("INT") ? 130 : 143;
    List<Root> roots;
    synchronized (LOCK) {
      roots = List.copyOf(OPEN);
    }
    if (!FIRED.compareAndSet(false, true)) {
      // A second signal: no more patience.
      ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
      Runtime.getRuntime().halt(code);
    }
    // Before anything else: on Ctrl-C the children got the signal too and may die at once, and
    // the program's threads meet their deaths as failures; the one line at the end says it all.
    if (Thread.getDefaultUncaughtExceptionHandler() == null) {
      Thread.setDefaultUncaughtExceptionHandler((t, e) -> { });
    }
    long actors = actorsUnder(roots);
    // Not a daemon (the signal thread's are): the JVM waits for it even if main ends meanwhile.
    Thread.ofPlatform().daemon(false).name("jtractor-interrupt:SIG" + name).start(() -> tearDown(roots, actors, code));
  }

  private static void tearDown(List<Root> roots, long actors, int code) {
    for (Root r : roots) r.actor().cancelNurseries();
    long deadline = System.nanoTime() + TEARDOWN_LIMIT.toNanos();
    while (ProcessHandle.current().descendants().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        break;
      }
    }
    for (Root r : roots) {
      Actor a = r.actor();
      ChildProcesses.killAll(a, Duration.ZERO); // anything that outlived the limit
    }
    System.err.println("interrupted: " + actors + (actors == 1 ? " actor" : " actors") + " torn down");
    System.err.flush();
    System.out.flush();
    System.exit(code);
  }

  /**
   * The actors under this process: the roots' children as the runtime knows them (on Ctrl-C they
   * got the signal too and may already be dying), and the deeper descendants that run an actor (a
   * warm JVM is none yet).
   */
  private static long actorsUnder(List<Root> roots) {
    long direct = 0;
    for (Root r : roots) direct += r.actor().bookkeeping().childProcesses();
    long self = ProcessHandle.current().pid();
    long deeper = ProcessHandle.current().descendants()
        .filter(p -> p.parent().map(ProcessHandle::pid).orElse(self) != self)
        .filter(p -> p.info().arguments().map(args -> List.of(args).contains("--uid")).orElse(false))
        .count();
    return direct + deeper;
  }
}
