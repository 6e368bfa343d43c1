package io.jtractor.runtime;

import io.jtractor.config.SpawnOptions;
import io.jtractor.errors.ActorFailure;
import io.jtractor.runtime.debug.DebugMode;
import io.jtractor.runtime.debug.Debugger;
import io.jtractor.sc.Event;
import io.jtractor.sc.Sc;
import io.jtractor.sc.TooSlowError;
import io.jtractor.wire.Uid;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child actor's JVM: started with the parent's own {@code java} and class path, connected back
 * to the parent, and reaped. Prior art: tractor's {@code _spawn.trio_proc} and {@code
 * do_hard_kill}.
 *
 * <p>The command line and what the child reads first are {@link ChildCommand}'s; whether it uses
 * an AOT cache is {@link AotCachePolicy}'s. The child watches its parent process and exits when
 * it dies, however it dies (no orphans; a deviation, docs/design.md). Its stdout and stderr
 * reach the parent's, each line prefixed with the actor's name.
 *
 * <p>Teardown ({@link #reap}): a graceful {@code self.cancel} request, a wait, then SIGTERM, then
 * SIGKILL after a grace period.
 */
public final class ChildProcess {
  private static final Logger LOG = LoggerFactory.getLogger(ChildProcess.class);

  /** Lean flags for child JVMs: {@link Tuning#LEAN_CHILD_FLAGS}. {@link SpawnOptions#jvmArgs} replaces them. */
  public static final List<String> LEAN_JVM_FLAGS = Tuning.LEAN_CHILD_FLAGS;

  /** Flags recommended for a root's JVM: {@link Tuning#LEAN_ROOT_FLAGS}. */
  public static final List<String> LEAN_ROOT_FLAGS = Tuning.LEAN_ROOT_FLAGS;

  /** How many spawns took a pre-started JVM, in this JVM's life (for tests and benchmarks). */
  private static final AtomicLong WARM_SPAWNS = new AtomicLong();

  /** How many spawns took a pre-started JVM from a warm pool so far. */
  public static long warmSpawnCount() {
    return WARM_SPAWNS.get();
  }

  private final Actor parent;
  private final Uid uid;
  private final Process process;
  private final SpawnOptions options;
  /** Copies the child's stdout to ours; null for an in-process child, which writes to ours itself. */
  private final Thread stdoutPump;
  private final Thread stderrPump;
  private final ArrayDeque<String> stderrTail = new ArrayDeque<>(); // guarded by itself
  private final Event exited = new Event();
  /** Set once the child connected back. */
  private volatile PeerChannel channel;
  /** Whether this child writes an AOT cache as it exits (which takes seconds): set before it runs. */
  private volatile boolean trainsAotCache;
  /** Whether the child runs in debug mode (with a JDWP agent). */
  private final boolean debugged;
  /** The port its JDWP agent announced on stdout (debug mode only; completed by the stdout pump). */
  private final CompletableFuture<Integer> jdwpPort = new CompletableFuture<>();

  private ChildProcess(Actor parent, Uid uid, Process process, SpawnOptions options, boolean debugged) {
    this.parent = parent;
    this.uid = uid;
    this.process = process;
    this.options = options;
    this.debugged = debugged;
    if (process instanceof InProcessChild) { // it writes to this JVM's stdout itself: nothing to pump
      this.stdoutPump = null;
      jdwpPort.completeExceptionally(new IOException("an in-process actor has no JDWP agent of its own"));
    } else {
      this.stdoutPump = pump(process.getInputStream(), System.out, false);
    }
    this.stderrPump = pump(process.getErrorStream(), System.err, true);
    process.onExit().thenRun(exited::set);
  }

  /** The child's uid. */
  public Uid uid() {
    return uid;
  }

  /** The OS process. */
  public Process process() {
    return process;
  }

  /** The connection the child made back to us, once it has. */
  public PeerChannel channel() {
    return channel;
  }

  /** Set when the process has exited. */
  public Event exited() {
    return exited;
  }

  /**
   * How the exited process ended, for errors: {@code exited with code N}, or for a child on another
   * host what its code means there (a lost link, a lost heartbeat).
   */
  public String exitDescription() {
    String remote = io.jtractor.runtime.remote.RemoteSpawn.describeExit(process);
    return remote != null ? remote : "exited with code " + process.exitValue();
  }

  /**
   * Starts a child JVM for {@code uid} and waits until it has connected back and handshaken,
   * then sends it its init message. A child that exits (or never connects) first is an {@link
   * ActorFailure} carrying the tail of its stderr; the process is reaped before this returns.
   *
   * @param modules the namespaces the child exposes
   */
  public static ChildProcess spawn(Actor parent, Uid uid, List<Class<?>> modules, SpawnOptions options) {
    return spawn(parent, uid, modules, options, parent.config().debugMode());
  }

  /**
   * {@link #spawn(Actor, Uid, List, SpawnOptions)} with debug mode chosen for this child: with
   * {@code debug}, the child starts with a JDWP agent (and no warm pool), and the root's debugger
   * has attached to it before this returns.
   */
  public static ChildProcess spawn(Actor parent, Uid uid, List<Class<?>> modules, SpawnOptions options, boolean debug) {
    boolean remote = !options.placement().isLocal();
    options = remote && options.backend() == SpawnOptions.Backend.INHERITED ? options.asProcess() : HostedActors.resolveBackend(options);
    if (remote && options.isInProcess()) {
      throw new IllegalArgumentException("an in-process actor runs in this JVM: it cannot also be placed on " + options.placement());
    }
    if (remote || options.isInProcess()) debug = false; // the root's debugger: local child JVMs only
    OneShot<PeerChannel> connected = parent.children().expect(uid);
    JfrEvents.ActorSpawned spawnEvent = JfrEvents.spawnBegins();
    AotCachePolicy.Plan aot = remote || options.isInProcess() ? AotCachePolicy.Plan.NONE : AotCachePolicy.plan(options);
    // A JVM's command line (its trust line encoded, the class path read): nothing an in-process child uses.
    ChildCommand command = options.isInProcess() ? null : ChildCommand.of(parent, uid, options, debug, aot);
    Process p = null;
    WarmPool pool = options.warmPool() > 0 && !aot.trains() && !debug && !remote && !options.isInProcess()
        ? parent.children().warmPool(command.jvm(), options.warmPool()) : null;
    if (options.isInProcess()) {
      try {
        String loop = options.isInfected() ? options.foreignLoop().getName() : null;
        p = InProcessChild.start(parent, uid, parent.address(), loop, ChildCommand.trust(parent));
      } catch (RuntimeException notServing) {
        parent.children().forget(uid);
        throw new ActorFailure("could not start actor " + uid + " in this JVM: " + notServing.getMessage(), notServing);
      }
    }
    if (pool != null) {
      Process warm = pool.take();
      if (warm != null) {
        try {
          var in = warm.getOutputStream();
          in.write(command.warmStdin());
          in.close();
          p = warm;
          WARM_SPAWNS.incrementAndGet();
        } catch (IOException e) {
          warm.destroyForcibly(); // it died under us: start one cold
        }
      }
    }
    if (p == null) {
      try {
        p = remote
            ? io.jtractor.runtime.remote.RemoteSpawn.start(options.placement(), command.coldStart(), parent.address(), parent.config().security().tls(), options.connectTimeout())
            : new ProcessBuilder(command.coldStart()).start();
        try (var in = p.getOutputStream()) {
          in.write(command.coldStdin());
        } catch (IOException died) {
          // It exited already: the wait for its connection below reports how.
          Log.RUNTIME.debug("could not hand actor " + uid + " its trust line: " + died);
        }
      } catch (IOException | RuntimeException e) {
        if (pool != null) pool.refill();
        parent.children().forget(uid);
        if (aot.trains()) AotCachePolicy.trainingEnded(options.aotCache());
        if (e instanceof ActorFailure f) throw f;
        throw new ActorFailure("could not start a JVM for actor " + uid + ": " + e.getMessage(), e);
      }
    }
    ChildProcess child = new ChildProcess(parent, uid, p, options, debug);
    if (aot.trains()) {
      child.trainsAotCache = true;
      Path trained = options.aotCache();
      p.onExit().thenRun(() -> AotCachePolicy.trainingEnded(trained));
    }
    parent.children().adopt(child);
    p.onExit().thenRun(() -> connected.fail(new ExitedEarly()));
    try {
      try {
        Sc.failAfter(options.connectTimeout(), s -> child.channel = connected.await());
      } catch (TooSlowError e) {
        child.killNow(); // first, so that its output ends and the tail below is complete
        throw new ActorFailure("actor " + uid + " did not connect back within " + options.connectTimeout() + child.tail());
      } catch (ExitedEarly e) {
        throw child.diedEarly();
      } finally {
        if (pool != null) pool.refill(); // now: the new JVM's start-up no longer slows this spawn's
      }
      PeerChannel ch = child.channel;
      io.jtractor.runtime.remote.RemoteSpawn.closeWhenGone(p, () -> ch.wire().close());
      child.channel.wire().sendValue(ChildCommand.initMessage(parent, modules, debug));
      if (debug) child.attachDebugger();
      JfrEvents.spawned(spawnEvent, uid, parent.uid(), p.pid());
      Log.RUNTIME.debug("actor {} spawned actor {} (pid {})", parent.uid(), uid, p.pid());
      return child;
    } catch (Throwable t) {
      parent.children().forget(uid);
      Sc.shielded(s -> child.reap(true));
      throw Sneaky.raise(t);
    }
  }

  /** The process exited before connecting; turned into an {@link ActorFailure} by the spawner. */
  private static final class ExitedEarly extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ExitedEarly() {
      super(null, null, false, false);
    }
  }

  private ActorFailure diedEarly() {
    return new ActorFailure("actor " + uid + " exited with code " + process.exitValue() + " before it connected back" + tail());
  }

  // ----------------------------------------------------------------------------------------------
  // Teardown

  /**
   * Makes sure the process is gone: unless {@code hard}, asks the actor to cancel itself and
   * waits; then SIGTERM, a grace period, SIGKILL. Waits for the exit and for its output to drain.
   * Call it shielded: it must finish even when its caller is being cancelled.
   */
  public void reap(boolean hard) {
    try {
      awaitDebugQuiet();
      if (process.isAlive() && !hard) {
        PeerChannel ch = channel;
        if (ch != null && ch.isOpen()) {
          ch.callShielded("self", "cancel", Map.of(), options.cancelTimeout());
        }
        // A child writing an AOT cache at exit needs longer; don't cut it short.
        waitForExit(trainsAotCache ? Duration.ofSeconds(60) : options.exitGrace());
      }
      awaitDebugQuiet();
      if (process.isAlive()) {
        LOG.info("actor " + uid + " is still running: " + (process instanceof InProcessChild ? "stopping its service" : "SIGTERM"));
        process.destroy();
        waitForExit(options.exitGrace());
      }
      awaitDebugQuiet();
      if (process.isAlive()) {
        LOG.warn(process instanceof InProcessChild
            ? "actor " + uid + " did not stop: cancelling everything it runs"
            : "actor " + uid + " ignored SIGTERM: SIGKILL");
        process.destroyForcibly();
        waitForExit(Duration.ofSeconds(30));
      }
    } finally {
      joinPumps();
      parent.children().release(this);
      int code = process.isAlive() ? -1 : process.exitValue();
      JfrEvents.exited(uid, parent.uid(), code, hard);
      Log.RUNTIME.debug("actor {} reaped actor {} (exit code {})", parent.uid(), uid, code);
    }
  }

  /**
   * In a debugged tree: waits while this child, or anything under it, holds or waits for the
   * debugger's REPL (a nursery never cancels, signals or kills a child the user is debugging).
   */
  private void awaitDebugQuiet() {
    if ((debugged || DebugMode.active()) && process.isAlive()) Debugger.awaitQuiet(parent, uid);
  }

  /** Has the root's debugger attach to this child's JDWP agent, once it has announced its port. */
  private void attachDebugger() {
    int port;
    try {
      port = jdwpPort.get(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      System.err.println("jtractor debugger: actor " + uid.pythonRepr() + " announced no JDWP port; it runs on without the debugger");
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Sc.checkpoint();
      return;
    }
    Debugger.attachChild(parent, uid, port);
  }

  /** Kills the process and everything under it at once (JVM shutdown). */
  void killNow() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private void waitForExit(Duration limit) {
    boolean interrupted = false;
    long deadline = System.nanoTime() + limit.toNanos();
    while (process.isAlive()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) break;
      try {
        process.waitFor(left, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
  }

  private void joinPumps() {
    boolean interrupted = false;
    for (Thread t : new Thread[] {stdoutPump, stderrPump}) {
      if (t == null) continue;
      try {
        t.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
  }

  // ----------------------------------------------------------------------------------------------
  // Output

  private Thread pump(InputStream from, PrintStream to, boolean keepTail) {
    String prefix = "[" + uid.name() + "] ";
    return Thread.ofVirtual()
        .name("pump:" + uid.name())
        .start(
            () -> {
              try (BufferedReader r = new BufferedReader(new InputStreamReader(from, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  if (debugged && !keepTail && !jdwpPort.isDone() && DebugMode.jdwpPort(line) >= 0) {
                    jdwpPort.complete(DebugMode.jdwpPort(line)); // the agent's announcement: ours, not the user's
                    continue;
                  }
                  to.println(prefix + line);
                  if (keepTail) {
                    synchronized (stderrTail) {
                      if (stderrTail.size() == 20) stderrTail.removeFirst();
                      stderrTail.addLast(line);
                    }
                  }
                }
              } catch (IOException e) {
                Log.RUNTIME.debug("output of " + uid + ": " + e.getMessage());
              } finally {
                if (!keepTail) jdwpPort.completeExceptionally(new IOException("stdout ended"));
              }
            });
  }

  private String tail() {
    joinPumps();
    synchronized (stderrTail) {
      return stderrTail.isEmpty() ? "" : "; its stderr ended with:\n  " + String.join("\n  ", stderrTail);
    }
  }

  @Override
  public String toString() {
    return "ChildProcess[" + uid + " pid " + process.pid() + "]";
  }
}
