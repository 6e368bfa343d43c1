package io.jtractor.wire;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;

/**
 * One TCP connection speaking tractor's protocol: framing, codec and handshake. Prior art:
 * tractor's {@code Channel} over {@code MsgpackTCPStream}.
 *
 * <p>Threads: {@link #receive()} is for one thread only (the connection's message loop; only it
 * reads the socket). {@link #send(Msg)} may be called from any thread; frames never interleave.
 * {@link #close()} from any thread.
 */
public final class WireChannel implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(WireChannel.class.getName());

  /**
   * Limits for one channel.
   *
   * @param maxFrame the largest frame body accepted
   * @param handshakeTimeout how long a peer may take to send its hello
   */
  public record Config(int maxFrame, Duration handshakeTimeout) {
    public static final Config DEFAULT = new Config(FrameReader.DEFAULT_MAX_FRAME, Duration.ofSeconds(10));

    public Config {
      if (maxFrame < 1) throw new IllegalArgumentException("maxFrame must be positive");
      Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    }
  }

  private final Socket socket;
  private final FrameReader reader;
  private final FrameWriter writer;
  /** Set once by the handshake; read by any thread. */
  private volatile Hello peer;

  private WireChannel(Socket socket, Config config) throws IOException {
    this.socket = socket;
    socket.setTcpNoDelay(true);
    this.reader = new FrameReader(new BufferedInputStream(socket.getInputStream(), 1 << 16), config.maxFrame());
    this.writer = new FrameWriter(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
    this.handshakeTimeout = config.handshakeTimeout();
  }

  private final Duration handshakeTimeout;

  /** Wraps an accepted or connected socket. */
  public static WireChannel wrap(Socket socket, Config config) throws IOException {
    return new WireChannel(Objects.requireNonNull(socket, "socket"), config);
  }

  /** Connects to {@code address}. */
  public static WireChannel connect(InetSocketAddress address, Config config) throws IOException {
    Socket s = new Socket();
    try {
      if (address.getAddress() != null && address.getAddress().isLoopbackAddress()) {
        // No timeout on loopback (refused or accepted at once): a timed connect, like a timed
        // read, leaves the JDK socket non-blocking for good, and every read then costs a failed
        // read plus a poll.
        s.connect(address);
      } else {
        s.connect(address, (int) Math.min(Integer.MAX_VALUE, config.handshakeTimeout().toMillis()));
      }
      return new WireChannel(s, config);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /**
   * tractor's handshake: send our hello first, then read the peer's, then let {@code auth} decide.
   * Both sides may send at once; the order does not matter.
   *
   * @return the peer's hello
   * @throws WireException if the peer sends no valid hello in time, closes, or is refused
   */
  public Hello handshake(Uid me, HandshakeAuth auth) throws WireException {
    Hello mine = new Hello(me, auth.offer());
    sendValue(mine.toWire());
    Object theirs;
    Deadline deadline = closeAfter(handshakeTimeout);
    try {
      theirs = receiveValue();
    } catch (WireException e) {
      if (deadline.expired()) throw new WireException("no handshake from the peer within " + handshakeTimeout, e);
      throw e;
    } finally {
      deadline.close();
    }
    Hello hello;
    try {
      hello = Hello.fromWire(theirs);
    } catch (IllegalArgumentException e) {
      throw new WireException.Malformed("bad handshake: " + e.getMessage(), e);
    }
    auth.verify(this, hello);
    peer = hello;
    return hello;
  }

  /**
   * Closes this channel once {@code timeout} has passed, unless the returned deadline is closed
   * first: a time limit for blocking reads. It closes the socket from a watchdog instead of setting
   * SO_TIMEOUT, because a timed read switches the JDK socket to non-blocking mode for good, and
   * every later read then costs a failed read plus a poll (seen with strace: 830 EAGAIN reads in
   * 2542).
   */
  public Deadline closeAfter(Duration timeout) {
    return new Deadline(this, timeout);
  }

  /** A pending {@link #closeAfter} of a channel. */
  public static final class Deadline implements AutoCloseable {
    private final java.util.concurrent.atomic.AtomicBoolean expired = new java.util.concurrent.atomic.AtomicBoolean();
    private final Thread watchdog;

    private Deadline(WireChannel channel, Duration timeout) {
      java.util.Objects.requireNonNull(timeout, "timeout");
      this.watchdog = Thread.ofVirtual().name("wire-deadline").start(() -> {
        try {
          Thread.sleep(timeout);
          expired.set(true);
          channel.close();
        } catch (InterruptedException calledOff) {
          // closed in time
        }
      });
    }

    /** Whether the time ran out (and the channel was closed for it). */
    public boolean expired() {
      return expired.get();
    }

    /** Calls the deadline off; idempotent. */
    @Override
    public void close() {
      watchdog.interrupt();
    }
  }

  /** The peer's uid, or null before the handshake completed. */
  public Uid peerUid() {
    Hello h = peer;
    return h == null ? null : h.uid();
  }

  /** The peer's hello, or null before the handshake completed. */
  public Hello peerHello() {
    return peer;
  }

  /** Sends one message. */
  public void send(Msg msg) throws WireException {
    sendValue(msg.toWire());
  }

  /** Sends several messages in order with one flush (they usually leave in one segment). */
  public void send(Msg... msgs) throws WireException {
    byte[][] bodies = new byte[msgs.length][];
    for (int i = 0; i < msgs.length; i++) bodies[i] = Msgpack.encode(msgs[i].toWire());
    try {
      writer.write(bodies);
    } catch (IOException e) {
      throw new WireException.TransportClosed("send failed: " + e, e);
    }
  }

  /** Sends already encoded message bodies (see {@link Msgpack#encode}) in order, with one flush. */
  public void sendEncoded(byte[]... bodies) throws WireException {
    try {
      writer.write(bodies);
    } catch (IOException e) {
      throw new WireException.TransportClosed("send failed: " + e, e);
    }
  }

  /** Sends one plain value as a frame (the handshake, the spawn init map). */
  public void sendValue(Object value) throws WireException {
    byte[] body = Msgpack.encode(value);
    try {
      writer.write(body);
    } catch (IOException e) {
      throw new WireException.TransportClosed("send failed: " + e, e);
    }
  }

  /**
   * Receives the next message; only the connection's message loop calls this.
   *
   * @throws WireException.TransportClosed when the connection ends
   * @throws WireException.Malformed for a frame that is not a valid message
   * @throws WireException.FrameTooLarge for a frame over the limit
   */
  public Msg receive() throws WireException {
    return Msg.fromWire(receiveValue());
  }

  /** Receives the next frame as a plain value. */
  public Object receiveValue() throws WireException {
    return Msgpack.decode(reader.read());
  }

  /** Whether the socket is still open on our side. */
  public boolean isOpen() {
    return !socket.isClosed();
  }

  /** Our end's address. */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  /** The peer's address. */
  public InetSocketAddress remoteAddress() {
    return (InetSocketAddress) socket.getRemoteSocketAddress();
  }

  /** Closes the connection; a blocked {@link #receive()} then fails with TransportClosed. Idempotent. */
  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "closing " + this + ": " + e);
    }
  }

  @Override
  public String toString() {
    Uid u = peerUid();
    return "WireChannel[" + (u == null ? "?" : u) + " " + socket.getRemoteSocketAddress() + "]";
  }
}
