package io.jtractor.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLKeyException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link Connection} over a {@link Socket}: plain TCP, or an {@code SSLSocket} for TLS. */
final class SocketConnection implements Connection {
  /** Frames, handshakes and connections: tractor's {@code transport} logging layer. */
  private static final Logger TRANSPORT = LoggerFactory.getLogger("jtractor.transport");

  private final Socket socket;
  private final Transport transport;
  private final boolean initiator;
  /**
   * The socket's descriptor for {@link KernelWait}, found at the first {@link #waitReadable};
   * {@link #UNKNOWN} until then, -1 if there is none to use. Only the reading thread uses it.
   */
  private int descriptor = UNKNOWN;
  /**
   * The {@code struct pollfd} of this connection's waits ({@link KernelWait#pollfd}), made with the
   * descriptor; a wait takes it for its time (null meanwhile, and a wait that finds it so brings
   * its own: only the reading thread waits, so that is not expected).
   */
  private final AtomicReference<MemorySegment> pollfd = new AtomicReference<>();

  private static final int UNKNOWN = -2;

  SocketConnection(Socket socket, Transport transport, boolean initiator) throws IOException {
    this.socket = Objects.requireNonNull(socket, "socket");
    this.transport = transport;
    this.initiator = initiator;
    socket.setTcpNoDelay(true);
  }

  @Override
  public InputStream input() throws IOException {
    return socket.getInputStream();
  }

  @Override
  public OutputStream output() throws IOException {
    return socket.getOutputStream();
  }

  @Override
  public Transport transport() {
    return transport;
  }

  @Override
  public boolean initiator() {
    return initiator;
  }

  @Override
  public boolean peerIsLocal() {
    return socket.getInetAddress() != null && socket.getInetAddress().isLoopbackAddress();
  }

  @Override
  public SocketAddress localAddress() {
    return socket.getLocalSocketAddress();
  }

  @Override
  public SocketAddress remoteAddress() {
    return socket.getRemoteSocketAddress();
  }

  @Override
  public boolean isOpen() {
    return !socket.isClosed();
  }

  @Override
  public boolean readTimeout(int millis) throws IOException {
    if (!plain()) return false; // as sc cancels tasks by interrupting them
    socket.setSoTimeout(millis);
    return true;
  }

  /**
   * A plain socket, whose reads may give up and wait in the kernel: not TLS (a read that gives up
   * may leave a record half read), not a {@code SocketChannel}'s (it closes when a thread blocked
   * in it is interrupted, as sc cancels tasks).
   */
  private boolean plain() {
    return !(socket instanceof SSLSocket) && socket.getChannel() == null;
  }

  @Override
  public boolean waitsInKernel() {
    return KernelWait.AVAILABLE && plain();
  }

  @Override
  public int waitReadable(int millis) {
    if (descriptor == UNKNOWN) {
      descriptor = waitsInKernel() ? KernelWait.descriptorOf(socket) : -1;
      if (descriptor >= 0) pollfd.set(KernelWait.pollfd());
    }
    if (descriptor < 0) return -1;
    MemorySegment kept = pollfd.getAndSet(null);
    if (kept == null) return KernelWait.readable(descriptor, millis);
    try {
      return KernelWait.readable(descriptor, millis, kept);
    } finally {
      pollfd.setRelease(kept);
    }
  }

  /** TLS exporter label (RFC 8446 7.5) of the handshake's channel binding. */
  private static final String EXPORTER_LABEL = "EXPORTER-jtractor-handshake";

  @Override
  public byte[] channelBinding() throws IOException {
    if (socket instanceof SSLSocket tls) {
      // Both ends derive the same bytes from the TLS session, whatever addresses a NAT rewrote.
      try {
        SSLSession session = tls.getSession();
        if (!(session instanceof ExtendedSSLSession ext)) throw new IOException("no TLS session to bind to");
        byte[] material = ext.exportKeyingMaterialData(EXPORTER_LABEL, new byte[0], 32);
        if (material == null) throw new IOException("the TLS session exports no keying material");
        return material;
      } catch (SSLKeyException | UnsupportedOperationException e) {
        throw new IOException("cannot bind the handshake to the TLS session: " + e.getMessage(), e);
      }
    }
    // Plain TCP: the initiator's endpoint, then the acceptor's, as each end sees them. A relay in
    // the middle has two connections, whose endpoints differ.
    String mine = endpoint(socket.getLocalSocketAddress());
    String theirs = endpoint(socket.getRemoteSocketAddress());
    String binding = "tcp|" + (initiator ? mine + "|" + theirs : theirs + "|" + mine);
    return binding.getBytes(StandardCharsets.US_ASCII);
  }

  private static String endpoint(SocketAddress a) {
    if (a instanceof InetSocketAddress i && i.getAddress() != null) {
      return i.getAddress().getHostAddress() + ":" + i.getPort();
    }
    return String.valueOf(a);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      TRANSPORT.debug("closing " + this + ": " + e);
    }
  }

  /** Connects a plain socket: no timeout on loopback, where a connect is refused or accepted at once. */
  static Socket connectPlain(InetSocketAddress address, java.time.Duration timeout) throws IOException {
    Socket s = new Socket();
    try {
      if (address.getAddress() != null && address.getAddress().isLoopbackAddress()) {
        // A timed connect, like a timed read, leaves the JDK socket non-blocking for good, and
        // every read then costs a failed read plus a poll.
        s.connect(address);
      } else {
        s.connect(address, (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
      }
      return s;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  @Override
  public String toString() {
    return transport.name() + ":" + socket.getRemoteSocketAddress();
  }
}
