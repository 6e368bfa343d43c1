package io.jtractor.wire;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.SocketAddress;

/** A {@link Listener} over a {@link ServerSocket} (plain, or an {@code SSLServerSocket}). */
final class ServerSocketListener implements Listener {
  private static final System.Logger LOG = System.getLogger(ServerSocketListener.class.getName());

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
      LOG.log(System.Logger.Level.DEBUG, "closing the listener " + localAddress() + ": " + e);
    }
  }

  @Override
  public String toString() {
    return transport.name() + " listener " + server.getLocalSocketAddress();
  }
}
