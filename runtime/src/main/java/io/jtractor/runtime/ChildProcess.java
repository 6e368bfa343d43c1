package io.jtractor.runtime;

import io.jtractor.ActorFailure;
import io.jtractor.runtime.debug.DebugMode;
import io.jtractor.runtime.debug.Debugger;
import io.jtractor.sc.Event;
import io.jtractor.sc.Sc;
import io.jtractor.sc.TooSlowError;
import io.jtractor.sc.foreign.EventLoop;
import io.jtractor.sc.foreign.LoopFactory;
import io.jtractor.wire.Uid;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child actor's JVM: started with the parent's own {@code java} and class path, connected back
 * to the parent, and reaped. Prior art: tractor's {@code _spawn.trio_proc} and {@code
 * do_hard_kill}.
 *
 * <p>The command line mirrors tractor's ({@code --uid "('name', 'uuid')" --parent_addr
 * "('host', port)" --loglevel LEVEL}). The tree secret and security settings go to the child on its
 * stdin ({@link ChildTrust}), never on the command line. The child watches its parent process and exits when it dies,
 * however it dies (no orphans; the reference commit leaves them running). Its stdout and stderr
 * reach the parent's, each line prefixed with the actor's name.
 *
 * <p>Teardown ({@link #reap}): a graceful {@code self.cancel} request, a wait, then SIGTERM, then
 * SIGKILL after a grace period.
 */
public final class ChildProcess {
  private static final Logger LOG = LoggerFactory.getLogger(ChildProcess.class);

  /**
   * Lean flags for child JVMs: C1 only, a serial collector, small stacks and code cache, and no
   * perf data file. Start-up and an idle child's memory matter more here than peak throughput;
   * {@link SpawnOptions#jvmArgs} replaces them.
   *
   * <p>{@code -XX:TrimNativeHeapInterval=2000}: the compiler's arena chunks, freed by the JVM a few
   * seconds after start-up, otherwise stay in the C heap; trimming it returns them (measured: an
   * idle child 51 → 45 MB RSS after 7 s).
   *
   * <p>Not used, on purpose: {@code -Djdk.reflect.useNativeAccessorOnly=true} would save a child's
   * first RPC the ~27 ms of spinning a method-handle accessor (measured), but a call through a
   * native accessor pins its virtual thread for as long as the function runs, and a long RPC on a
   * pinned carrier starved a child's accept loop (its grandchild never got a handshake).
   */
  public static final List<String> LEAN_JVM_FLAGS =
      List.of(
          "-XX:TieredStopAtLevel=1",
          "-XX:+UseSerialGC",
          "-Xms8m",
          "-XX:CICompilerCount=1",
          "-Xss512k",
          "-XX:ReservedCodeCacheSize=32m",
          "-XX:-UsePerfData",
          "-XX:TrimNativeHeapInterval=2000",
          "--enable-native-access=ALL-UNNAMED");

  /**
   * Flags recommended for a root's JVM (a program that opens a {@code Root}), which the CLI and
   * the examples use: a serial collector, a small initial heap, C1 only and the C heap trimmed.
   * A root mostly supervises; with the JVM's defaults on a machine with much memory it holds
   * 100–450 MB of RSS, most of it an initial heap sized to the machine, with these ~50 MB. Drop
   * {@code -XX:TieredStopAtLevel=1} for a root that does heavy work itself.
   */
  public static final List<String> LEAN_ROOT_FLAGS =
      List.of("-XX:+UseSerialGC", "-Xms16m", "-XX:TieredStopAtLevel=1", "-XX:TrimNativeHeapInterval=2000");

  /**
   * How to start and stop a child.
   *
   * @param jvmArgs flags for the child JVM
   * @param connectTimeout how long the child may take to connect back
   * @param cancelTimeout how long a graceful {@code self.cancel} may take to be answered
   * @param exitGrace how long to wait for exit after the cancel, and again after SIGTERM
   * @param loglevel the child's log level (tractor's {@code --loglevel})
   * @param aotCache a JDK AOT cache file for child JVMs, or null for none; see {@link
   *     #withAotCache}
   * @param warmPool how many child JVMs to keep started ahead of need (0: none); see {@link
   *     #withWarmPool}
   * @param foreignLoop for an infected child (tractor's {@code infect_asyncio}), the factory of its
   *     foreign event loop; null for a child that is not infected. See {@link #infected()}
   */
  public record SpawnOptions(
      List<String> jvmArgs,
      Duration connectTimeout,
      Duration cancelTimeout,
      Duration exitGrace,
      String loglevel,
      Path aotCache,
      int warmPool,
      Class<? extends LoopFactory> foreignLoop,
      io.jtractor.runtime.remote.Placement placement) {
    public static final SpawnOptions DEFAULT =
        new SpawnOptions(LEAN_JVM_FLAGS, Duration.ofSeconds(30), Duration.ofMillis(500), Duration.ofSeconds(2), "ERROR", null, 0, null,
            io.jtractor.runtime.remote.Placement.LOCAL);

    /**
     * The options an actor's nurseries start with: {@link #DEFAULT}, plus the AOT cache its own
     * parent spawned it with, if any. So a tree's grandchildren start from the cache the root
     * chose, as its children do; they use it only once it exists and never write it.
     */
    public static SpawnOptions inherited() {
      return INHERITED_AOT_CACHE == null ? DEFAULT : DEFAULT.withAotCache(INHERITED_AOT_CACHE);
    }

    public SpawnOptions {
      jvmArgs = List.copyOf(jvmArgs);
      java.util.Objects.requireNonNull(connectTimeout, "connectTimeout");
      java.util.Objects.requireNonNull(cancelTimeout, "cancelTimeout");
      java.util.Objects.requireNonNull(exitGrace, "exitGrace");
      java.util.Objects.requireNonNull(loglevel, "loglevel");
      if (warmPool < 0) throw new IllegalArgumentException("warmPool must be >= 0: " + warmPool);
      java.util.Objects.requireNonNull(placement, "placement");
    }

    /** These options with the child placed on {@code where} (see {@link io.jtractor.runtime.remote.Placement}). */
    public SpawnOptions on(io.jtractor.runtime.remote.Placement where) {
      return new SpawnOptions(jvmArgs, connectTimeout, cancelTimeout, exitGrace, loglevel, aotCache, warmPool, foreignLoop, where);
    }

    /** These options with the child on the host reached as {@code ssh [user@]host}, with the placement defaults. */
    public SpawnOptions onHost(String sshTarget) {
      return on(io.jtractor.runtime.remote.Placement.onHost(sshTarget));
    }

    /** These options with other JVM flags. */
    public SpawnOptions withJvmArgs(List<String> args) {
      return new SpawnOptions(args, connectTimeout, cancelTimeout, exitGrace, loglevel, aotCache, warmPool, foreignLoop, placement);
    }

    /** These options with another log level for the child (tractor's {@code --loglevel}). */
    public SpawnOptions withLoglevel(String level) {
      return new SpawnOptions(jvmArgs, connectTimeout, cancelTimeout, exitGrace, level, aotCache, warmPool, foreignLoop, placement);
    }

    /** These options with other grace periods. */
    public SpawnOptions withTimeouts(Duration connect, Duration cancel, Duration exit) {
      return new SpawnOptions(jvmArgs, connect, cancel, exit, loglevel, aotCache, warmPool, foreignLoop, placement);
    }

    /**
     * These options with a JDK AOT cache (JEP 483/514) for child JVMs: the first child spawned
     * trains it (its exit takes a moment longer while the cache is written), later children start
     * from it — faster, and sharing class data between them. Used only when every class path entry
     * is a jar (the JDK cannot cache classes from directories); a cache made for another class path
     * is ignored by the JVM. Children are told the cache, and their own nurseries use it too (see
     * {@link #inherited()}): in a 30-actor tree (StreamBench tree) this cut each child JVM's CPU
     * time from ~540 to ~360 ms, and the tree from ~9.5 to ~6.3 s on 2 vCPUs.
     */
    public SpawnOptions withAotCache(Path file) {
      return new SpawnOptions(jvmArgs, connectTimeout, cancelTimeout, exitGrace, loglevel, file, warmPool, foreignLoop, placement);
    }

    /**
     * These options for an infected child (tractor's {@code infect_asyncio=True}): it gets a
     * foreign event loop, an {@link EventLoop} (one thread, in order). Its exposed functions may
     * return a {@link java.util.concurrent.CompletionStage} (awaited, the caller gets its value)
     * or a {@link java.util.concurrent.Flow.Publisher} (streamed to the caller, as an async
     * generator), called on that loop; its code reaches the loop through the public API's {@code
     * ToForeign}.
     */
    public SpawnOptions infected() {
      return infected(EventLoop.Factory.class);
    }

    /**
     * {@link #infected()} with the loop made by {@code factory}, a public class with a public
     * no-argument constructor (the child makes one and asks it for the loop).
     *
     * @throws IllegalArgumentException if the child could not make one
     */
    public SpawnOptions infected(Class<? extends LoopFactory> factory) {
      java.util.Objects.requireNonNull(factory, "factory");
      try {
        var ctor = factory.getConstructor();
        if (!java.lang.reflect.Modifier.isPublic(factory.getModifiers())
            || java.lang.reflect.Modifier.isAbstract(factory.getModifiers())
            || !java.lang.reflect.Modifier.isPublic(ctor.getModifiers())) {
          throw new NoSuchMethodException();
        }
      } catch (NoSuchMethodException e) {
        throw new IllegalArgumentException(factory.getName()
            + " must be a public, concrete class with a public no-argument constructor: a child actor makes one by name");
      }
      return new SpawnOptions(jvmArgs, connectTimeout, cancelTimeout, exitGrace, loglevel, aotCache, warmPool, factory, placement);
    }

    /** These options for a child that is not infected. */
    public SpawnOptions notInfected() {
      return new SpawnOptions(jvmArgs, connectTimeout, cancelTimeout, exitGrace, loglevel, aotCache, warmPool, null, placement);
    }

    /** Whether the child gets a foreign event loop. */
    public boolean isInfected() {
      return foreignLoop != null;
    }

    /**
     * These options with a pool of {@code size} child JVMs started ahead of need, by the spawning
     * actor: a spawn then takes a booted, warmed-up JVM and only connects it (the pool refills in
     * the background). Costs {@code size} idle JVMs of memory while the actor lives.
     */
    public SpawnOptions withWarmPool(int size) {
      return new SpawnOptions(jvmArgs, connectTimeout, cancelTimeout, exitGrace, loglevel, aotCache, size, foreignLoop, placement);
    }
  }

  /** How many spawns took a pre-started JVM, in this JVM's life (for tests and benchmarks). */
  private static final java.util.concurrent.atomic.AtomicLong WARM_SPAWNS = new java.util.concurrent.atomic.AtomicLong();

  /** How many spawns took a pre-started JVM from a warm pool so far. */
  public static long warmSpawnCount() {
    return WARM_SPAWNS.get();
  }

  /** The system property by which a child learns the AOT cache it was spawned with. */
  static final String AOT_CACHE_PROPERTY = "jtractor.aotCache";

  /** The AOT cache this JVM's parent spawned it with (see {@link SpawnOptions#inherited()}), or null. */
  private static final Path INHERITED_AOT_CACHE =
      System.getProperty(AOT_CACHE_PROPERTY) == null ? null : Path.of(System.getProperty(AOT_CACHE_PROPERTY));

  /** AOT caches being trained now, by file: one trainer at a time. */
  private static final java.util.Set<Path> TRAINING = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** The flags that attach (or train) the AOT cache, or none. Sets {@code trains} if this child trains. */
  private static List<String> aotFlags(SpawnOptions options, boolean[] trains) {
    Path cache = options.aotCache();
    if (cache == null) return List.of();
    String cp = System.getProperty("java.class.path");
    for (String entry : cp.split(java.io.File.pathSeparator)) {
      if (!entry.endsWith(".jar") || java.nio.file.Files.isDirectory(Path.of(entry))) {
        Log.RUNTIME.debug("no AOT cache: class path entry " + entry + " is not a jar");
        return List.of();
      }
    }
    if (TRAINING.contains(cache)) return List.of(); // being written: not ready to be read
    String inherit = "-D" + AOT_CACHE_PROPERTY + "=" + cache;
    if (java.nio.file.Files.isRegularFile(cache)) return List.of("-XX:AOTCache=" + cache, inherit);
    if (cache.equals(INHERITED_AOT_CACHE)) return List.of(); // an ancestor trains it: never a second writer
    if (TRAINING.add(cache)) {
      trains[0] = true;
      return List.of("-XX:AOTCacheOutput=" + cache, inherit);
    }
    return List.of();
  }

  private final Actor parent;
  private final Uid uid;
  private final Process process;
  private final SpawnOptions options;
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
  private final java.util.concurrent.CompletableFuture<Integer> jdwpPort = new java.util.concurrent.CompletableFuture<>();

  private ChildProcess(Actor parent, Uid uid, Process process, SpawnOptions options, boolean debugged) {
    this.parent = parent;
    this.uid = uid;
    this.process = process;
    this.options = options;
    this.debugged = debugged;
    this.stdoutPump = pump(process.getInputStream(), System.out, false);
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
    if (remote) debug = false; // the root's debugger reaches JDWP agents on loopback only
    OneShot<PeerChannel> connected = parent.expect(uid);
    JfrEvents.ActorSpawned spawnEvent = JfrEvents.spawnBegins();
    InetSocketAddress parentAddr = parent.address();
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java"));
    cmd.addAll(options.jvmArgs());
    // The level as a JVM flag too: a child applies it before its first logger (a warm JVM, long
    // before it reads its --loglevel), and warm pools are kept per level.
    cmd.add("-D" + LogLevels.PROPERTY + "=" + options.loglevel());
    if (debug) cmd.addAll(DebugMode.JDWP_FLAGS);
    boolean[] trains = {false};
    if (!remote) cmd.addAll(aotFlags(options, trains));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(ChildMain.class.getName());
    List<String> identity = new ArrayList<>(List.of(
        "--uid", PythonLiteral.uid(uid), "--parent_addr", PythonLiteral.address(parentAddr), "--loglevel", options.loglevel()));
    if (options.isInfected()) identity.addAll(ChildMain.infectionArgs(options.foreignLoop()));
    var etcd = io.jtractor.runtime.registry.etcd.EtcdRegistry.configured();
    if (etcd != null) identity.addAll(etcd.childArgs());
    List<Uid> lineage = new ArrayList<>();
    lineage.add(parent.uid());
    lineage.addAll(parent.lineage());
    String trust = new ChildTrust(parent.secret(), parent.config().security(), lineage).encode();
    Process p = null;
    WarmPool pool = options.warmPool() > 0 && !trains[0] && !debug && !remote ? parent.warmPool(cmd, options.warmPool()) : null;
    if (pool != null) {
      Process warm = pool.take();
      if (warm != null) {
        try {
          var in = warm.getOutputStream();
          in.write((String.join("\t", identity) + "\n" + trust + "\n").getBytes(StandardCharsets.UTF_8));
          in.close();
          p = warm;
          WARM_SPAWNS.incrementAndGet();
        } catch (IOException e) {
          warm.destroyForcibly(); // it died under us: start one cold
        }
      }
    }
    if (p == null) {
      cmd.addAll(identity);
      try {
        p = remote
            ? io.jtractor.runtime.remote.RemoteSpawn.start(options.placement(), cmd, parentAddr, parent.config().security().tls(), options.connectTimeout())
            : new ProcessBuilder(cmd).start();
        try (var in = p.getOutputStream()) {
          in.write((trust + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException died) {
          // It exited already: the wait for its connection below reports how.
          Log.RUNTIME.debug("could not hand actor " + uid + " its trust line: " + died);
        }
      } catch (IOException | RuntimeException e) {
        if (pool != null) pool.refill();
        parent.forget(uid);
        if (trains[0]) TRAINING.remove(options.aotCache());
        if (e instanceof ActorFailure f) throw f;
        throw new ActorFailure("could not start a JVM for actor " + uid + ": " + e.getMessage(), e);
      }
    }
    ChildProcess child = new ChildProcess(parent, uid, p, options, debug);
    if (trains[0]) {
      child.trainsAotCache = true;
      p.onExit().thenRun(() -> TRAINING.remove(options.aotCache()));
    }
    parent.adopt(child);
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
      child.channel.wire().sendValue(initMessage(parent, modules, debug));
      if (debug) child.attachDebugger();
      JfrEvents.spawned(spawnEvent, uid, parent.uid(), p.pid());
      Log.RUNTIME.debug("actor {} spawned actor {} (pid {})", parent.uid(), uid, p.pid());
      return child;
    } catch (Throwable t) {
      parent.forget(uid);
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

  /** tractor's spawn init map, so that a Python child would understand it too. */
  private static Map<String, Object> initMessage(Actor parent, List<Class<?>> modules, boolean debug) {
    Map<String, Object> enable = new LinkedHashMap<>();
    for (Class<?> c : modules) enable.put(c.getName(), location(c));
    InetSocketAddress addr = parent.address();
    // The registrar as the parent resolved it (its own address if it is the registrar). None when
    // the parent has no registrar: the child then does not register (a Python child needs one).
    InetSocketAddress reg = parent.registrarAddress();
    Map<String, Object> runtimeVars = DebugMode.runtimeVars(parent, debug);
    Map<String, Object> init = new LinkedHashMap<>();
    init.put("_parent_main_data", Map.of());
    init.put("enable_modules", enable);
    init.put("_arb_addr", reg == null ? null : io.jtractor.wire.SockAddr.toWire(reg));
    init.put("bind_host", addr.getHostString());
    init.put("bind_port", 0);
    init.put("_runtime_vars", runtimeVars);
    return init;
  }

  private static String location(Class<?> c) {
    try {
      var src = c.getProtectionDomain().getCodeSource();
      return src == null ? "" : src.getLocation().getPath();
    } catch (SecurityException e) {
      return "";
    }
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
        LOG.info("actor " + uid + " is still running: SIGTERM");
        process.destroy();
        waitForExit(options.exitGrace());
      }
      awaitDebugQuiet();
      if (process.isAlive()) {
        LOG.warn("actor " + uid + " ignored SIGTERM: SIGKILL");
        process.destroyForcibly();
        waitForExit(Duration.ofSeconds(30));
      }
    } finally {
      joinPumps();
      parent.release(this);
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
    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
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
    for (Thread t : List.of(stdoutPump, stderrPump)) {
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
