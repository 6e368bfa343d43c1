package io.jtractor.wire;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Where a TLS transport finds its keys: a key store holding this side's private key and
 * certificate, and a trust store holding the certificates (or the authority) of the peers it
 * accepts. Both sides present a certificate (mutual authentication); peers are addressed by IP, so
 * the host name is not checked against the certificate: trust is whatever the trust store holds.
 * Store types are detected from the files (PKCS12 or JKS).
 *
 * <p>Immutable; the passwords are copied in and never printed.
 */
public final class TlsConfig {
  /** The one TLS version spoken. */
  public static final String PROTOCOL = "TLSv1.3";

  private final Path keyStore;
  private final char[] keyStorePassword;
  private final Path trustStore;
  private final char[] trustStorePassword;

  /**
   * @param keyStore this side's key and certificate
   * @param keyStorePassword its password (also the key's)
   * @param trustStore the certificates of the peers to accept
   * @param trustStorePassword its password
   */
  public TlsConfig(Path keyStore, char[] keyStorePassword, Path trustStore, char[] trustStorePassword) {
    this.keyStore = Objects.requireNonNull(keyStore, "keyStore");
    this.keyStorePassword = Objects.requireNonNull(keyStorePassword, "keyStorePassword").clone();
    this.trustStore = Objects.requireNonNull(trustStore, "trustStore");
    this.trustStorePassword = Objects.requireNonNull(trustStorePassword, "trustStorePassword").clone();
  }

  public Path keyStore() {
    return keyStore;
  }

  public char[] keyStorePassword() {
    return keyStorePassword.clone();
  }

  public Path trustStore() {
    return trustStore;
  }

  public char[] trustStorePassword() {
    return trustStorePassword.clone();
  }

  /**
   * Loads both stores into a TLS 1.3 context.
   *
   * @throws IOException if a store cannot be read or does not fit its password
   */
  public SSLContext context() throws IOException {
    try {
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(load(keyStore, keyStorePassword), keyStorePassword);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(load(trustStore, trustStorePassword));
      SSLContext ctx = SSLContext.getInstance(PROTOCOL);
      ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS from " + this + ": " + e.getMessage(), e);
    }
  }

  private static KeyStore load(Path file, char[] password) throws IOException, GeneralSecurityException {
    if (!Files.isRegularFile(file)) throw new IOException("no key store at " + file);
    return KeyStore.getInstance(file.toFile(), password);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TlsConfig t && keyStore.equals(t.keyStore) && trustStore.equals(t.trustStore)
        && Arrays.equals(keyStorePassword, t.keyStorePassword) && Arrays.equals(trustStorePassword, t.trustStorePassword);
  }

  @Override
  public int hashCode() {
    return Objects.hash(keyStore, trustStore);
  }

  @Override
  public String toString() {
    return "TlsConfig[keyStore=" + keyStore + ", trustStore=" + trustStore + "]";
  }
}
