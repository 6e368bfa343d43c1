package io.jtractor.runtime;

import io.jtractor.AttributeError;
import io.jtractor.sc.Block;
import io.jtractor.sc.Nursery;
import io.jtractor.wire.Connection;
import io.jtractor.wire.HandshakeAuth;
import io.jtractor.wire.Hello;
import io.jtractor.wire.Listener;
import io.jtractor.wire.Transport;
import io.jtractor.wire.Uid;
import io.jtractor.wire.WireChannel;
import io.jtractor.wire.WireException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One actor: an identity, a TCP listener, a service nursery in which every connection's message
 * loop and every RPC task runs, and the namespaces it exposes. One per process is "current".
 * Prior art: tractor's {@code Actor} ({@code _runtime.py}).
 *
 * <p>Lifecycle: {@link #serve(Block)} binds the listener and runs until {@link #cancelService()}
 * (or a remote {@code self.cancel}); it returns when every task of the actor has finished.
 *
 * <p>Threads: the service nursery's tasks run on virtual threads; the public methods may be called
 * from any thread.
 */
public final class Actor {
  private static final Logger LOG = LoggerFactory.getLogger(Actor.class);

  /** This process's current actor; set while one serves. */
  private static volatile Actor current;

  /**
   * How an actor is set up.
   *
   * @param name its name (not unique)
   * @param bindAddress where to listen (port 0: any free port)
   * @param modules the namespaces it exposes to RPC
   * @param wireConfig frame size and handshake limits for its connections
   * @param security the tree secret, whether plain tractor peers are accepted, the transport
   * @param registryAddress the registrar's address, or null for none (the actor neither registers
   *     nor serves as a registrar). A root probes it: if nothing answers there, the root becomes the
   *     registrar, listening at that address; port 0 makes a root a registrar on a free port
   *     without probing (each test run gets its own registry that way).
   * @param debugMode whether this actor and, by default, its descendants run under the
   *     multi-process debugger (see {@code io.jtractor.runtime.debug})
   */
  public record Config(
      String name,
      InetSocketAddress bindAddress,
      List<Class<?>> modules,
      WireChannel.Config wireConfig,
      Security security,
      InetSocketAddress registryAddress,
      boolean debugMode) {
    /** A configuration with debug mode off. */
    public Config(
        String name, InetSocketAddress bindAddress, List<Class<?>> modules, WireChannel.Config wireConfig, Security security, InetSocketAddress registryAddress) {
      this(name, bindAddress, modules, wireConfig, security, registryAddress, false);
    }

    public Config {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(bindAddress, "bindAddress");
      modules = List.copyOf(modules);
      Objects.requireNonNull(wireConfig, "wireConfig");
      Objects.requireNonNull(security, "security");
    }

    /** Defaults: listen on 127.0.0.1, any port; {@link Security#defaults()}. */
    public static Config of(String name, List<Class<?>> modules) {
      return new Config(
          name,
          new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
          modules,
          WireChannel.Config.DEFAULT,
          Security.defaults(),
          null);
    }

    /** This configuration with another registrar address (null: none). */
    public Config withRegistry(InetSocketAddress registry) {
      return new Config(name, bindAddress, modules, wireConfig, security, registry, debugMode);
    }

    /** This configuration listening at another address. */
    public Config withBindAddress(InetSocketAddress bind) {
      return new Config(name, bind, modules, wireConfig, security, registryAddress, debugMode);
    }

    /**
     * This configuration with debug mode on or off: an error that leaves a user function, or a
     * {@code Jtractor.pause()}, in this actor or any descendant stops that task and opens a REPL in
     * the root's terminal. Off by default, and then free.
     */
    public Config withDebugMode(boolean on) {
      return new Config(name, bindAddress, modules, wireConfig, security, registryAddress, on);
    }

    /** This configuration with other security settings. */
    public Config withSecurity(Security s) {
      return new Config(name, bindAddress, modules, wireConfig, s, registryAddress, debugMode);
    }

    /** This configuration accepting plain tractor peers (on loopback, or over TLS) or not. */
    public Config withAllowTractorPeers(boolean allow) {
      return withSecurity(security.withAllowTractorPeers(allow));
    }
  }

  /** How long registering with (or unregistering from) a remote registrar may take. */
  static final java.time.Duration REGISTER_TIMEOUT = java.time.Duration.ofSeconds(2);

  /** tractor's budget for unregistering during teardown. */
  static final java.time.Duration UNREGISTER_TIMEOUT = java.time.Duration.ofMillis(500);

  /** How long a root's probe of the registrar address may take (tractor: 1 s). */
  static final int REGISTRY_PROBE_MS = 1000;

  private final Uid uid;
  private final Config config;
  private final Modules modules;
  private final boolean isRoot;
  /** Connections by peer uid (several may exist per peer). */
  private final Map<Uid, List<PeerChannel>> peers = new ConcurrentHashMap<>();
  /** Children we spawned that have not connected back yet, by their uid. */
  private final Map<Uid, OneShot<PeerChannel>> expected = new ConcurrentHashMap<>();
  /** Pre-started child JVMs, by command line. */
  private final Map<List<String>, WarmPool> warmPools = new ConcurrentHashMap<>();
  /** Child processes alive now, for emergency cleanup at JVM shutdown. */
  private final Set<ChildProcess> children = ConcurrentHashMap.newKeySet();

  /** Inbound connections that have not finished their handshake yet, at most this many at once. */
  public static final int MAX_PENDING_HANDSHAKES = 64;
  /** Permits for pending inbound handshakes: taken by the accept loop, given back by the handshake's thread. */
  private final Semaphore handshakes = new Semaphore(MAX_PENDING_HANDSHAKES);
  /** Set once by serve(); read by any thread. */
  private volatile Nursery service;
  /** Created on first use, in the service nursery. */
  private volatile io.jtractor.sc.ResourceCache resources;
  /** The process's current actor when this one started serving; restored when it stops. */
  private volatile Actor previous;
  private volatile Listener listener;
  /** The Unix domain socket listener, if the configuration asks for one. */
  private volatile Listener unixListener;
  private volatile InetSocketAddress address;
  private volatile Uid cancelRequester;
  /** Set once the actor is stopping: connections registered from then on are closed at once. */
  private volatile boolean stopping;
  private final OneShot<InetSocketAddress> listening = new OneShot<>();
  /** The registry, if this actor is the registrar; set once by serve() before it listens. */
  private volatile Registrar registrar;
  /** The registrar's address as serve() resolved it, or null if there is none. */
  private volatile InetSocketAddress registrarAddress;
  /** The actor that spawned this one, if known; set before serve(). */
  private volatile Uid parent;
  /** Whether serve() registered with a remote registrar (it then unregisters at the end). */
  private volatile boolean registeredRemotely;
  /**
   * Why registration cannot succeed at all (the registrar's address holds something that is no
   * registrar, or a registrar that refuses us), or null. Set before {@link #registration}.
   */
  private volatile IOException registrationFailure;
  /** Set once this actor's registration has been attempted (whatever came of it). */
  private final io.jtractor.sc.Event registration = new io.jtractor.sc.Event();
  /**
   * The executor playing the event loop of foreign async code, in an infected actor (tractor's
   * {@code infect_asyncio}); null in any other. Set once, before the actor serves.
   */
  private volatile java.util.concurrent.Executor foreignLoop;
  /**
   * How to cancel each actor nursery open in this actor (the public API's), so that a signal can
   * take the whole tree down in order. Any thread.
   */
  private final Set<Runnable> nurseryCancels = ConcurrentHashMap.newKeySet();
  /** Cleanups to run when the actor has stopped serving, last registered first. */
  private final java.util.Deque<AutoCloseable> lifetimeStack = new java.util.concurrent.ConcurrentLinkedDeque<>();
  /** The tree's secret: the configuration's, else chosen here (see {@link TreeSecret#forRoot}). */
  private final TreeSecret secret;
  /** What carries connections to IP addresses: TCP, or TLS when configured. */
  private final Transport transport;
  /** The handshake of every connection, both ways. */
  private final HandshakeAuth auth;
  /** Who may cancel this actor; knows its ancestors. */
  private final Authorization authorization;
  /** The registry on etcd this actor uses instead of a registrar, or null (see EtcdRegistry). */
  private final io.jtractor.runtime.registry.etcd.EtcdRegistry etcd;

  /** A new actor with a fresh uid. */
  public Actor(Config config, boolean isRoot) {
    this(Uid.random(config.name()), config, isRoot);
  }

  /** A new actor with the given uid (a child gets its uid from its parent). */
  public Actor(Uid uid, Config config, boolean isRoot) {
    this.uid = Objects.requireNonNull(uid, "uid");
    this.config = config;
    this.modules = new Modules(config.modules());
    this.isRoot = isRoot;
    Security sec = config.security();
    this.etcd = config.registryAddress() == null ? io.jtractor.runtime.registry.etcd.EtcdRegistry.configured() : null;
    // Roots sharing a registry on etcd share the secret as roots sharing a registrar do.
    this.secret = sec.secret() != null ? sec.secret()
        : isRoot && etcd != null ? TreeSecret.shared()
        : isRoot ? TreeSecret.forRoot(config.registryAddress()) : TreeSecret.random();
    this.transport = sec.newTransport();
    this.authorization = new Authorization(uid);
    this.auth = Authenticator.of(secret, sec, uid, authorization::ancestors, this::isOwnChild);
  }

  /** The process's current actor, or null if none is serving. */
  public static Actor current() {
    return current;
  }

  public Uid uid() {
    return uid;
  }

  public Config config() {
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
    return registrar != null;
  }

  /** The registrar's address (this actor's own if it is the registrar), or null if it has none. */
  public InetSocketAddress registrarAddress() {
    return registrarAddress;
  }

  /**
   * What this actor's registry holds right now, unprobed (stale entries included), in registration
   * order; empty if this actor is not the registrar. For tools and tests; discovery goes through
   * {@link #registryCall}, which drops dead entries.
   */
  public Map<Uid, InetSocketAddress> localRegistry() {
    Registrar r = registrar;
    return r == null ? Map.of() : r.snapshot();
  }

  /**
   * Makes this an infected actor: {@code loop} plays the event loop of its foreign async code,
   * and its exposed functions that return a future or a publisher are called on it. Closed (if
   * {@link AutoCloseable}) when the actor has stopped serving. Call before {@link #serve}.
   */
  public void infect(java.util.concurrent.Executor loop) {
    Objects.requireNonNull(loop, "loop");
    if (foreignLoop != null) throw new IllegalStateException("actor " + uid + " is infected already");
    foreignLoop = loop;
    if (loop instanceof AutoCloseable c) atTeardown(c);
  }

  /** The foreign event loop of an infected actor, or null. */
  public java.util.concurrent.Executor foreignLoop() {
    return foreignLoop;
  }

  /** Records the actor that spawned this one (registered with it, for {@code jtractor ps}). */
  void parent(Uid parentUid) {
    this.parent = parentUid;
  }

  /** Records this actor's ancestors, nearest first (its parent, ..., its tree's root); before it serves. */
  void lineage(List<Uid> ancestors) {
    authorization.ancestors(ancestors);
  }

  /** This actor's ancestors, nearest first; empty for a root. */
  public List<Uid> lineage() {
    return authorization.ancestors();
  }

  /** Who may do what to this actor. */
  Authorization authorization() {
    return authorization;
  }

  /** The tree's secret (handed to children). */
  TreeSecret secret() {
    return secret;
  }

  /** The handshake this actor's connections use. */
  HandshakeAuth handshakeAuth() {
    return auth;
  }

  /** The transport for IP addresses. */
  Transport transport() {
    return transport;
  }

  /**
   * Waits, at most {@code timeout}, until this actor has tried to register (a root is opened only
   * once it is findable).
   */
  public void awaitRegistration(java.time.Duration timeout) {
    // Shielded: a cancelled caller (e.g. one opening a Root) must not be left holding a half-open
    // actor; the wait is bounded anyway.
    io.jtractor.sc.Sc.shielded(s -> {
      s.setRelativeDeadline(timeout);
      registration.await();
    });
  }

  /**
   * Why this actor's registration cannot succeed (nothing usable listens at the registrar's
   * address), once {@link #awaitRegistration} has returned; null if it registered, or failed only
   * for a reason that may pass.
   */
  public IOException registrationFailure() {
    return registrationFailure;
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
    if (etcd != null && at == null) return etcd.call(func, kwargs);
    Registrar local = registrar;
    InetSocketAddress target = at != null ? at : registrarAddress;
    if (local != null && (at == null || at.equals(address))) {
      return local.method(func, kwargs, new Authorization.Caller(uid, true)).call();
    }
    if (target == null) throw new IllegalStateException("actor " + uid + " has no registrar to ask");
    PeerChannel ch = connect(target, RegistrarClient.HELLO_LIMIT);
    try {
      if (!ch.peerIsJtractor() && Capabilities.JTRACTOR_ONLY_SELF_METHODS.contains(func)) {
        // A tractor registrar has no such method (and at the reference commit an unknown self
        // method kills it): answer what its get_registry tells.
        return Capabilities.registryInfoFrom(ch.call("self", "get_registry", Map.of()));
      }
      return ch.call("self", func, new java.util.LinkedHashMap<>(kwargs));
    } finally {
      ch.close();
    }
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
  public io.jtractor.sc.ResourceCache resourceCache() {
    io.jtractor.sc.ResourceCache c = resources;
    if (c == null) {
      synchronized (this) {
        c = resources;
        if (c == null) resources = c = new io.jtractor.sc.ResourceCache(service());
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
    return Bookkeeping.of(
        this, peers, expected.size(), children.size(), List.copyOf(warmPools.values()), registrar, lifetimeStack.size());
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
            Listener s = bindListener();
            listener = s;
            InetSocketAddress bound = (InetSocketAddress) s.localAddress();
            // By address, never by name: this is what peers and the registrar are told.
            address = new InetSocketAddress(bound.getAddress().getHostAddress(), bound.getPort());
            if (config.security().unixSocket() != null) {
              try {
                unixListener = Transport.UNIX.listen(config.security().unixSocket());
              } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
              }
            }
            // Current before anyone learns the address: whoever waited for it (a Root being
            // opened) may use the process's current actor at once.
            previous = current;
            current = this;
            TaskDump.installSignal();
            listening.set(address);
            try {
              n.startSoon("accept:" + uid.name(), () -> acceptLoop(s));
              Listener unix = unixListener;
              if (unix != null) n.startSoon("accept-unix:" + uid.name(), () -> acceptLoop(unix));
              register(n);
              body.run(this);
            } catch (Throwable t) {
              closeListener();
              throw t;
            }
          });
    } catch (Throwable t) {
      listening.fail(t); // whoever waits for the address learns why there is none
      throw t;
    } finally {
      stopping = true;
      registration.set();
      closeWarmPools();
      unregisterRemotely();
      runLifetimeStack();
      // A second root in one process replaces the current actor while it runs (tractor allows it).
      if (current == this) current = previous != null && !previous.stopping ? previous : null;
    }
  }

  /**
   * Binds this actor's listener. A root with a registrar address first probes it (tractor: a plain
   * connect, at most 1 s); if nothing answers, the root becomes the registrar and listens there.
   * Two roots racing for a free registrar address: the one that loses the bind registers with the
   * winner instead of failing (the reference commit crashes).
   */
  private Listener bindListener() throws IOException {
    InetSocketAddress reg = config.registryAddress();
    if (reg != null && isRoot && (reg.getPort() == 0 || !answers(reg))) {
      if (!isAddressOfThisHost(reg)) {
        throw new java.net.BindException("no registrar answers at " + reg.getHostString() + ":" + reg.getPort()
            + ", and this host has no address " + reg.getHostString() + " to become the registrar at");
      }
      try {
        Listener s = bind(reg);
        registrar = new Registrar(uid);
        return s;
      } catch (java.net.BindException taken) {
        if (reg.getPort() == 0) throw taken;
        Log.RUNTIME.debug("another root became the registrar at " + reg + " first");
      }
    }
    registrarAddress = reg;
    return bind(config.bindAddress());
  }

  /**
   * Listens at {@code at} over this actor's transport. Beyond loopback that must be TLS, unless
   * the configuration explicitly allows plaintext (then one warning is logged).
   *
   * @throws IllegalStateException if {@code at} is not loopback, the transport is plaintext and
   *     plaintext is not allowed
   */
  private Listener bind(InetSocketAddress at) throws IOException {
    if (!Transport.isLocalOnly(at) && !transport.encrypted()) {
      if (!config.security().allowPlaintext()) {
        throw new IllegalStateException("actor " + uid.name() + " may not listen on " + at.getHostString() + ":" + at.getPort()
            + " in plaintext: beyond loopback jtractor needs TLS (-D" + Security.KEY_STORE_PROPERTY + "=... and a trust store),"
            + " or plaintext allowed explicitly (-D" + Security.ALLOW_PLAINTEXT_PROPERTY + "=true)");
      }
      LOG.warn("actor " + uid + " listens on " + at + " in plaintext, as asked:"
          + " anyone who can reach it can read and alter its traffic");
    }
    return transport.listen(at);
  }

  /** Whether this host can listen at {@code at}'s IP address (a wildcard, or one of its interfaces'). */
  private static boolean isAddressOfThisHost(InetSocketAddress at) {
    java.net.InetAddress a = at.getAddress();
    if (a == null) return false; // a name that did not resolve
    if (a.isAnyLocalAddress() || a.isLoopbackAddress()) return true;
    try {
      return java.net.NetworkInterface.getByInetAddress(a) != null;
    } catch (java.net.SocketException e) {
      return true; // cannot tell: let the bind decide
    }
  }

  /** Whether something accepts connections at {@code address} (tractor's registry probe). */
  private static boolean answers(InetSocketAddress address) {
    try (Socket s = new Socket()) {
      s.connect(address, REGISTRY_PROBE_MS);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Registers this actor once it listens: in its own registry if it is the registrar; else with
   * the remote registrar — a child before it serves its parent (as tractor, spec 3.9: once it
   * answers anything it can be found by name), a root in a task its opener waits for.
   */
  private void register(Nursery n) {
    if (registrar != null) {
      registrarAddress = address;
      registrar.register(uid, address, parent, ProcessHandle.current().pid());
      registration.set();
    } else if (registrarAddress == null && etcd != null) {
      etcd.register(uid, address, parent, ProcessHandle.current().pid());
      registration.set();
    } else if (registrarAddress == null) {
      registration.set(); // no registrar: nothing to do
    } else if (isRoot) {
      n.startSoon("register:" + uid.name(), this::registerRemotely);
    } else {
      registerRemotely();
    }
  }

  private void registerRemotely() {
    Map<String, Object> kwargs = new java.util.LinkedHashMap<>();
    kwargs.put("uid", uid);
    kwargs.put("sockaddr", io.jtractor.wire.SockAddr.toWire(address));
    Map<String, Object> extra = new java.util.LinkedHashMap<>();
    extra.put("parent", parent);
    extra.put("pid", ProcessHandle.current().pid());
    // Set before the call: if the answer is lost after the registrar recorded us, we must still
    // unregister (a KeyError for a registration that never arrived is harmless).
    registeredRemotely = true;
    try {
      RegistrarClient.call(registrarAddress, uid, auth, transport, "register_actor", kwargs, extra, REGISTER_TIMEOUT);
    } catch (IOException e) {
      if (e instanceof java.net.ConnectException || e instanceof RegistrarClient.NotARegistrar || e instanceof WireException.Refused) {
        registeredRemotely = false; // it never got there
      }
      if (e instanceof RegistrarClient.NotARegistrar || e instanceof WireException.Refused) {
        registrationFailure = e; // no registrar we can use: a root says so instead of opening
      }
      LOG.warn("actor " + uid + " could not register with the registrar at " + registrarAddress + ": " + e.getMessage());
    } finally {
      registration.set();
    }
  }

  /**
   * Withdraws this actor's registration now, as it is being cancelled, rather than when its
   * service has ended: within tractor's 0.5 s budget, never throwing; done once.
   */
  void unregisterNow() {
    unregisterRemotely();
  }

  /** Unregisters from a remote registrar, within tractor's 0.5 s budget; never throws. */
  private void unregisterRemotely() {
    if (etcd != null) etcd.unregister(uid);
    if (!registeredRemotely) return;
    registeredRemotely = false;
    try {
      RegistrarClient.call(registrarAddress, uid, auth, transport, "unregister_actor", Map.of("uid", uid), Map.of(), UNREGISTER_TIMEOUT);
    } catch (IOException e) {
      Log.RUNTIME.debug("actor " + uid + " could not unregister from " + registrarAddress + ": " + e.getMessage());
    }
  }

  private void acceptLoop(Listener s) throws IOException {
    try {
      while (true) {
        Connection conn = s.accept();
        if (!handshakes.tryAcquire()) {
          // Strangers holding handshakes open must not starve the actor of threads or memory:
          // beyond the cap a new connection is closed at once (members retry their connects).
          Log.TRANSPORT.debug("actor " + uid + " closed a connection from " + conn.remoteAddress() + ": "
              + MAX_PENDING_HANDSHAKES + " handshakes already pending");
          conn.close();
          continue;
        }
        service().startSoonOnPlatformThread("conn:" + conn.remoteAddress(), () -> handleInbound(conn));
      }
    } catch (IOException e) {
      if (!s.isClosed()) throw e;
    } finally {
      s.close();
    }
  }

  /** One inbound connection; whatever goes wrong with it ends it alone, never the actor. */
  private void handleInbound(Connection conn) {
    WireChannel wire;
    Hello hello;
    try {
      try {
        wire = WireChannel.over(conn, config.wireConfig());
      } catch (IOException | RuntimeException e) {
        LOG.info("connection from " + conn.remoteAddress() + " failed: " + e);
        conn.close();
        return;
      }
      hello = handshakeInbound(conn, wire);
    } catch (StackOverflowError | OutOfMemoryError e) {
      // Whatever a stranger's bytes did to this thread, the actor serves on.
      LOG.warn("actor " + uid + " dropped the connection from " + conn.remoteAddress() + ": " + e);
      conn.close();
      return;
    } finally {
      handshakes.release();
    }
    if (hello != null) runChannel(new PeerChannel(this, wire, hello.uid()));
  }

  /** The handshake of an inbound connection: the peer's hello, or null (logged, closed) if refused. */
  private Hello handshakeInbound(Connection conn, WireChannel wire) {
    try {
      return wire.handshake(uid, auth);
    } catch (WireException | RuntimeException e) {
      // A peer that closes before its hello is most often a probe (a starting root's, or the
      // registrar's liveness check): not worth more than a debug line. A refused peer is.
      String why = "actor " + uid + " refused the connection from " + conn.remoteAddress() + ": " + e.getMessage();
      if (e instanceof WireException.Refused) LOG.warn(why);
      else if (e instanceof WireException.TransportClosed) Log.TRANSPORT.debug(why);
      else LOG.info(why);
      wire.close();
      return null;
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
    return connect(address, config.wireConfig().handshakeTimeout());
  }

  /** {@link #connect(SocketAddress)} allowing the peer {@code helloLimit} for its hello. */
  PeerChannel connect(SocketAddress address, java.time.Duration helloLimit) throws IOException {
    WireChannel wire = WireChannel.connect(transport, address, new WireChannel.Config(config.wireConfig().maxFrame(), helloLimit));
    Hello hello;
    try {
      hello = wire.handshake(uid, auth);
    } catch (WireException | RuntimeException e) {
      wire.close(); // refused by the auth hook, or no hello: the connection is ours to close
      throw e;
    }
    PeerChannel pc = new PeerChannel(this, wire, hello.uid());
    try {
      service().startSoonOnPlatformThread("conn:" + hello.uid().name(), () -> runChannel(pc));
    } catch (RuntimeException stopping) {
      wire.close(); // the actor is stopping: no loop will ever own this connection
      throw stopping;
    }
    return pc;
  }

  /** Registers a connected channel, runs its loop to the end, and forgets it. */
  void runChannel(PeerChannel pc) {
    peers.computeIfAbsent(pc.peer(), k -> new CopyOnWriteArrayList<>()).add(pc);
    if (stopping) {
      pc.wire().close(); // registered after cancelService's sweep: it would never be closed
    }
    // Only a peer that proved the tree secret can be the child we wait for: an unproven peer
    // claiming a child's uid is refused at the handshake, and must never take the child's place.
    OneShot<PeerChannel> waiter = pc.wire().peerAuthenticated() ? expected.remove(pc.peer()) : null;
    if (waiter != null) waiter.set(pc);
    try {
      pc.runLoop();
    } finally {
      peers.computeIfPresent(pc.peer(), (k, l) -> {
        l.remove(pc);
        return l.isEmpty() ? null : l;
      });
    }
  }

  /**
   * Registers how to cancel an actor nursery open in this actor, until the returned handle is
   * closed (when the nursery ends).
   */
  public AutoCloseable trackNursery(Runnable cancel) {
    nurseryCancels.add(cancel);
    return () -> nurseryCancels.remove(cancel);
  }

  /** Cancels every actor nursery open in this actor: each asks its children to go, in order. */
  public void cancelNurseries() {
    for (Runnable c : List.copyOf(nurseryCancels)) c.run();
  }

  /**
   * Registers a cleanup to run when this actor stops serving, however it stops (tractor's {@code
   * Actor.lifetime_stack}); cleanups run last registered first, each once.
   */
  public void atTeardown(AutoCloseable cleanup) {
    lifetimeStack.push(java.util.Objects.requireNonNull(cleanup, "cleanup"));
  }

  private void runLifetimeStack() {
    for (AutoCloseable c; (c = lifetimeStack.poll()) != null; ) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("a teardown cleanup of " + uid + " failed", e);
      }
    }
  }

  /** Prepares to receive a connection from a child about to be spawned with {@code childUid}. */
  OneShot<PeerChannel> expect(Uid childUid) {
    OneShot<PeerChannel> slot = new OneShot<>();
    expected.put(childUid, slot);
    return slot;
  }

  void forget(Uid childUid) {
    expected.remove(childUid);
  }

  /** The open channels to {@code peerUid}. */
  public List<PeerChannel> channelsTo(Uid peerUid) {
    return List.copyOf(peers.getOrDefault(peerUid, List.of()));
  }

  /** Every peer with an open channel. */
  public Set<Uid> peers() {
    return Set.copyOf(peers.keySet());
  }

  /** The warm pool for children started with {@code command}, created (and filled) on first use. */
  WarmPool warmPool(List<String> command, int size) {
    return warmPools.computeIfAbsent(List.copyOf(command), c -> new WarmPool(this, c, size));
  }

  /** Kills every pre-started child JVM; new spawns start cold. */
  public void closeWarmPools() {
    for (WarmPool p : warmPools.values()) p.close();
  }

  void adopt(ChildProcess child) {
    children.add(child);
  }

  void release(ChildProcess child) {
    children.remove(child);
  }

  /** Whether {@code id} is a child of this actor, spawned or about to connect. */
  private boolean isOwnChild(Uid id) {
    if (expected.containsKey(id)) return true;
    for (ChildProcess c : children) {
      if (c.uid().equals(id)) return true;
    }
    return false;
  }

  /** Child processes alive now. */
  Set<ChildProcess> liveChildren() {
    return Set.copyOf(children);
  }

  // ----------------------------------------------------------------------------------------------
  // Cancellation

  /**
   * tractor's {@code Actor.cancel}: cancels every RPC task (recording who asked) and waits for
   * them, and stops the listener. {@link #cancelService()} then ends the actor.
   */
  public void cancelRuntime(Uid requester) {
    if (cancelRequester == null) cancelRequester = requester;
    for (List<PeerChannel> l : peers.values()) {
      for (PeerChannel pc : l) pc.cancelRpcTasks(requester);
    }
    closeListener();
  }

  /**
   * Cancels the service nursery: every connection and task of this actor ends. Connections are
   * closed explicitly: a connection's first reader is a platform thread, which an interrupt does
   * not wake from a socket read.
   */
  public void cancelService() {
    stopping = true;
    closeListener();
    closeWarmPools();
    Nursery n = service;
    if (n != null) n.cancel();
    for (List<PeerChannel> l : peers.values()) {
      for (PeerChannel pc : l) pc.wire().close();
    }
  }

  private void closeListener() {
    Listener s = listener;
    if (s != null) s.close();
    Listener u = unixListener;
    if (u != null) u.close();
  }

  /**
   * Resolves a remotely callable runtime method other than {@code cancel} and {@code
   * _cancel_task} (a registrar's registry methods) into the work its task runs.
   *
   * @throws AttributeError if this actor has no such method (tractor's answer)
   */
  java.util.concurrent.Callable<Object> selfMethod(String name, Map<String, Object> kwargs, Authorization.Caller caller) {
    if (!caller.proven() && Capabilities.JTRACTOR_ONLY_SELF_METHODS.contains(name)) {
      throw new AttributeError("'Actor' object has no attribute '" + name + "'"); // as tractor, to a tractor peer
    }
    if (name.equals(TaskDump.SELF_METHOD)) return () -> TaskDump.of(this);
    java.util.concurrent.Callable<Object> debug = io.jtractor.runtime.debug.Debugger.selfMethod(this, name, kwargs);
    if (debug != null) return debug;
    Registrar r = registrar;
    if (r != null) return r.method(name, kwargs, caller);
    throw new AttributeError("'Actor' object has no attribute '" + name + "'");
  }

  @Override
  public String toString() {
    return "Actor[" + uid + (address != null ? " @" + address : "") + "]";
  }
}
