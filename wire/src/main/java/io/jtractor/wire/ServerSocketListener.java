package io.jtractor.wire;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link Listener} over a {@link ServerSocket} (plain, or an {@code SSLServerSocket}). */
final class ServerSocketListener implements Listener {
  /** Frames, handshakes and connections: tractor's {@code transport} logging layer. */
  private static final Logger TRANSPORT = LoggerFactory.getLogger("jtractor.transport");

  private final ServerSocket server;
  private final Transport transport;

  ServerSocketListener(ServerSocket server, Transport transport) {
    this.server = server;
    this.transport = transport;
  }

  @Override
  public Connection accept() throws IOException {
    var s = server.accept();
    try {
      return new SocketConnection(s, transport, false);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  @Override
  public SocketAddress localAddress() {
    return server.getLocalSocketAddress();
  }

  @Override
  public boolean isClosed() {
    return server.isClosed();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      TRANSPORT.debug("closing the listener " + localAddress() + ": " + e);
    }
  }

  @Override
  public String toString() {
    return transport.name() + " listener " + server.getLocalSocketAddress();
  }
}
