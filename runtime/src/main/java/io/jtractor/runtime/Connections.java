package io.jtractor.runtime;

import io.jtractor.config.Security;
import io.jtractor.sc.Task;
import io.jtractor.wire.Connection;
import io.jtractor.wire.Hello;
import io.jtractor.wire.Listener;
import io.jtractor.wire.Transport;
import io.jtractor.wire.Uid;
import io.jtractor.wire.WireChannel;
import io.jtractor.wire.WireException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An actor's listeners and connections: accepting (with a cap on pending handshakes), the
 * handshake both ways, and the registry of open {@link PeerChannel}s by peer. Prior art:
 * tractor's {@code Actor._stream_handler} and {@code _peers}.
 *
 * <p>Threads: one accept loop per listener, one platform thread per inbound handshake, then each
 * connection's message loop; {@link #connect} and the queries from any thread. {@link #peers}
 * is concurrent; the listeners are volatile, set once by {@code serve()}.
 */
final class Connections {
  private static final Logger LOG = LoggerFactory.getLogger(Actor.class);

  private final Actor actor;
  /** Connections by peer uid (several may exist per peer). */
  private final Map<Uid, List<PeerChannel>> peers = new ConcurrentHashMap<>();
  /** Permits for pending inbound handshakes: taken by the accept loop, given back by the handshake's thread. */
  private final Semaphore handshakes = new Semaphore(Tuning.MAX_PENDING_HANDSHAKES);
  private volatile Listener listener;
  /** The Unix domain socket listener, if the configuration asks for one. */
  private volatile Listener unixListener;

  Connections(Actor actor) {
    this.actor = actor;
  }

  Map<Uid, List<PeerChannel>> byPeer() {
    return peers;
  }

  /** Records the listener {@code serve()} opened; it is closed by {@link #closeListeners}. */
  void listening(Listener tcp) {
    listener = tcp;
  }

  /**
   * Opens the Unix domain socket listener the configuration asks for, beside {@code tcp} (closed
   * if this fails); null if none is asked for.
   */
  Listener listenUnix(Listener tcp) throws IOException {
    UnixDomainSocketAddress path = actor.config().security().unixSocket();
    if (path == null) return null;
    try {
      unixListener = Transport.UNIX.listen(path);
    } catch (IOException | RuntimeException e) {
      tcp.close();
      throw e;
    }
    return unixListener;
  }

  /**
   * Listens at {@code at} over the actor's transport. Beyond loopback that must be TLS, unless
   * the configuration explicitly allows plaintext (then one warning is logged).
   *
   * @throws IllegalStateException if {@code at} is not loopback, the transport is plaintext and
   *     plaintext is not allowed
   */
  Listener bind(InetSocketAddress at) throws IOException {
    Transport transport = actor.security().transport();
    if (!Transport.isLocalOnly(at) && !transport.encrypted()) {
      if (!actor.config().security().allowPlaintext()) {
        throw new IllegalStateException("actor " + actor.uid().name() + " may not listen on " + at.getHostString() + ":" + at.getPort()
            + " in plaintext: beyond loopback jtractor needs TLS (-D" + Security.KEY_STORE_PROPERTY + "=... and a trust store),"
            + " or plaintext allowed explicitly (-D" + Security.ALLOW_PLAINTEXT_PROPERTY + "=true)");
      }
      LOG.warn("actor " + actor.uid() + " listens on " + at + " in plaintext, as asked:"
          + " anyone who can reach it can read and alter its traffic");
    }
    return transport.listen(at);
  }

  void acceptLoop(Listener s) throws IOException {
    try {
      while (true) {
        Connection conn = s.accept();
        if (!handshakes.tryAcquire()) {
          // Strangers holding handshakes open must not starve the actor of threads or memory:
          // beyond the cap a new connection is closed at once (members retry their connects).
          Log.TRANSPORT.debug("actor " + actor.uid() + " closed a connection from " + conn.remoteAddress() + ": "
              + Tuning.MAX_PENDING_HANDSHAKES + " handshakes already pending");
          conn.close();
          continue;
        }
        startLoop("conn:" + conn.remoteAddress(), conn, () -> handleInbound(conn, true));
      }
    } catch (IOException e) {
      if (!s.isClosed()) throw e;
    } finally {
      s.close();
    }
  }

  /**
   * Serves the acceptor's end of an in-memory connection (an in-process child's link to this
   * actor) as an inbound connection: the same handshake and loop as an accepted socket, outside
   * the cap on pending handshakes, which is for strangers.
   *
   * @throws IllegalStateException if this actor is not serving (the connection is closed)
   */
  void serveInMemory(Connection conn) {
    try {
      startLoop("conn:" + conn.remoteAddress(), conn, () -> handleInbound(conn, false));
    } catch (RuntimeException stopping) {
      conn.close();
      throw stopping;
    }
  }

