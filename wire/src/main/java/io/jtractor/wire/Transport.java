package io.jtractor.wire;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.time.Duration;

/**
 * What carries a connection's bytes: plain TCP ({@link #TCP}, tractor's), TLS over TCP ({@link
 * #tls}) or a Unix domain socket ({@link #UNIX}); inside one JVM, memory ({@link
 * MemoryConnection}, made in pairs: an actor and its in-process child). The framing, codec and
 * handshake on top are the same for all.
 *
 * <p>Choosing: an actor has one transport for IP addresses (TCP, or TLS when configured); a {@link
 * UnixDomainSocketAddress} always goes over {@link #UNIX} ({@link #forAddress}).
 */
public sealed interface Transport permits TcpTransport, TlsTransport, UnixTransport, MemoryTransport {

  /** Plain TCP: tractor's transport. */
  Transport TCP = TcpTransport.INSTANCE;

  /**
   * Unix domain sockets: a listener's socket file is readable and writable by its owner only, so
   * no other user of the host can connect.
   */
  Transport UNIX = UnixTransport.INSTANCE;

  /** TLS 1.3 over TCP with mutual authentication, keys and trust from {@code config}. */
  static Transport tls(TlsConfig config) {
    return new TlsTransport(config);
  }

  /**
   * Connects to {@code address}.
   *
   * @param timeout how long the connect may take (not applied on loopback, refused or accepted at
   *     once)
   */
  Connection connect(SocketAddress address, Duration timeout) throws IOException;

  /** Listens at {@code address} (port 0: any free port). */
  Listener listen(SocketAddress address) throws IOException;

  /** Whether the bytes are encrypted and the peer authenticated by the transport itself (TLS). */
  boolean encrypted();

  /** "tcp", "tls" or "unix". */
  String name();

  /**
   * Whether a read blocked on this transport's connections is woken by the kernel (a socket):
   * then a platform thread reads them best, as the kernel wakes it directly, where a virtual
   * thread's read waits for the JDK's poller and then a carrier. False for memory, where the
   * writing thread wakes the reader itself and a virtual reader costs no more (and no thread's
   * start).
   */
  default boolean kernelWakesReads() {
    return true;
  }

  /** The transport for {@code address}: {@link #UNIX} for a Unix domain address, else this one. */
  default Transport forAddress(SocketAddress address) {
    return address instanceof UnixDomainSocketAddress ? UNIX : this;
  }

  /**
   * Whether binding {@code address} exposes a listener only to this host: a loopback address or
   * a Unix domain socket. The wildcard address ({@code 0.0.0.0}) is not.
   */
  static boolean isLocalOnly(SocketAddress address) {
    if (address instanceof UnixDomainSocketAddress) return true;
    if (address instanceof InetSocketAddress a) {
      InetAddress ip = a.getAddress();
      return ip != null && ip.isLoopbackAddress();
    }
    return false;
  }
}
