package io.jtractor.wire;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * TLS 1.3 over TCP with the JDK's {@code SSLSocket}, both sides authenticated by certificate (the
 * listener requires a client certificate). The TLS handshake runs on the first read or write, so
 * it falls within the channel's handshake deadline ({@link WireChannel#handshake}).
 */
final class TlsTransport implements Transport {
  private static final String[] PROTOCOLS = {TlsConfig.PROTOCOL};

  private final TlsConfig config;
  /** Loaded on first use, then shared by every connection. Guarded by {@code this}. */
  private SSLContext context;

  TlsTransport(TlsConfig config) {
    this.config = java.util.Objects.requireNonNull(config, "config");
  }

  private synchronized SSLContext context() throws IOException {
    if (context == null) context = config.context();
    return context;
  }

  @Override
  public Connection connect(SocketAddress address, Duration timeout) throws IOException {
    InetSocketAddress inet = TcpTransport.inet(address);
    SSLContext ctx = context();
    Socket plain = SocketConnection.connectPlain(inet, timeout);
    try {
      SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, inet.getHostString(), inet.getPort(), true);
      s.setUseClientMode(true);
      s.setEnabledProtocols(PROTOCOLS);
      return new SocketConnection(s, this, true);
    } catch (IOException | RuntimeException e) {
      plain.close();
      throw e;
    }
  }

  @Override
  public Listener listen(SocketAddress address) throws IOException {
    InetSocketAddress inet = TcpTransport.inet(address);
    SSLServerSocket s = (SSLServerSocket) context().getServerSocketFactory().createServerSocket();
    try {
      s.setEnabledProtocols(PROTOCOLS);
      s.setNeedClientAuth(true);
      s.bind(inet);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
    return new ServerSocketListener(s, this);
  }

  @Override
  public boolean encrypted() {
    return true;
  }

  @Override
  public String name() {
    return "tls";
  }

  @Override
  public String toString() {
    return "Transport[tls " + config + "]";
  }
}
