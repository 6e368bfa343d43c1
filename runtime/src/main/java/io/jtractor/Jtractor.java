package io.jtractor;

import io.jtractor.config.ActorConfig;
import io.jtractor.config.TreeSecret;
import io.jtractor.errors.DebuggerQuit;
import io.jtractor.runtime.Actor;
import io.jtractor.sc.Block;
import io.jtractor.sc.ResourceCache;
import io.jtractor.sc.Scoped;
import io.jtractor.sc.Scopes;
import io.jtractor.sc.ValueBlock;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
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

  /** tractor's default registrar address: 127.0.0.1:1616. */
  public static final InetSocketAddress DEFAULT_REGISTRY = new InetSocketAddress("127.0.0.1", 1616);

  /** The system property that overrides the default registrar address ({@code host:port}). */
  public static final String REGISTRY_PROPERTY = "jtractor.registry";

  /** The environment variable that overrides it when the property is not set. */
  public static final String REGISTRY_ENV = "JTRACTOR_REGISTRY";

  /**
   * The registrar address roots use unless told otherwise: the {@value #REGISTRY_PROPERTY} system
   * property, else the {@value #REGISTRY_ENV} environment variable, else {@link
   * #DEFAULT_REGISTRY}. Port 0 means "a registry of your own on a free port" (what the tests use).
   *
   * @throws IllegalArgumentException if the setting is not {@code host:port}
   */
  public static InetSocketAddress defaultRegistry() {
    return configuredRegistry().orElse(DEFAULT_REGISTRY);
  }

  /**
   * The registrar address the user set, through the {@value #REGISTRY_PROPERTY} system property or
   * the {@value #REGISTRY_ENV} environment variable, if either is set. A program that should keep a
   * registry of its own unless told to share one (the showcase and the examples do, so that two of
   * them started at once never find each other's actors) uses {@code configuredRegistry().orElse(}a
   * free port{@code )}.
   *
   * @throws IllegalArgumentException if the setting is not {@code host:port}
   */
  public static java.util.Optional<InetSocketAddress> configuredRegistry() {
    String v = System.getProperty(REGISTRY_PROPERTY);
    if (v == null || v.isBlank()) v = System.getenv(REGISTRY_ENV);
    if (v == null || v.isBlank() || io.jtractor.runtime.registry.etcd.EtcdRegistry.isEtcd(v)) return java.util.Optional.empty();
    return java.util.Optional.of(parseAddress(v));
  }

  /**
   * Parses {@code host:port} (or {@code :port}, or a bare port, both meaning 127.0.0.1).
   *
   * @throws IllegalArgumentException if it is not one of those
   */
  public static InetSocketAddress parseAddress(String hostPort) {
    Objects.requireNonNull(hostPort, "hostPort");
    String s = hostPort.strip();
    int colon = s.lastIndexOf(':');
    String host = colon < 0 ? "" : s.substring(0, colon);
    String port = colon < 0 ? s : s.substring(colon + 1);
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not host:port: '" + hostPort + "'");
    }
    if (p < 0 || p > 65535) throw new IllegalArgumentException("port out of range in '" + hostPort + "'");
    // A literal address stays a literal (no name lookup), and is what tractor peers are sent.
    return new InetSocketAddress(host.isEmpty() ? "127.0.0.1" : host, p);
  }

  /**
   * Opens a root actor named {@code name} that exposes {@code modules}, listening on 127.0.0.1
   * (any port), with the {@linkplain #defaultRegistry() default registrar}: if none answers there,
   * this root becomes it. Debug mode is on if {@code -Djtractor.debug=true} or {@code
   * JTRACTOR_DEBUG=1} asks for it. Security comes from {@link io.jtractor.config.Security#defaults()};
   * the tree's secret is the one this user's programs share when the registrar is at a fixed
   * address (other programs may use it too), else a random one (see {@link TreeSecret}).
   */
  public static Root openRoot(String name, Class<?>... modules) {
    return new Root(rootConfig(name, modules));
  }

  /**
   * The configuration {@link #openRoot(String, Class[])} uses, to adjust before opening, e.g.
   * {@code Jtractor.openRoot(Jtractor.rootConfig("root").withDebugMode(true))}.
   */
  public static ActorConfig rootConfig(String name, Class<?>... modules) {
    // A registry on etcd (-Djtractor.registry=etcd://...) replaces the registrar.
    boolean etcd = io.jtractor.runtime.registry.etcd.EtcdRegistry.configured() != null;
    return ActorConfig.of(name, List.of(modules)).withRegistry(etcd ? null : defaultRegistry());
  }

  /**
   * Opens a root actor with a full configuration; {@code config.withDebugMode(true)} (or the
   * environment, as for {@link #openRoot(String, Class[])}) turns on the multi-process debugger for
   * the whole tree.
   */
  public static Root openRoot(ActorConfig config) {
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

  /**
   * Runs a root actor that serves until it is cancelled (a remote {@link Portal#cancelActor()}, or
   * {@link #cancelCurrentActor()}) or the process gets SIGINT or SIGTERM, then tears it down (its
   * children included, registrations withdrawn) and returns how it ended. tractor: {@code
   * run_daemon}; unlike tractor's, a remote cancel ends the daemon instead of leaving a
   * process that serves nothing.
   *
   * <p>While it runs, SIGINT and SIGTERM are handled by the daemon (the JVM does not start its
   * shutdown), and the previous handlers are restored when it returns. A program typically ends
   * with {@code System.exit(Jtractor.runDaemon(...).exitCode())}.
   *
   * <p>A daemon serves other programs, so unless {@code config} names a secret it uses the one
   * this user's programs share ({@link TreeSecret#shared()}: {@code JTRACTOR_SECRET}, else the key
   * file, created on first use).
   *
   * @param onStarted called with the running root once it listens, before the daemon waits (e.g.
   *     to print where it listens); it must return promptly. May be null.
   */
  public static DaemonExit runDaemon(ActorConfig config, java.util.function.Consumer<? super Root> onStarted) {
    Objects.requireNonNull(config, "config");
    if (config.security().secret() == null) config = config.withSecurity(config.security().withSecret(TreeSecret.shared()));
    try (Root root = new Root(config)) {
      Daemons.SignalTrap trap = Daemons.trap(root);
      try {
        if (onStarted != null) onStarted.accept(root);
        root.awaitStopped();
      } finally {
        trap.restore();
      }
      String signal = trap.signal();
      return new DaemonExit(signal, signal == null ? root.actor().cancelRequester() : null);
    }
  }

  /** {@link #runDaemon(ActorConfig, java.util.function.Consumer)} with the default registrar. */
  public static DaemonExit runDaemon(String name, Class<?>... modules) {
    return runDaemon(ActorConfig.of(name, List.of(modules)).withRegistry(defaultRegistry()), null);
  }

  // ----------------------------------------------------------------------------------------------
  // Clusters and shared resources (tractor's open_actor_cluster and trionics)

  /**
   * Spawns {@code count} daemon actors exposing {@code modules}, all at once, runs {@code body}
   * with portals to them by full name ({@code "<this actor's name>.<name>"}, e.g. {@code
   * "root.worker_0"}, in order), then cancels them (with {@code hardKill}: SIGTERM at once) and
   * returns what the body returned. An error anywhere tears the cluster down and is raised, as in
   * any actor nursery. tractor: {@code open_actor_cluster}.
   *
   * @param names the workers' names, or null for {@code worker_0 ... worker_<count-1>}
   * @throws IllegalArgumentException if {@code count < 1} or {@code names} has another size
   */
  public static <R> R openActorCluster(
      int count, List<String> names, boolean hardKill, List<Class<?>> modules, ValueBlock<? super Map<String, Portal>, R> body) {
    Objects.requireNonNull(modules, "modules");
    Objects.requireNonNull(body, "body");
    if (count < 1) throw new IllegalArgumentException("a cluster needs at least one actor, got count " + count);
    List<String> workerNames = names != null ? List.copyOf(names) : java.util.stream.IntStream.range(0, count).mapToObj(i -> "worker_" + i).toList();
    if (workerNames.size() != count) {
      throw new IllegalArgumentException("count is " + count + " but " + workerNames.size() + " names were given");
    }
    if (new java.util.HashSet<>(workerNames).size() != count) {
      throw new IllegalArgumentException("worker names must be distinct: " + workerNames);
    }
    for (Class<?> m : modules) Objects.requireNonNull(m, "modules contains null");
    Actor actor = requireActor();
    Class<?>[] mods = modules.toArray(new Class<?>[0]);
    return ActorNursery.open(actor, an -> {
      Portal[] portals = new Portal[count];
      io.jtractor.sc.Nursery.run(starting -> {
        for (int i = 0; i < count; i++) {
          int slot = i;
          starting.startSoon("start " + workerNames.get(i), () ->
              portals[slot] = an.startActor(actor.uid().name() + "." + workerNames.get(slot), mods));
        }
      });
      Map<String, Portal> byName = new java.util.LinkedHashMap<>();
      for (Portal p : portals) byName.put(p.uid().name(), p);
      R result = body.call(java.util.Collections.unmodifiableMap(byName));
      an.cancel(hardKill);
      return result;
    });
  }

  /** {@link #openActorCluster(int, List, boolean, List, ValueBlock)} with default names, no hard kill. */
  public static <R> R openActorCluster(int count, List<Class<?>> modules, ValueBlock<? super Map<String, Portal>, R> body) {
    return openActorCluster(count, null, false, modules, body);
  }

  /**
   * Opens every resource at once (a context on each worker of a cluster, a stream on each
   * context...), runs {@code body} with their values in order, then closes them together.
   * tractor: {@code gather_contexts}; see {@link Scopes#gather}.
   *
   * @throws IllegalArgumentException if {@code resources} is empty
   */
  public static <T, R> R gatherContexts(List<? extends Scoped<? extends T>> resources, ValueBlock<? super List<T>, R> body) {
    return Scopes.gather(resources, body);
  }

  /**
   * Runs {@code body} with the resource cached under {@code key} in the current actor, opening it
   * if no task of this actor has it open: one resource (a stream from a feed, a connection...)
   * shared by many local tasks, closed with its last user. The resource lives in the actor's
   * service nursery, so it outlives the task that opened it while others use it. tractor: {@code
   * maybe_open_context}; see {@link ResourceCache} for where we deviate.
   *
   * @throws IllegalStateException if no actor runs in this process
   */
  public static <T, R> R maybeOpenContext(Object key, Scoped<T> resource, ValueBlock<? super ResourceCache.Cached<T>, R> body) {
    return requireActor().resourceCache().maybeOpen(key, resource, body);
  }

  /**
   * Whether this process's current actor is a root (tractor: {@code is_root_process()}); false in
   * a child actor's JVM.
   *
   * @throws IllegalStateException if no actor runs in this process
   */
  public static boolean isRootProcess() {
    return requireActor().isRoot();
  }

  /**
   * Whether this process's current actor is infected: it has a foreign event loop (tractor's
   * {@code actor.is_infected_aio()}). See {@link ToForeign} and {@code SpawnOptions.infected()}.
   *
   * @throws IllegalStateException if no actor runs in this process
   */
  public static boolean isInfected() {
    return requireActor().foreignLoop() != null;
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

  /**
   * Stops the calling task under the multi-process debugger until the user continues: a REPL
   * opens in the root's terminal at this frame ({@code Attaching debugger to actor: ...}), waiting
   * its turn if another is open. tractor: {@code tractor.pause()} (once {@code breakpoint()}).
   * Needs debug mode in this actor ({@link ActorConfig#withDebugMode}, {@code
   * -Djtractor.debug=true}, {@code JTRACTOR_DEBUG=1}, or {@link ActorNursery#withDebugMode} in the
   * parent); outside it, it warns once and returns.
   *
   * @throws DebuggerQuit if the user quit at the prompt
   */
  public static void pause() {
    io.jtractor.runtime.debug.Debugger.pause();
  }

  static Actor requireActor() {
    Actor a = Actor.current();
    if (a == null) throw new IllegalStateException("no actor runs in this process: open a root first (Jtractor.openRoot)");
    return a;
  }
}
