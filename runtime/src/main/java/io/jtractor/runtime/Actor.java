package io.jtractor.runtime;

import io.jtractor.config.ActorConfig;
import io.jtractor.sc.Block;
import io.jtractor.sc.Nursery;
import io.jtractor.sc.ResourceCache;
import io.jtractor.wire.Listener;
import io.jtractor.wire.Uid;
import io.jtractor.wire.WireException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * One actor: an identity, a TCP listener, a service nursery in which every connection's message
 * loop and every RPC task runs, and the namespaces it exposes. One per process is "current".
 * Prior art: tractor's {@code Actor} ({@code _runtime.py}).
 *
 * <p>Lifecycle: {@link #serve(Block)} binds the listener and runs until {@link #cancelService()}
 * (or a remote {@code self.cancel}); it returns when every task of the actor has finished.
 *
 * <p>Its roles are parts of their own: {@link Connections} (listeners, handshakes, open
 * channels), {@link RegistryMembership} (registrar election, registration, registry calls) and
 * {@link ActorChildren} (children expected, alive, and warm pools), {@link ActorLifetime}
 * (nurseries to cancel, cleanups to run) and {@link ActorSecurity} (the tree secret, transport,
 * handshake and authorization, fixed at construction).
 *
 * <p>Threads: the service nursery's tasks run on virtual threads; the public methods may be called
 * from any thread.
 */
public final class Actor {
  private final Uid uid;
  /** {@link Uid#pythonRepr} of {@link #uid}, made once: every ContextCancelled names it. */
  private final String uidRepr;
  private final ActorConfig config;
  private final Modules modules;
  private final boolean isRoot;
  // Its parts, one role each.
  private final Connections connections = new Connections(this);
  private final RegistryMembership membership = new RegistryMembership(this);
  private final ActorChildren children = new ActorChildren(this);
  /** Set once by serve(); read by any thread. */
  private volatile Nursery service;
  /** Created on first use, in the service nursery. */
  private volatile ResourceCache resources;
  /** The process's current actor when this one started serving; restored when it stops. */
  private volatile Actor previous;
  private volatile InetSocketAddress address;
  /** The first peer that asked this actor to cancel; set once. */
  private volatile Uid cancelRequester;
  /** Set once the actor is stopping: connections registered from then on are closed at once. */
  private volatile boolean stopping;
  private final OneShot<InetSocketAddress> listening = new OneShot<>();
  /** Whether this actor shares its parent's JVM (it then never becomes the process's current one); set before serve(). */
  private volatile boolean hostedInProcess;
  /** The actor that spawned this one, if known; set before serve(). */
  private volatile Uid parent;
  /**
   * The executor playing the event loop of foreign async code, in an infected actor (tractor's
   * {@code infect_asyncio}); null in any other. Set once, before the actor serves.
   */
  private volatile Executor foreignLoop;
  private final ActorLifetime lifetime = new ActorLifetime();
  private final ActorSecurity security;

  /** A new actor with a fresh uid. */
  public Actor(ActorConfig config, boolean isRoot) {
    this(Uid.random(config.name()), config, isRoot);
  }

  /** A new actor with the given uid (a child gets its uid from its parent). */
  public Actor(Uid uid, ActorConfig config, boolean isRoot) {
    this.uid = Objects.requireNonNull(uid, "uid");
    this.uidRepr = uid.pythonRepr();
    this.config = config;
    this.modules = new Modules(config.modules());
    this.isRoot = isRoot;
    this.security = ActorSecurity.of(uid, config, isRoot, children);
  }

  /**
   * The actor the calling thread belongs to: the in-process actor whose task tree it runs in (see
   * {@link HostedActors}), else the process's current actor; null if none is serving.
   */
  public static Actor current() {
    return HostedActors.current();
  }

  public Uid uid() {
    return uid;
  }

  /** This actor's uid as tractor prints it ({@link Uid#pythonRepr}). */
  public String uidRepr() {
    return uidRepr;
  }

  public ActorConfig config() {
    return config;
  }

  public Modules modules() {
    return modules;
  }

  public boolean isRoot() {
    return isRoot;
  }

  /** Whether this actor is the registrar (tractor's arbiter). */
  public boolean isRegistrar() {
    return membership.registrar() != null;
  }

  /** The registrar's address (this actor's own if it is the registrar), or null if it has none. */
  public InetSocketAddress registrarAddress() {
    return membership.registrarAddress();
  }

  /**
   * What this actor's registry holds right now, unprobed (stale entries included), in registration
   * order; empty if this actor is not the registrar. For tools and tests; discovery goes through
   * {@link #registryCall}, which drops dead entries.
   */
  public Map<Uid, InetSocketAddress> localRegistry() {
    Registrar r = membership.registrar();
    return r == null ? Map.of() : r.snapshot();
  }

  /**
   * Makes this an infected actor: {@code loop} plays the event loop of its foreign async code,
   * and its exposed functions that return a future or a publisher are called on it. Closed (if
   * {@link AutoCloseable}) when the actor has stopped serving. Call before {@link #serve}.
   */
  public void infect(Executor loop) {
    Objects.requireNonNull(loop, "loop");
    if (foreignLoop != null) throw new IllegalStateException("actor " + uid + " is infected already");
    foreignLoop = HostedActors.bindingTo(this, loop);
    if (loop instanceof AutoCloseable c) atTeardown(c);
  }

  /**
   * The foreign event loop of an infected actor, or null. What it runs sees this actor as the
   * current one, whichever thread submitted it or started the loop's thread.
   */
  public Executor foreignLoop() {
    return foreignLoop;
  }

  /** Marks this actor as one running inside its parent's JVM ({@link InProcessChild}); before it serves. */
  void hostedInProcess() {
    this.hostedInProcess = true;
  }

  /** Whether this actor runs inside its parent's JVM. */
  public boolean isHostedInProcess() {
    return hostedInProcess;
  }

  /** Records the actor that spawned this one (registered with it, for {@code jtractor ps}). */
  void parent(Uid parentUid) {
    this.parent = parentUid;
  }

  Uid parent() {
    return parent;
  }

  /** Records this actor's ancestors, nearest first (its parent, ..., its tree's root); before it serves. */
  void lineage(List<Uid> ancestors) {
    security.authorization().ancestors(ancestors);
  }

  /** This actor's ancestors, nearest first; empty for a root. */
  public List<Uid> lineage() {
    return security.authorization().ancestors();
  }

  /** Who it trusts, and how its connections prove it. */
  ActorSecurity security() {
    return security;
  }

  /** Its children, as the runtime tracks them. */
  ActorChildren children() {
    return children;
  }

  Connections connections() {
    return connections;
  }

  RegistryMembership membership() {
    return membership;
  }

  boolean isStopping() {
    return stopping;
  }

  /**
   * Waits, at most {@code timeout}, until this actor has tried to register (a root is opened only
   * once it is findable).
   */
  public void awaitRegistration(Duration timeout) {
    membership.awaitRegistration(timeout);
  }

  /**
   * Why this actor's registration cannot succeed (nothing usable listens at the registrar's
   * address), once {@link #awaitRegistration} has returned; null if it registered, or failed only
   * for a reason that may pass.
   */
  public IOException registrationFailure() {
    return membership.registrationFailure();
  }

  /**
   * Runs a registry method ({@code find_actor}, {@code wait_for_actor}, {@code get_registry},
   * {@code registry_info}) on this actor's registrar: directly if this actor is the registrar,
   * else over a connection of its own, closed afterwards. A checkpoint: {@code wait_for_actor}
   * waits until cancelled.
   *
   * @param at the registrar to ask, or null for this actor's own
   * @throws IllegalStateException if there is no registrar to ask
   */
  public Object registryCall(InetSocketAddress at, String func, Map<String, Object> kwargs) throws Exception {
    return membership.registryCall(at, func, kwargs, address);
  }

  /** Where this actor listens; waits until it does. */
  public InetSocketAddress address() {
    return listening.await();
  }

  /** The service nursery: where message loops and RPC tasks run. */
  Nursery service() {
    Nursery n = service;
    if (n == null) throw new IllegalStateException("actor " + uid + " is not serving");
    return n;
  }

  /** The actor's shared resources (tractor's per-actor {@code maybe_open_context} cache). */
  public ResourceCache resourceCache() {
    ResourceCache c = resources;
    if (c == null) {
      synchronized (this) {
        c = resources;
        if (c == null) resources = c = new ResourceCache(service());
      }
    }
    return c;
  }

  /** The service nursery, or null before serve() has opened it. */
  Nursery serviceOrNull() {
    return service;
  }
  /**
   * The sizes of what this actor keeps about things that come and go (see {@link Bookkeeping}):
   * for leak tests and diagnostics.
   */
  public Bookkeeping bookkeeping() {
    return Bookkeeping.of(this, connections.byPeer(), children.expectedCount(), children.liveCount(), children.pools(),
        membership.registrar(), lifetime.cleanupCount());
  }

  /** Who asked this actor to cancel (a peer's uid), or null. */
  public Uid cancelRequester() {
    return cancelRequester;
  }

  // ----------------------------------------------------------------------------------------------
  // Serving

  /**
   * Binds the listener and serves until cancelled; runs {@code body} inside the service nursery
   * once listening. Returns when every task of the actor has finished.
   */
  public void serve(Block<Actor> body) {
    try {
      Nursery.run(
          n -> {
            service = n;
            Listener s = membership.bindListener(connections);
            connections.listening(s);
            InetSocketAddress bound = (InetSocketAddress) s.localAddress();
            // By address, never by name: this is what peers and the registrar are told.
            address = new InetSocketAddress(bound.getAddress().getHostAddress(), bound.getPort());
            Listener unix = connections.listenUnix(s);
            // Current before anyone learns the address: whoever waited for it (a Root being
            // opened) may use the process's current actor at once.
            if (!hostedInProcess) previous = HostedActors.becomeProcessActor(this);
            TaskDump.installSignal();
            listening.set(address);
            try {
              n.startSoon("accept:" + uid.name(), () -> connections.acceptLoop(s));
              Listener u = unix;
              if (u != null) n.startSoon("accept-unix:" + uid.name(), () -> connections.acceptLoop(u));
              membership.register(n, address);
              body.run(this);
            } catch (Throwable t) {
              connections.closeListeners();
              throw t;
            }
          });
    } catch (Throwable t) {
      listening.fail(t); // whoever waits for the address learns why there is none
      throw t;
    } finally {
      stopping = true;
      membership.settled();
      closeWarmPools();
      membership.unregisterRemotely();
      lifetime.runCleanups(uid);
      HostedActors.stepDown(this, previous);
    }
  }

  /**
   * Connects to another actor, handshakes, and starts the connection's message loop in the
   * service nursery.
   */
  public PeerChannel connect(InetSocketAddress address) throws IOException {
    return connect((SocketAddress) address);
  }

  /**
   * Connects to another actor at an IP address (over this actor's transport) or a Unix domain
   * socket, handshakes, and starts the connection's message loop in the service nursery.
   *
   * @throws WireException.Refused if the peer is refused (or refuses us): another tree's secret, a
   *     tractor peer not allowed
   */
  public PeerChannel connect(SocketAddress address) throws IOException {
    return connections.connect(address, config.wireConfig().handshakeTimeout());
  }

  /**
   * Registers how to cancel an actor nursery open in this actor, until the returned handle is
   * closed (when the nursery ends).
   */
  public AutoCloseable trackNursery(Runnable cancel) {
    return lifetime.trackNursery(cancel);
  }

  /** Cancels every actor nursery open in this actor: each asks its children to go, in order. */
  public void cancelNurseries() {
    lifetime.cancelNurseries();
  }

  /**
   * Registers a cleanup to run when this actor stops serving, however it stops (tractor's {@code
   * Actor.lifetime_stack}); cleanups run last registered first, each once.
   */
  public void atTeardown(AutoCloseable cleanup) {
    lifetime.atTeardown(Objects.requireNonNull(cleanup, "cleanup"));
  }

  /** The open channels to {@code peerUid}. */
  public List<PeerChannel> channelsTo(Uid peerUid) {
    return connections.channelsTo(peerUid);
  }

  /** Every peer with an open channel. */
  public Set<Uid> peers() {
    return connections.peerUids();
  }

  /** Kills every pre-started child JVM; new spawns start cold. */
  public void closeWarmPools() {
    children.closeWarmPools();
  }

  // ----------------------------------------------------------------------------------------------
  // Cancellation

  /**
   * tractor's {@code Actor.cancel}: cancels every RPC task (recording who asked) and waits for
   * them, and stops the listener. {@link #cancelService()} then ends the actor.
   */
  public void cancelRuntime(Uid requester) {
    if (cancelRequester == null) cancelRequester = requester;
    connections.cancelRpcTasks(requester);
    connections.closeListeners();
  }

  /** Cancels the service nursery: every connection and task of this actor ends. */
  public void cancelService() {
    stopping = true;
    connections.closeListeners();
    closeWarmPools();
    Nursery n = service;
    if (n != null) n.cancel();
    connections.closeAll();
  }

  @Override
  public String toString() {
    return "Actor[" + uid + (address != null ? " @" + address : "") + "]";
  }
}
