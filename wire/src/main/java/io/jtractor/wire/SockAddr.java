package io.jtractor.wire;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * An actor's address as tractor sends it: a 2-element array {@code [host, port]} (the registry's
 * {@code sockaddr}, the init message's {@code _arb_addr}, {@code find_actor}'s reply).
 */
public final class SockAddr {
  private SockAddr() {}

  /** {@code [host, port]}, the host as given (a literal address stays a literal). */
  public static List<Object> toWire(InetSocketAddress address) {
    return List.of(address.getHostString(), (long) address.getPort());
  }

  /**
   * Reads {@code [host, port]}: a string host and an integer port in 0..65535.
   *
   * @return the address, or null if {@code wire} is not such an array
   */
  public static InetSocketAddress fromWire(Object wire) {
    if (wire instanceof List<?> l && l.size() == 2 && l.get(0) instanceof String host && l.get(1) instanceof Long port
        && port >= 0 && port <= 65535) {
      return new InetSocketAddress(host, port.intValue());
    }
    return null;
  }
}
