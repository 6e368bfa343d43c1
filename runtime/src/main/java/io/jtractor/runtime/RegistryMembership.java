package io.jtractor.runtime;

import io.jtractor.config.ActorConfig;
import io.jtractor.sc.Event;
import io.jtractor.sc.Nursery;
import io.jtractor.sc.Sc;
import io.jtractor.wire.Listener;
import io.jtractor.wire.SockAddr;
import io.jtractor.wire.WireException;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An actor's place in its registry: the election of a root as registrar (it probes the registrar
 * address and, if nothing answers, listens there itself), registration and unregistration with a
 * remote registrar, and registry calls. Prior art: tractor's arbiter election in {@code
 * open_root_actor} and {@code Actor._async_main}'s registration.
 *
 * <p>Threads: {@link #bindListener} runs once in {@code serve()}, before anyone learns the
 * actor's address; registration runs on the serving thread (a child) or a service task (a
 * root); everything else from any thread. Fields are volatile and written once, except {@link
 * #registeredRemotely}, which only falls back to false.
 */
final class RegistryMembership {
  private static final Logger LOG = LoggerFactory.getLogger(Actor.class);

  /** How long registering with (or unregistering from) a remote registrar may take. */
  static final Duration REGISTER_TIMEOUT = Duration.ofSeconds(2);
  /** tractor's budget for unregistering during teardown. */
  static final Duration UNREGISTER_TIMEOUT = Duration.ofMillis(500);
  /** How long a root's probe of the registrar address may take (tractor: 1 s). */
  static final int REGISTRY_PROBE_MS = 1000;

  private final Actor actor;
  /** The registry, if this actor is the registrar; set once by bindListener before it listens. */
  private volatile Registrar registrar;
  /** The registrar's address as serve() resolved it, or null if there is none. */
  private volatile InetSocketAddress registrarAddress;
  /** Whether serve() registered with a remote registrar (it then unregisters at the end). */
  private volatile boolean registeredRemotely;
  /**
   * Why registration cannot succeed at all (the registrar's address holds something that is no
   * registrar, or a registrar that refuses us), or null. Set before {@link #registration}.
   */
  private volatile IOException registrationFailure;
  /** Set once this actor's registration has been attempted (whatever came of it). */
  private final Event registration = new Event();

  /** The registry on etcd the actor uses instead of a registrar (it names none), or null; see EtcdRegistry. */
  private io.jtractor.runtime.registry.etcd.EtcdRegistry etcd() {
    return actor.config().registryAddress() == null ? io.jtractor.runtime.registry.etcd.EtcdRegistry.configured() : null;
  }

  RegistryMembership(Actor actor) {
    this.actor = actor;
  }

  Registrar registrar() {
    return registrar;
  }

  InetSocketAddress registrarAddress() {
    return registrarAddress;
  }

  IOException registrationFailure() {
    return registrationFailure;
  }

  /** Registration has been attempted, or will not be: wakes whoever waits for it. */
  void settled() {
    registration.set();
  }

  /** Waits, at most {@code timeout}, until this actor has tried to register. */
  void awaitRegistration(Duration timeout) {
    // Shielded: a cancelled caller (e.g. one opening a Root) must not be left holding a half-open
    // actor; the wait is bounded anyway.
    Sc.shielded(s -> {
      s.setRelativeDeadline(timeout);
      registration.await();
    });
  }

  /**
   * Binds the actor's listener. A root with a registrar address first probes it (tractor: a plain
   * connect, at most 1 s); if nothing answers, the root becomes the registrar and listens there.
   * Two roots racing for a free registrar address: the one that loses the bind registers with the
   * winner instead of failing.
   */
  Listener bindListener(Connections connections) throws IOException {
    ActorConfig config = actor.config();
    InetSocketAddress reg = config.registryAddress();
    if (reg != null && actor.isRoot() && (reg.getPort() == 0 || !answers(reg))) {
      if (!isAddressOfThisHost(reg)) {
        throw new BindException("no registrar answers at " + reg.getHostString() + ":" + reg.getPort()
            + ", and this host has no address " + reg.getHostString() + " to become the registrar at");
      }
      try {
        Listener s = connections.bind(reg);
        registrar = new Registrar(actor.uid());
        return s;
      } catch (BindException taken) {
        if (reg.getPort() == 0) throw taken;
        Log.RUNTIME.debug("another root became the registrar at " + reg + " first");
      }
    }
    registrarAddress = reg;
    return connections.bind(config.bindAddress());
  }

  /** Whether this host can listen at {@code at}'s IP address (a wildcard, or one of its interfaces'). */
  private static boolean isAddressOfThisHost(InetSocketAddress at) {
    InetAddress a = at.getAddress();
    if (a == null) return false; // a name that did not resolve
    if (a.isAnyLocalAddress() || a.isLoopbackAddress()) return true;
    try {
      return NetworkInterface.getByInetAddress(a) != null;
    } catch (SocketException e) {
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
   * Registers the actor once it listens at {@code address}: in its own registry if it is the
   * registrar; else with the remote registrar — a child before it serves its parent (once it
   * answers anything it can be found by name), a root in a task its opener waits for.
   */
  void register(Nursery n, InetSocketAddress address) {
    Registrar r = registrar;
    io.jtractor.runtime.registry.etcd.EtcdRegistry etcd = etcd();
    if (r != null) {
      registrarAddress = address;
      LocalRegistrars.serving(actor, address);
      r.register(actor.uid(), address, actor.parent(), ProcessHandle.current().pid());
      registration.set();
    } else if (registrarAddress == null && etcd != null) {
      etcd.register(actor.uid(), address, actor.parent(), ProcessHandle.current().pid());
      registration.set();
    } else if (registrarAddress == null) {
      registration.set(); // no registrar: nothing to do
    } else if (actor.isRoot()) {
      n.startSoon("register:" + actor.uid().name(), () -> registerRemotely(address));
    } else {
      registerRemotely(address);
    }
  }

  private void registerRemotely(InetSocketAddress address) {
    Registrar local = LocalRegistrars.sameTree(registrarAddress, actor);
    if (local != null) { // the registrar serves in this JVM, for this tree: no connection needed
      try {
        local.register(actor.uid(), address, actor.parent(), ProcessHandle.current().pid(), new Authorization.Caller(actor.uid(), true));
        registeredRemotely = true;
      } catch (RuntimeException refused) {
        LOG.warn("actor " + actor.uid() + " could not register with the registrar at " + registrarAddress + ": " + refused.getMessage());
      } finally {
        registration.set();
      }
      return;
    }
    Map<String, Object> kwargs = new LinkedHashMap<>();
    kwargs.put("uid", actor.uid());
    kwargs.put("sockaddr", SockAddr.toWire(address));
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("parent", actor.parent());
    extra.put("pid", ProcessHandle.current().pid());
    // Set before the call: if the answer is lost after the registrar recorded us, we must still
    // unregister (a KeyError for a registration that never arrived is harmless).
    registeredRemotely = true;
    try {
      RegistrarClient.call(
          registrarAddress, actor.uid(), actor.security().auth(), actor.security().transport(), "register_actor", kwargs, extra, REGISTER_TIMEOUT);
    } catch (IOException e) {
      if (e instanceof ConnectException || e instanceof RegistrarClient.NotARegistrar || e instanceof WireException.Refused) {
        registeredRemotely = false; // it never got there
      }
      if (e instanceof RegistrarClient.NotARegistrar || e instanceof WireException.Refused) {
        registrationFailure = e; // no registrar we can use: a root says so instead of opening
      }
      LOG.warn("actor " + actor.uid() + " could not register with the registrar at " + registrarAddress + ": " + e.getMessage());
    } finally {
      registration.set();
    }
  }

  /**
   * Unregisters from a remote registrar (directly if it serves in this JVM for this tree), within
   * tractor's 0.5 s budget; never throws; done once.
   */
  void unregisterRemotely() {
    LocalRegistrars.stopping(actor); // if it is a registrar: actors of this JVM go over the wire again
    io.jtractor.runtime.registry.etcd.EtcdRegistry etcd = etcd();
    if (etcd != null) etcd.unregister(actor.uid());
    if (!registeredRemotely) return;
    registeredRemotely = false;
    Registrar local = LocalRegistrars.sameTree(registrarAddress, actor);
    if (local != null) {
      try {
        local.unregister(actor.uid(), new Authorization.Caller(actor.uid(), true));
      } catch (RuntimeException e) {
        Log.RUNTIME.debug("actor " + actor.uid() + " could not unregister from " + registrarAddress + ": " + e.getMessage());
      }
      return;
    }
    try {
      RegistrarClient.call(registrarAddress, actor.uid(), actor.security().auth(), actor.security().transport(),
          "unregister_actor", Map.of("uid", actor.uid()), Map.of(), UNREGISTER_TIMEOUT);
    } catch (IOException e) {
      Log.RUNTIME.debug("actor " + actor.uid() + " could not unregister from " + registrarAddress + ": " + e.getMessage());
    }
  }

  /**
   * Runs a registry method on the registrar at {@code at} (null: this actor's own): directly if
   * this actor is that registrar, else over a connection of its own, closed afterwards.
   */
  Object registryCall(InetSocketAddress at, String func, Map<String, Object> kwargs, InetSocketAddress ownAddress) throws Exception {
    io.jtractor.runtime.registry.etcd.EtcdRegistry etcd = etcd();
    if (etcd != null && at == null) return etcd.call(func, kwargs);
    Registrar local = registrar;
    InetSocketAddress target = at != null ? at : registrarAddress;
    if (local != null && (at == null || at.equals(ownAddress))) {
      return local.method(func, kwargs, new Authorization.Caller(actor.uid(), true)).call();
    }
    if (target == null) throw new IllegalStateException("actor " + actor.uid() + " has no registrar to ask");
    PeerChannel ch = actor.connections().connect(target, RegistrarClient.HELLO_LIMIT);
    try {
      if (!ch.peerIsJtractor() && Capabilities.JTRACTOR_ONLY_SELF_METHODS.contains(func)) {
        // A tractor registrar has no such method (and an unknown self method kills tractor's
        // registrar): answer what its get_registry tells.
        return Capabilities.registryInfoFrom(ch.call("self", "get_registry", Map.of()));
      }
      return ch.call("self", func, new LinkedHashMap<>(kwargs));
    } finally {
      ch.close();
    }
  }
}
