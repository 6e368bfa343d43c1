package io.jtractor.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unix domain sockets. A listener's socket file is made readable and writable by its owner only
 * (connecting needs write permission), so other users of the host cannot even connect; the file
 * is removed when the listener closes. A stale file left by a process that died is replaced, a
 * live one is an error.
 */
final class UnixTransport implements Transport {
  static final UnixTransport INSTANCE = new UnixTransport();
  private static final Logger LOG = LoggerFactory.getLogger(UnixTransport.class);
  /** Frames, handshakes and connections: tractor's {@code transport} logging layer. */
  private static final Logger TRANSPORT = LoggerFactory.getLogger("jtractor.transport");

  private UnixTransport() {}

  @Override
  public Connection connect(SocketAddress address, Duration timeout) throws IOException {
    // A local connect is refused or accepted at once: no timeout needed.
    return new UnixConnection(SocketChannel.open(unix(address)), true);
  }

  @Override
  public Listener listen(SocketAddress address) throws IOException {
    UnixDomainSocketAddress at = unix(address);
    Path file = at.getPath();
    if (Files.exists(file)) {
      if (Files.isRegularFile(file) || Files.isDirectory(file)) {
        throw new BindException(file + " exists and is not a socket");
      }
      try (SocketChannel probe = SocketChannel.open(at)) {
        throw new BindException("something already listens at " + file);
      } catch (java.net.ConnectException stale) {
        TRANSPORT.debug("replacing the stale socket file " + file);
        Files.delete(file);
      }
    }
    ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      bindPrivately(ch, file);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    return new UnixListener(ch, file);
  }

  /**
   * Binds {@code ch} at {@code file}, which is owner-only from the moment it appears there: the
   * socket is bound in a fresh directory only the owner can enter, restricted, then linked into
   * place (bound where it stands, its mode would follow the umask until the chmod).
   */
  private static void bindPrivately(ServerSocketChannel ch, Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path staging;
    try {
      staging = Files.createTempDirectory(dir, ".jtractor-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (UnsupportedOperationException notPosix) {
      LOG.warn("cannot restrict " + file + " to its owner on this file system");
      ch.bind(UnixDomainSocketAddress.of(file));
      return;
    }
    Path bound = staging.resolve("s");
    try {
      ch.bind(UnixDomainSocketAddress.of(bound));
      Files.setPosixFilePermissions(bound, PosixFilePermissions.fromString("rw-------"));
      try {
        // A link, not a rename: it fails if another listener took the name meanwhile.
        Files.createLink(file, bound);
      } catch (FileAlreadyExistsException taken) {
        throw new BindException("something already listens at " + file);
      }
    } finally {
      Files.deleteIfExists(bound);
      Files.deleteIfExists(staging);
    }
  }

  @Override
  public boolean encrypted() {
    return false;
  }

  @Override
  public String name() {
    return "unix";
  }

  private static UnixDomainSocketAddress unix(SocketAddress address) {
    if (address instanceof UnixDomainSocketAddress u) return u;
    throw new IllegalArgumentException("not a Unix domain socket address: " + address);
  }

  @Override
  public String toString() {
    return "Transport[unix]";
  }

  /** One Unix domain socket connection; its streams read and write concurrently. */
  private static final class UnixConnection implements Connection {
    private final SocketChannel channel;
    private final boolean initiator;
    private final InputStream in;
    private final OutputStream out;

    UnixConnection(SocketChannel channel, boolean initiator) {
      this.channel = channel;
      this.initiator = initiator;
      this.in = Channels.newInputStream(channel);
      this.out = Channels.newOutputStream(channel);
    }

    @Override
    public InputStream input() {
      return in;
    }

    @Override
    public OutputStream output() {
      return out;
    }

    @Override
    public Transport transport() {
      return INSTANCE;
    }

    @Override
    public boolean initiator() {
      return initiator;
    }

    @Override
    public boolean peerIsLocal() {
      return true;
    }

    @Override
    public SocketAddress localAddress() {
      try {
        return channel.getLocalAddress();
      } catch (IOException closed) {
        return null;
      }
    }

    @Override
    public SocketAddress remoteAddress() {
      try {
        return channel.getRemoteAddress();
      } catch (IOException closed) {
        return null;
      }
    }

    @Override
    public boolean isOpen() {
      return channel.isOpen();
    }

    @Override
    public void close() {
      try {
        channel.close();
      } catch (IOException e) {
        TRANSPORT.debug("closing a unix connection: " + e);
      }
    }

    @Override
    public String toString() {
      return "unix:" + (initiator ? remoteAddress() : localAddress());
    }
  }

  /** A bound Unix domain socket; closing it removes its file. */
  private static final class UnixListener implements Listener {
    private final ServerSocketChannel channel;
    private final Path file;

    UnixListener(ServerSocketChannel channel, Path file) {
      this.channel = channel;
      this.file = file;
    }

    @Override
    public Connection accept() throws IOException {
      return new UnixConnection(channel.accept(), false);
    }

    @Override
    public SocketAddress localAddress() {
      return UnixDomainSocketAddress.of(file);
    }

    @Override
    public boolean isClosed() {
      return !channel.isOpen();
    }

    @Override
    public void close() {
      try {
        channel.close();
        Files.deleteIfExists(file);
      } catch (IOException e) {
        TRANSPORT.debug("closing the listener at " + file + ": " + e);
      }
    }

    @Override
    public String toString() {
      return "unix listener " + file;
    }
  }
}
