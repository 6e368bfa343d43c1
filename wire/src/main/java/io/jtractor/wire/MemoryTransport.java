package io.jtractor.wire;

import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;

/**
 * What carries a {@link MemoryConnection}: nothing but memory. Its connections are made in pairs
 * by {@link MemoryConnection#pair}, never by connecting to an address, and nothing listens.
 */
final class MemoryTransport implements Transport {
  static final MemoryTransport INSTANCE = new MemoryTransport();

  private MemoryTransport() {}

  @Override
  public Connection connect(SocketAddress address, Duration timeout) throws IOException {
    throw new IOException("an in-memory connection has no address to connect to: it is made as a pair");
  }

  @Override
  public Listener listen(SocketAddress address) throws IOException {
    throw new IOException("nothing listens in memory: an in-memory connection is made as a pair");
  }

  /** No: but its bytes never leave the JVM. */
  @Override
  public boolean encrypted() {
    return false;
  }

  @Override
  public String name() {
    return "memory";
  }

  /** No: the writing thread wakes the reader (a virtual one as directly as a platform one). */
  @Override
  public boolean kernelWakesReads() {
    return false;
  }
}
