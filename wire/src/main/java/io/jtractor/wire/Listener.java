package io.jtractor.wire;

import java.io.IOException;
import java.net.SocketAddress;

/**
 * Where a {@link Transport} accepts connections. Threads: one thread accepts; {@link #close()}
 * from any thread wakes it.
 */
public interface Listener extends AutoCloseable {

  /** Waits for the next connection. */
  Connection accept() throws IOException;

  /** Where it listens (the port or path it is bound to). */
  SocketAddress localAddress();

  /** Whether it has been closed. */
  boolean isClosed();

  /** Stops listening (and removes a Unix domain socket's file). Idempotent, never throws. */
  @Override
  void close();
}
