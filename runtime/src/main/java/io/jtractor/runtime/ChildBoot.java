package io.jtractor.runtime;

import io.jtractor.config.ActorConfig;
import io.jtractor.config.Security;
import io.jtractor.sc.foreign.LoopFactory;
import io.jtractor.wire.Connection;
import io.jtractor.wire.HandshakeAuth;
import io.jtractor.wire.Hello;
import io.jtractor.wire.Msg;
import io.jtractor.wire.Uid;
import io.jtractor.wire.WireChannel;
import io.jtractor.wire.WireException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child actor's runtime, from its connection back to the parent until it stops serving: the
 * same for a child JVM ({@link ChildMain}) and an in-process child ({@link InProcessChild}).
 *
 * <p>Connect back to the parent, handshake (proving the tree secret both ways), read tractor's
 * spawn init message, make the actor (its exposed classes loaded), then serve the parent's channel
 * until it is cancelled or the parent goes away. A failure while booting is sent to the parent as
 * a cid-less error. What differs between the two hosts is behind {@link Host}: process-wide
 * settings (debug mode) and what runs when the host is told to stop (a shutdown hook, a cancel).
 */
final class ChildBoot {
  private static final Logger LOG = LoggerFactory.getLogger(ChildBoot.class);

  private ChildBoot() {}

  /** What a child's runtime needs from whatever hosts it. */
  interface Host {
    /** Whether the actor shares its JVM with its parent (then it may change no process-wide setting). */
    boolean sharesJvm();

    /** Where the child says why it could not boot (a child JVM's stderr). */
    PrintStream err();

    /** The actor exists and is about to serve; called on the thread that serves it. */
    void booted(Actor actor);

    /**
     * The child's end of a connection to its parent made beforehand (an in-process child's
     * in-memory link), or null to connect to the parent's address.
     */
    default Connection parentLink() {
      return null;
    }
  }

  /**
   * Runs the child to its end.
   *
   * @param foreignLoop the factory class of an infected child's loop, or null
   * @return the exit status: 0 after serving, 1 if it could not boot
   */
  static int run(Uid uid, InetSocketAddress parentAddr, String foreignLoop, ChildTrust trust, Host host) {
    Security security = trust.childSecurity();
    HandshakeAuth auth = Authenticator.of(trust.secret(), security, uid, trust::lineage, noChildYet -> false);
    WireChannel parent;
    Hello parentHello;
    Connection link = host.parentLink();
    try {
      parent = link != null
          ? WireChannel.over(link, WireChannel.Config.DEFAULT)
          : WireChannel.connect(ActorSecurity.transportFor(security), parentAddr, WireChannel.Config.DEFAULT);
      try {
        parentHello = parent.handshake(uid, auth);
        if (!parent.peerAuthenticated() || !trust.lineage().isEmpty() && !parentHello.uid().equals(trust.lineage().getFirst())) {
          throw new WireException.Refused("the actor at " + parentAddr + " is not the parent that spawned us");
        }
      } catch (IOException | RuntimeException e) {
        parent.close();
        throw e;
      }
    } catch (IOException e) {
      if (e instanceof WireException.TransportClosed gone && (link != null || gone.getCause() == null)) {
        // The parent closed the link during the handshake (an in-memory link is closed only by its
        // parent; on a socket, an end of stream rather than a failed read or write, a TLS error
        // say): its spawn was cancelled, as below.
        parentClosedTheLink(host, uid, gone);
      } else {
        host.err().println("actor " + uid + " could not reach its parent at " + parentAddr + ": " + e);
      }
      return 1;
    }
    Actor actor;
    try {
      Object init = parent.receiveValue();
      if (!(init instanceof Map<?, ?> m)) throw new IllegalStateException("bad init message from the parent: " + init);
      actor = new Actor(uid, config(uid, m, security, host.sharesJvm()), false);
      actor.parent(parentHello.uid());
      actor.lineage(trust.lineage());
      if (host.sharesJvm()) actor.hostedInProcess();
      if (foreignLoop != null) actor.infect(openLoop(foreignLoop, uid));
    } catch (WireException.TransportClosed gone) {
      // The parent left before it sent the init message: its spawn was cancelled (a tree tearing
      // down on an error does this to children still booting). Nothing failed here, so nothing is
      // logged as an error: one line for the tail a reaper shows, as a child JVM's stderr.
      parentClosedTheLink(host, uid, gone);
      parent.close();
      return 1;
    } catch (Throwable t) {
      LOG.error("actor " + uid + " failed to boot", t);
      if (host.sharesJvm()) t.printStackTrace(host.err());
      try {
        parent.send(new Msg.Error(null, ErrorBoxing.pack(t, uid)));
      } catch (IOException ignored) {
        // the parent is gone too
      }
      parent.close();
      return 1;
    }
    host.booted(actor);
    PeerChannel pc = new PeerChannel(actor, parent, parentHello.uid());
    actor.serve(a -> a.connections().startLoop("parent", parent.connection(), () -> {
      try {
        a.connections().runChannel(pc);
      } finally {
        a.cancelService(); // no parent channel, no reason to live (never an orphan)
      }
    }));
    return 0;
  }

  /** A boot ended by the parent closing the link (its spawn was cancelled): one line, no error logged. */
  private static void parentClosedTheLink(Host host, Uid uid, WireException.TransportClosed gone) {
    host.err().println("actor " + uid + " ended before it booted: its parent closed the link (" + gone.getMessage() + ")");
    Log.RUNTIME.debug("actor " + uid + ": the parent closed the link before it booted");
  }

  /** Makes an infected actor's loop with the factory named on the command line. */
  private static java.util.concurrent.Executor openLoop(String factoryClass, Uid uid) throws Exception {
    Class<?> c = Class.forName(factoryClass);
    if (!LoopFactory.class.isAssignableFrom(c)) {
      throw new IllegalArgumentException(factoryClass + " is not a " + LoopFactory.class.getName());
    }
    java.util.concurrent.Executor loop = ((LoopFactory) c.getConstructor().newInstance()).open("foreign-loop:" + uid.name());
    if (loop == null) throw new IllegalStateException(factoryClass + ".open() returned no loop");
    return loop;
  }

  /**
   * The actor's configuration from the init message. A child sharing its parent's JVM takes no
   * part in debug mode: that is a process-wide state (a JDWP agent, the REPL's link to the root).
   */
  private static ActorConfig config(Uid uid, Map<?, ?> init, Security security, boolean sharesJvm) throws ClassNotFoundException {
    List<Class<?>> modules = new ArrayList<>();
    if (init.get("enable_modules") instanceof Map<?, ?> mods) {
      for (Object name : mods.keySet()) {
        modules.add(Class.forName(String.valueOf(name)));
      }
    }
    String host = System.getProperty(RemoteTrust.BIND_HOST_PROPERTY, init.get("bind_host") instanceof String h ? h : "127.0.0.1");
    int port = init.get("bind_port") instanceof Long p ? p.intValue() : 0;
    InetSocketAddress registry = io.jtractor.wire.SockAddr.fromWire(init.get("_arb_addr")); // None: no registrar
    ActorConfig defaults = ActorConfig.of(uid.name(), modules);
    boolean debug = !sharesJvm
        && io.jtractor.runtime.debug.DebugMode.configureChild(init.get("_runtime_vars") instanceof Map<?, ?> vars ? vars : null);
    return new ActorConfig(uid.name(), new InetSocketAddress(host, port), modules, defaults.wireConfig(), security, registry, debug);
  }
}
