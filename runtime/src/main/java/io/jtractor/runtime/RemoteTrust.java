package io.jtractor.runtime;

import io.jtractor.wire.TlsConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * What a remote child's entry point ({@code io.jtractor.runtime.remote.RemoteChildMain}) needs of
 * this package's boot internals: the trust line with its TLS stores moved to where the remote host
 * keeps them, and the parent's address from tractor's command line.
 */
public final class RemoteTrust {
  private RemoteTrust() {}

  /** The system property through which a remote child tells its actor which address to bind. */
  public static final String BIND_HOST_PROPERTY = "jtractor.bindHost";

  /**
   * {@code trustLine} with its TLS stores at {@code keyStore} and {@code trustStore} (same
   * passwords); unchanged if it has no TLS.
   *
   * @throws IllegalArgumentException if it is not a trust line
   */
  public static String relocateTls(String trustLine, Path keyStore, Path trustStore) {
    ChildTrust t = ChildTrust.decode(trustLine);
    TlsConfig tls = t.security().tls();
    if (tls == null) return trustLine;
    TlsConfig moved = new TlsConfig(keyStore, tls.keyStorePassword(), trustStore, tls.trustStorePassword());
    return new ChildTrust(t.secret(), t.security().withTls(moved), t.lineage()).encode();
  }

  /** The value of {@code --parent_addr} in a child's arguments, or null. */
  public static InetSocketAddress parentAddress(String[] args) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("--parent_addr")) return PythonLiteral.parseAddress(args[i + 1]);
    }
    return null;
  }
}
