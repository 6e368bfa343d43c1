package io.jtractor.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;

/**
 * One open byte stream to a peer, whatever carries it: a TCP socket, a TLS session or a Unix
 * domain socket (see {@link Transport}). {@link WireChannel} frames messages over it.
 *
 * <p>Threads: one thread reads {@link #input()} at a time; writes to {@link #output()} are
 * serialized by the caller ({@link FrameWriter}); {@link #close()} from any thread, and it wakes a
 * blocked reader.
 */
public interface Connection extends AutoCloseable {

  /** The bytes from the peer. */
  InputStream input() throws IOException;

  /** The bytes to the peer. */
  OutputStream output() throws IOException;

  /** The transport that carries this connection. */
  Transport transport();

  /** Whether this side made the connection (true) or accepted it (false). */
  boolean initiator();

  /**
   * Whether the peer is on this host for certain: a loopback address, or a Unix domain socket.
   * (A peer reaching a wildcard listener through one of this host's other addresses is not.)
   */
  boolean peerIsLocal();

  /** Our end's address. */
  SocketAddress localAddress();

  /** The peer's address (for a Unix domain socket, the path it connected to, or an unnamed one). */
  SocketAddress remoteAddress();

  /** Whether it is still open on our side. */
  boolean isOpen();

  /**
   * What ties a handshake's proof to this very connection, the same bytes on both of its ends and
   * different on any other connection: for plain TCP the two endpoints (the initiator's first),
   * for TLS keying material exported from the TLS session. Empty (the default) where only the
   * owner can reach the endpoint at all, as a Unix domain socket in an owner-only file. A
   * proof made over one connection then fails over another, so nobody who lacks the secret can
   * relay a handshake between two members (make one connect to it, connect to the other, and pass
   * their proofs across). Empty if the transport has nothing to offer.
   *
   * @throws IOException if the transport cannot say (a TLS session that failed)
   */
  default byte[] channelBinding() throws IOException {
    return new byte[0];
  }

  /**
   * Makes reads from {@link #input()} give up after {@code millis} without a byte, with a {@link
   * java.net.SocketTimeoutException} that loses nothing (the stream stays usable); 0 waits
   * forever. Returns false, changing nothing, where the transport cannot (the default: an
   * in-memory pipe, a Unix domain socket channel or any socket of a {@code SocketChannel}, which
   * an interrupt closes; TLS, whose record layer may be mid-record).
   * Only the thread that reads calls this.
   */
  default boolean readTimeout(int millis) throws IOException {
    return false;
  }

  /**
   * Whether {@link #waitReadable} can block the calling thread in the kernel (a plain TCP socket
   * on Linux, with native access: see {@code KernelWait}); false by default.
   */
  default boolean waitsInKernel() {
    return false;
  }

  /**
   * Waits at most {@code millis} for bytes to read (or the end), blocking the calling thread in
   * the kernel, a virtual thread's carrier included. Reads nothing.
   *
   * @return 1 if there are, 0 if the time ran out, -1 if this wait cannot be made now (wait by
   *     reading with {@link #readTimeout} instead); -1 by default
   */
  default int waitReadable(int millis) {
    return -1;
  }

  /** Closes it; a blocked read then fails. Idempotent, never throws. */
  @Override
  void close();
}
