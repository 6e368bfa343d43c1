package io.jtractor.runtime;

import io.jtractor.AttributeError;
import io.jtractor.sc.Block;
import io.jtractor.sc.Nursery;
import io.jtractor.wire.HandshakeAuth;
import io.jtractor.wire.Hello;
import io.jtractor.wire.Uid;
import io.jtractor.wire.WireChannel;
import io.jtractor.wire.WireException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

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
  private static final System.Logger LOG = System.getLogger(Actor.class.getName());

  /** This process's current actor; set while one serves. */
  private static volatile Actor current;

  /**
   * How an actor is set up.
   *
   * @param name its name (not unique)
   * @param bindAddress where to listen (port 0: any free port)
   * @param modules the namespaces it exposes to RPC
   * @param wireConfig frame size and handshake limits for its connections
   * @param auth the handshake's authentication hook
   * @param registryAddress the registrar's address, or null
   */
  public record Config(
      String name,
      InetSocketAddress bindAddress,
      List<Class<?>> modules,
      WireChannel.Config wireConfig,
      HandshakeAuth auth,
      InetSocketAddress registryAddress) {
    public Config {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(bindAddress, "bindAddress");
      modules = List.copyOf(modules);
      Objects.requireNonNull(wireConfig, "wireConfig");
      Objects.requireNonNull(auth, "auth");
    }

    /** Defaults: listen on 127.0.0.1, any port. */
    public static Config of(String name, List<Class<?>> modules) {
      return new Config(
          name,
          new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
          modules,
          WireChannel.Config.DEFAULT,
          HandshakeAuth.NONE,
          null);
    }
  }

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
  /** Set once by serve(); read by any thread. */
  private volatile Nursery service;
  private volatile ServerSocket listener;
  private volatile InetSocketAddress address;
  private volatile Uid cancelRequester;
  /** Set once the actor is stopping: connections registered from then on are closed at once. */
  private volatile boolean stopping;
  private final OneShot<InetSocketAddress> listening = new OneShot<>();
  /** Cleanups to run when the actor has stopped serving, last registered first. */
  private final java.util.Deque<AutoCloseable> lifetimeStack = new java.util.concurrent.ConcurrentLinkedDeque<>();

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
            ServerSocket s = new ServerSocket();
            try {
              s.bind(config.bindAddress());
            } catch (IOException | RuntimeException e) {
              s.close();
              throw e;
            }
            listener = s;
            address = new InetSocketAddress(s.getInetAddress(), s.getLocalPort());
            listening.set(address);
            current = this;
            try {
              n.startSoon("accept:" + uid.name(), () -> acceptLoop(s));
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
      closeWarmPools();
      runLifetimeStack();
      if (current == this) current = null;
    }
  }

  private void acceptLoop(ServerSocket s) throws IOException {
    try {
      while (true) {
        Socket socket = s.accept();
        service().startSoonOnPlatformThread("conn:" + socket.getPort(), () -> handleInbound(socket));
      }
    } catch (IOException e) {
      if (!s.isClosed()) throw e;
    } finally {
      s.close();
    }
  }

  /** One inbound connection; whatever goes wrong with it ends it alone, never the actor. */
  private void handleInbound(Socket socket) {
    WireChannel wire;
    try {
      wire = WireChannel.wrap(socket, config.wireConfig());
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.INFO, "connection from " + socket.getRemoteSocketAddress() + " failed: " + e);
      try {
        socket.close();
      } catch (IOException ignored) {
        // nothing more to do
      }
      return;
    }
    Hello hello;
    try {
      hello = wire.handshake(uid, Capabilities.announcing(config.auth()));
    } catch (WireException | RuntimeException e) {
      LOG.log(System.Logger.Level.INFO, "connection from " + socket.getRemoteSocketAddress() + " failed to handshake: " + e.getMessage());
      wire.close();
      return;
    }
    runChannel(new PeerChannel(this, wire, hello.uid()));
  }

  /**
   * Connects to another actor, handshakes, and starts the connection's message loop in the
   * service nursery.
   */
  public PeerChannel connect(InetSocketAddress address) throws IOException {
    WireChannel wire = WireChannel.connect(address, config.wireConfig());
    Hello hello;
    try {
      hello = wire.handshake(uid, Capabilities.announcing(config.auth()));
    } catch (WireException e) {
      wire.close();
      throw e;
    }
    PeerChannel pc = new PeerChannel(this, wire, hello.uid());
    service().startSoonOnPlatformThread("conn:" + hello.uid().name(), () -> runChannel(pc));
    return pc;
  }

  /** Registers a connected channel, runs its loop to the end, and forgets it. */
  void runChannel(PeerChannel pc) {
    peers.computeIfAbsent(pc.peer(), k -> new CopyOnWriteArrayList<>()).add(pc);
    if (stopping) {
      pc.wire().close(); // registered after cancelService's sweep: it would never be closed
    }
    OneShot<PeerChannel> waiter = expected.remove(pc.peer());
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
        LOG.log(System.Logger.Level.WARNING, "a teardown cleanup of " + uid + " failed", e);
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
    ServerSocket s = listener;
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        LOG.log(System.Logger.Level.DEBUG, "closing the listener: " + e);
      }
    }
  }

  /** Remotely callable runtime methods other than {@code cancel} and {@code _cancel_task}. */
  Object selfMethod(String name, Map<String, Object> kwargs, Uid caller) {
    throw new AttributeError("'Actor' object has no attribute '" + name + "'");
  }

  @Override
  public String toString() {
    return "Actor[" + uid + (address != null ? " @" + address : "") + "]";
  }
}
