package io.jtractor.config;

import io.jtractor.sc.foreign.EventLoop;
import io.jtractor.sc.foreign.LoopFactory;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.stream.Stream;

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
 * @param backend where the child runs: a JVM of its own, this one ({@link #inProcess()}), or as the
 *     spawning actor decides ({@link Backend#INHERITED}, a nursery's default)
 * @param placement where the child runs: this host, or another reached over ssh (see {@link #on})
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
    Backend backend,
    io.jtractor.config.Placement placement) {
  /**
   * Flags for child JVMs: a small, quick-starting JVM (C1 only, serial GC, small heap and stacks,
   * the C heap trimmed), with native access (the child's fast exit, and a task waiting for a reply
   * over plain TCP waiting in the kernel). Measurements in docs/design.md ("Lean roots" and
   * spawning; "A virtual thread waiting in poll"). {@link #withJit} trades the quick start for
   * C2's speed.
   */
  public static final List<String> LEAN_JVM_FLAGS =
      Stream.concat(
              Jit.QUICK_START.flags().stream(),
              Stream.of(
                  "-XX:+UseSerialGC",
                  "-Xms8m",
                  "-Xss512k",
                  "-XX:-UsePerfData",
                  "-XX:TrimNativeHeapInterval=2000",
                  "--enable-native-access=ALL-UNNAMED"))
          .toList();

  /** The defaults: lean flags, 30 s to connect, 500 ms for the cancel, 2 s exit grace, a JVM of its own, this host. */
  public static final SpawnOptions DEFAULT =
      new SpawnOptions(LEAN_JVM_FLAGS, Duration.ofSeconds(30), Duration.ofMillis(500), Duration.ofSeconds(2), "ERROR", null, 0, null,
          Backend.PROCESS, Placement.LOCAL);

  /** The system property by which a child JVM learns the AOT cache it was spawned with. */
  public static final String AOT_CACHE_PROPERTY = "jtractor.aotCache";

  private static final Path INHERITED_AOT_CACHE =
      System.getProperty(AOT_CACHE_PROPERTY) == null ? null : Path.of(System.getProperty(AOT_CACHE_PROPERTY));

  /**
   * The options an actor's nurseries start with: {@link #DEFAULT}, plus the AOT cache its own
   * parent spawned it with, if any. So a tree's grandchildren start from the cache the root
   * chose, as its children do; they use it only once it exists and never write it. The backend is
   * {@link Backend#INHERITED}: decided by the spawning actor, so an in-process actor's children are
   * in-process too unless asked otherwise.
   */
  public static SpawnOptions inherited() {
    SpawnOptions o = DEFAULT.withBackend(Backend.INHERITED);
    return INHERITED_AOT_CACHE == null ? o : o.withAotCache(INHERITED_AOT_CACHE);
  }

  /** Where a child actor runs. */
  public enum Backend {
    /**
     * As the spawning actor decides (what {@link #inherited()} gives, so a nursery's default): in its JVM when it is itself an in-process
     * actor, else as the {@value SpawnOptions#BACKEND_PROPERTY} system property says ({@link
     * #PROCESS} when unset).
     */
    INHERITED,
    /** In a JVM of its own: isolated, 40 MB and 80-235 ms to spawn. */
    PROCESS,
    /**
     * In its parent's JVM, on virtual threads: spawned without a JVM, for the price of sharing the
     * JVM (an exit, an OOM or a native crash takes every actor in it). Ignores the JVM flags, the
     * AOT cache, the warm pool, the log level and debug mode.
     */
    IN_PROCESS
  }

  /**
   * The system property naming the backend this JVM's nurseries use by default ({@code process}
   * or {@code in-process}); read once. For running a whole program, or a test suite, on the other
   * backend.
   */
  public static final String BACKEND_PROPERTY = "jtractor.spawnBackend";

  /**
   * These options for a child that runs inside this JVM, on virtual threads, instead of in a JVM
   * of its own: same API and semantics (it connects back, registers, listens, and is reaped
   * alike); see {@link Backend#IN_PROCESS} for what it shares.
   */
  public SpawnOptions inProcess() {
    return withBackend(Backend.IN_PROCESS);
  }

  /** These options for a child in a JVM of its own. */
  public SpawnOptions asProcess() {
    return withBackend(Backend.PROCESS);
  }

  /** These options with the given backend. */
  public SpawnOptions withBackend(Backend b) {
    return new SpawnOptions(jvmArgs, connectTimeout, cancelTimeout, exitGrace, loglevel, aotCache, warmPool, foreignLoop, b, placement);
  }

  /** Whether these options ask for a child inside this JVM ({@link Backend#IN_PROCESS}, not inherited). */
  public boolean isInProcess() {
    return backend == Backend.IN_PROCESS;
  }

  public SpawnOptions {
    jvmArgs = List.copyOf(jvmArgs);
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(cancelTimeout, "cancelTimeout");
    Objects.requireNonNull(exitGrace, "exitGrace");
    Objects.requireNonNull(loglevel, "loglevel");
    if (warmPool < 0) throw new IllegalArgumentException("warmPool must be >= 0: " + warmPool);
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(placement, "placement");
  }

  /** These options with the child placed on {@code where} (see {@link io.jtractor.config.Placement}). */
  public SpawnOptions on(io.jtractor.config.Placement where) {
    return new SpawnOptions(jvmArgs, connectTimeout, cancelTimeout, exitGrace, loglevel, aotCache, warmPool, foreignLoop, backend, where);
  }

  /** These options with the child on the host reached as {@code ssh [user@]host}, with the placement defaults. */
  public SpawnOptions onHost(String sshTarget) {
    return on(io.jtractor.config.Placement.onHost(sshTarget));
  }

  /** These options with other JVM flags. */
  public SpawnOptions withJvmArgs(List<String> args) {
    return new SpawnOptions(args, connectTimeout, cancelTimeout, exitGrace, loglevel, aotCache, warmPool, foreignLoop, backend, placement);
  }

  /**
   * Which of HotSpot's compilers a child JVM runs its code with: a JVM that starts quickly, or one
   * whose code runs fast once warm. For a child in a JVM of its own; an in-process child runs on
   * its parent's JVM. A child's own nurseries spawn with the default unless its code chooses
   * otherwise: the choice is not handed down (an AOT cache is, see {@link #withAotCache}, and
   * HotSpot uses a cache trained with either compiler). Measured in docs/design.md ("Which
   * compiler a child runs").
   */
  public enum Jit {
    /**
     * C1 only, one compiler thread, a 32 MB code cache: the default, the first of {@link
     * #LEAN_JVM_FLAGS}. For actors that live briefly or mostly wait: the JVM starts sooner and
     * stays smaller, but its code never gets C2's optimisations (inlining guided by profiles,
     * escape analysis and the like), so steady, heavy computation runs slower than in a default
     * JVM.
     */
    QUICK_START(List.of("-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:ReservedCodeCacheSize=32m")),
    /**
     * C1 at first, then C2 for hot code (HotSpot's own tiering), two compiler threads, HotSpot's
     * own 240 MB code cache (reserved, not used until needed): for actors that live long and work
     * hard. Measured on a 2-vCPU VM: a spawn takes 25-40 ms longer, and a child busy with
     * messages holds 20 MB more; once warm, the runtime's own CPU per message falls by about a
     * quarter, and a context's cancel from 2.1-2.4 to 1.55-1.75 times a raw round trip on one CPU
     * (across two CPUs, where the scheduler's placement decides, no gain showed). While C2 is
     * still compiling, early in the child's life, it answered a stream's echo more slowly than a
     * C1 child.
     */
    OPTIMIZING(List.of("-XX:TieredStopAtLevel=4", "-XX:CICompilerCount=2", "-XX:ReservedCodeCacheSize=240m"));

    private final List<String> flags;

    Jit(List<String> flags) {
      this.flags = flags;
    }

    /** The JVM flags that choose this compiler, in the order {@link #withJit} puts them. */
    public List<String> flags() {
      return flags;
    }

    /** Whether {@code flag} is one of those a compiler choice replaces (see {@link #withJit}). */
    static boolean decides(String flag) {
      return flag.startsWith("-XX:TieredStopAtLevel=")
          || flag.startsWith("-XX:CICompilerCount=")
          || flag.startsWith("-XX:ReservedCodeCacheSize=")
          || flag.startsWith("-XX:CompilationMode=")
          || flag.equals("-XX:+TieredCompilation")
          || flag.equals("-XX:-TieredCompilation");
    }
  }

  /**
   * These options with the child's code compiled by {@code jit}. The flags in {@link #jvmArgs}
   * that chose a compiler ({@code -XX:TieredStopAtLevel=}, {@code -XX:CICompilerCount=}, {@code
   * -XX:ReservedCodeCacheSize=}, {@code -XX:CompilationMode=}, {@code -XX:±TieredCompilation})
   * are replaced by {@code jit}'s {@link Jit#flags}, put where the first of them was (at the end
   * if there was none); the other flags are kept, in their order. So {@code
   * DEFAULT.withJit(Jit.QUICK_START)} equals {@link #DEFAULT}.
   *
   * <p>Not seen: flags outside {@link #jvmArgs} ({@code _JAVA_OPTIONS}, which HotSpot applies
   * after the command line, argument files), and {@code -Xint} or {@code -Xcomp}, which override
   * any choice. A later {@link #withJvmArgs} replaces the choice with the flags it is given.
   * Ignored by an in-process child.
   */
  public SpawnOptions withJit(Jit jit) {
    Objects.requireNonNull(jit, "jit");
    List<String> args = new java.util.ArrayList<>(jvmArgs.size() + jit.flags().size());
    int at = -1;
    for (String a : jvmArgs) {
      if (!Jit.decides(a)) {
        args.add(a);
      } else if (at < 0) {
        at = args.size();
      }
    }
    args.addAll(at < 0 ? args.size() : at, jit.flags());
    return withJvmArgs(args);
  }

  /** These options with another log level for the child (tractor's {@code --loglevel}). */
  public SpawnOptions withLoglevel(String level) {
    return new SpawnOptions(jvmArgs, connectTimeout, cancelTimeout, exitGrace, level, aotCache, warmPool, foreignLoop, backend, placement);
  }

  /** These options with other grace periods. */
  public SpawnOptions withTimeouts(Duration connect, Duration cancel, Duration exit) {
    return new SpawnOptions(jvmArgs, connect, cancel, exit, loglevel, aotCache, warmPool, foreignLoop, backend, placement);
  }

  /**
   * These options with a JDK AOT cache (JEP 483/514) for child JVMs: the first child spawned
   * trains it (its exit takes a moment longer while the cache is written), later children start
   * from it — faster, and sharing class data between them. Used only when every class path entry
   * is a jar (the JDK cannot cache classes from directories); a cache made for another class path
   * is ignored by the JVM. Children are told the cache, and their own nurseries use it too (see
   * {@link #inherited()}): in a 30-actor tree each child JVM's CPU time falls by a third
   * (docs/design.md, "AOT cache").
   */
  public SpawnOptions withAotCache(Path file) {
    return new SpawnOptions(jvmArgs, connectTimeout, cancelTimeout, exitGrace, loglevel, file, warmPool, foreignLoop, backend, placement);
  }

  /**
   * These options for an infected child (tractor's {@code infect_asyncio=True}): it gets a
   * foreign event loop, an {@link EventLoop} (one thread, in order). Its exposed functions may
   * return a {@link CompletionStage} (awaited, the caller gets its value)
   * or a {@link Flow.Publisher} (streamed to the caller, as an async
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
    Objects.requireNonNull(factory, "factory");
    try {
      var ctor = factory.getConstructor();
      if (!Modifier.isPublic(factory.getModifiers())
          || Modifier.isAbstract(factory.getModifiers())
          || !Modifier.isPublic(ctor.getModifiers())) {
        throw new NoSuchMethodException();
      }
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException(factory.getName()
          + " must be a public, concrete class with a public no-argument constructor: a child actor makes one by name");
    }
    return new SpawnOptions(jvmArgs, connectTimeout, cancelTimeout, exitGrace, loglevel, aotCache, warmPool, factory, backend, placement);
  }

  /** These options for a child that is not infected. */
  public SpawnOptions notInfected() {
    return new SpawnOptions(jvmArgs, connectTimeout, cancelTimeout, exitGrace, loglevel, aotCache, warmPool, null, backend, placement);
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
    return new SpawnOptions(jvmArgs, connectTimeout, cancelTimeout, exitGrace, loglevel, aotCache, size, foreignLoop, backend, placement);
  }
}