  /**
   * One inbound connection; whatever goes wrong with it ends it alone, never the actor. {@code
   * capped}: it holds one of the pending-handshake permits, given back once its handshake is over.
   */
  private void handleInbound(Connection conn, boolean capped) {
    WireChannel wire;
    Hello hello;
    try {
      try {
        wire = WireChannel.over(conn, actor.config().wireConfig());
      } catch (IOException | RuntimeException e) {
        LOG.info("connection from " + conn.remoteAddress() + " failed: " + e);
        conn.close();
        return;
      }
      hello = handshakeInbound(conn, wire);
    } catch (StackOverflowError | OutOfMemoryError e) {
      // Whatever a stranger's bytes did to this thread, the actor serves on.
      LOG.warn("actor " + actor.uid() + " dropped the connection from " + conn.remoteAddress() + ": " + e);
      conn.close();
      return;
    } finally {
      if (capped) handshakes.release();
    }
    if (hello != null) runChannel(new PeerChannel(actor, wire, hello.uid()));
  }

  /** The handshake of an inbound connection: the peer's hello, or null (logged, closed) if refused. */
  private Hello handshakeInbound(Connection conn, WireChannel wire) {
    try {
      return wire.handshake(actor.uid(), actor.security().auth());
    } catch (WireException | RuntimeException e) {
      // A peer that closes before its hello is most often a probe (a starting root's, or the
      // registrar's liveness check): not worth more than a debug line. A refused peer is.
      String why = "actor " + actor.uid() + " refused the connection from " + conn.remoteAddress() + ": " + e.getMessage();
      if (e instanceof WireException.Refused) LOG.warn(why);
      else if (e instanceof WireException.TransportClosed) Log.TRANSPORT.debug(why);
      else LOG.info(why);
      wire.close();
      return null;
    }
  }

  /** Connects, allowing the peer {@code helloLimit} for its hello, and starts the message loop. */
  PeerChannel connect(SocketAddress address, Duration helloLimit) throws IOException {
    WireChannel wire = WireChannel.connect(
        actor.security().transport(), address, new WireChannel.Config(actor.config().wireConfig().maxFrame(), helloLimit));
    Hello hello;
    try {
      hello = wire.handshake(actor.uid(), actor.security().auth());
    } catch (WireException | RuntimeException e) {
      wire.close(); // refused by the auth hook, or no hello: the connection is ours to close
      throw e;
    }
    PeerChannel pc = new PeerChannel(actor, wire, hello.uid());
    try {
      startLoop("conn:" + hello.uid().name(), wire.connection(), () -> runChannel(pc));
    } catch (RuntimeException stopping) {
      wire.close(); // the actor is stopping: no loop will ever own this connection
      throw stopping;
    }
    return pc;
  }

  /**
   * Starts the task that serves {@code conn} and becomes its first reader, in the actor's service
   * nursery: on a platform thread where the kernel wakes a blocked read (a socket), on a virtual
   * one otherwise (an in-memory link: starting a platform thread was the largest single cost of
   * an in-process spawn).
   */
  void startLoop(String name, Connection conn, Task loop) {
    if (conn.transport().kernelWakesReads()) {
      actor.service().startSoonOnPlatformThread(name, loop);
    } else {
      actor.service().startSoon(name, loop);
    }
  }

  /** Registers a connected channel, runs its loop to the end, and forgets it. */
  void runChannel(PeerChannel pc) {
    peers.computeIfAbsent(pc.peer(), k -> new CopyOnWriteArrayList<>()).add(pc);
    if (actor.isStopping()) {
      pc.wire().close(); // registered after cancelService's sweep: it would never be closed
    }
    // Only a peer that proved the tree secret can be the child we wait for: an unproven peer
    // claiming a child's uid is refused at the handshake, and must never take the child's place.
    if (pc.wire().peerAuthenticated()) actor.children().connected(pc);
    try {
      pc.runLoop();
    } finally {
      peers.computeIfPresent(pc.peer(), (k, l) -> {
        l.remove(pc);
        return l.isEmpty() ? null : l;
      });
    }
  }

  /** The open channels to {@code peerUid}. */
  List<PeerChannel> channelsTo(Uid peerUid) {
    return List.copyOf(peers.getOrDefault(peerUid, List.of()));
  }

  /** Every peer with an open channel. */
  Set<Uid> peerUids() {
    return Set.copyOf(peers.keySet());
  }

  /** Cancels every RPC task the peers started here, recording who asked, and waits for them. */
  void cancelRpcTasks(Uid requester) {
    for (List<PeerChannel> l : peers.values()) {
      for (PeerChannel pc : l) pc.cancelRpcTasks(requester);
    }
  }

  /**
   * Closes every connection: a connection's first reader is a platform thread, which an interrupt
   * does not wake from a socket read.
   */
  void closeAll() {
    for (List<PeerChannel> l : peers.values()) {
      for (PeerChannel pc : l) pc.wire().close();
    }
  }

  void closeListeners() {
    Listener s = listener;
    if (s != null) s.close();
    Listener u = unixListener;
    if (u != null) u.close();
  }
}
