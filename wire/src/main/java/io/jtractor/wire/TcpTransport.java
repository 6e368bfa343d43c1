package io.jtractor.wire;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;

/** Plain TCP, tractor's transport. */
final class TcpTransport implements Transport {
  static final TcpTransport INSTANCE = new TcpTransport();

  private TcpTransport() {}

  @Override
  public Connection connect(SocketAddress address, Duration timeout) throws IOException {
    Socket s = SocketConnection.connectPlain(inet(address), timeout);
    try {
      return new SocketConnection(s, this, true);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  @Override
  public Listener listen(SocketAddress address) throws IOException {
    ServerSocket s = new ServerSocket();
    try {
      s.bind(inet(address));
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
    return new ServerSocketListener(s, this);
  }

  @Override
  public boolean encrypted() {
    return false;
  }

  @Override
  public String name() {
    return "tcp";
  }

  static InetSocketAddress inet(SocketAddress address) {
    if (address instanceof InetSocketAddress a) return a;
    throw new IllegalArgumentException("not an IP address and port: " + address);
  }

  @Override
  public String toString() {
    return "Transport[tcp]";
  }
}
