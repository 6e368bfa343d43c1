package io.jtractor.config;

import io.jtractor.wire.TlsConfig;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How an actor protects itself: the secret its tree shares, whether plain tractor peers are
 * accepted, and the transport. Part of {@link ActorConfig}; children inherit all of it but the
 * Unix domain socket.
 *
 * <ul>
 *   <li><b>Authentication</b>, always on between jtractor peers: every connection proves the
 *       {@linkplain TreeSecret tree secret} in both directions before any message is acted on.
 *   <li><b>Tractor peers</b> (a hello without jtractor's capability: they cannot prove a secret)
 *       are refused unless {@code allowTractorPeers}, and even then accepted on loopback (or a Unix
 *       domain socket) only, unless the transport is TLS.
 *   <li><b>Listening</b> beyond loopback needs TLS, unless {@code allowPlaintext} (one warning is
 *       logged).
 * </ul>
 *
 * @param secret the tree's secret, or null to let a root choose ({@link TreeSecret#forRoot}: the
 *     shared one when it uses a registrar at a fixed address or {@code JTRACTOR_SECRET} is set,
 *     else a random one)
 * @param allowTractorPeers whether plain tractor peers are accepted (default: the {@value
 *     #ALLOW_TRACTOR_PEERS_PROPERTY} system property or {@value #ALLOW_TRACTOR_PEERS_ENV})
 * @param tls the TLS keys, or null for plaintext TCP (default: the {@code jtractor.tls.*}
 *     properties or {@code JTRACTOR_TLS_*} variables, see {@link #defaults()})
 * @param allowPlaintext whether plaintext TCP may listen beyond loopback (default: {@value
 *     #ALLOW_PLAINTEXT_PROPERTY} or {@value #ALLOW_PLAINTEXT_ENV})
 * @param unixSocket a Unix domain socket to listen on as well, or null
 */
public record Security(
    TreeSecret secret, boolean allowTractorPeers, TlsConfig tls, boolean allowPlaintext, UnixDomainSocketAddress unixSocket) {

  public static final String ALLOW_TRACTOR_PEERS_PROPERTY = "jtractor.allowTractorPeers";
  public static final String ALLOW_TRACTOR_PEERS_ENV = "JTRACTOR_ALLOW_TRACTOR_PEERS";
  public static final String ALLOW_PLAINTEXT_PROPERTY = "jtractor.allowPlaintext";
  public static final String ALLOW_PLAINTEXT_ENV = "JTRACTOR_ALLOW_PLAINTEXT";
  public static final String KEY_STORE_PROPERTY = "jtractor.tls.keyStore";
  public static final String KEY_STORE_PASSWORD_PROPERTY = "jtractor.tls.keyStorePassword";
  public static final String TRUST_STORE_PROPERTY = "jtractor.tls.trustStore";
  public static final String TRUST_STORE_PASSWORD_PROPERTY = "jtractor.tls.trustStorePassword";

  /**
   * The defaults from system properties, each of which an environment variable stands in for when
   * the property is not set: {@value #ALLOW_TRACTOR_PEERS_PROPERTY} ({@value
   * #ALLOW_TRACTOR_PEERS_ENV}), {@value #ALLOW_PLAINTEXT_PROPERTY} ({@value #ALLOW_PLAINTEXT_ENV}),
   * both {@code true}/{@code 1}/{@code yes}; TLS when {@value #KEY_STORE_PROPERTY} ({@code
   * JTRACTOR_TLS_KEYSTORE}) is set, with {@value #KEY_STORE_PASSWORD_PROPERTY} ({@code
   * JTRACTOR_TLS_KEYSTORE_PASSWORD}), {@value #TRUST_STORE_PROPERTY} ({@code
   * JTRACTOR_TLS_TRUSTSTORE}, default: the key store) and {@value #TRUST_STORE_PASSWORD_PROPERTY}
   * ({@code JTRACTOR_TLS_TRUSTSTORE_PASSWORD}, default: the key store's). No secret: a root
   * chooses.
   */
  public static Security defaults() {
    return new Security(
        null,
        flag(ALLOW_TRACTOR_PEERS_PROPERTY, ALLOW_TRACTOR_PEERS_ENV),
        tlsFromSystem(),
        flag(ALLOW_PLAINTEXT_PROPERTY, ALLOW_PLAINTEXT_ENV),
        null);
  }

  /** This configuration with another secret. */
  public Security withSecret(TreeSecret s) {
    return new Security(s, allowTractorPeers, tls, allowPlaintext, unixSocket);
  }

  /** This configuration accepting plain tractor peers or not. */
  public Security withAllowTractorPeers(boolean allow) {
    return new Security(secret, allow, tls, allowPlaintext, unixSocket);
  }

  /** This configuration over TLS with {@code keys} (null: plaintext). */
  public Security withTls(TlsConfig keys) {
    return new Security(secret, allowTractorPeers, keys, allowPlaintext, unixSocket);
  }

  /** This configuration allowing plaintext TCP beyond loopback or not. */
  public Security withAllowPlaintext(boolean allow) {
    return new Security(secret, allowTractorPeers, tls, allow, unixSocket);
  }

  /** This configuration listening on a Unix domain socket too (null: none). */
  public Security withUnixSocket(UnixDomainSocketAddress at) {
    return new Security(secret, allowTractorPeers, tls, allowPlaintext, at);
  }

  private static boolean flag(String property, String env) {
    String v = setting(property, env);
    return v != null && switch (v.strip().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      default -> false;
    };
  }

  private static String setting(String property, String env) {
    String v = System.getProperty(property);
    return v == null || v.isBlank() ? System.getenv(env) : v;
  }

  private static TlsConfig tlsFromSystem() {
    String ks = setting(KEY_STORE_PROPERTY, "JTRACTOR_TLS_KEYSTORE");
    if (ks == null || ks.isBlank()) return null;
    String ksPass = setting(KEY_STORE_PASSWORD_PROPERTY, "JTRACTOR_TLS_KEYSTORE_PASSWORD");
    String ts = setting(TRUST_STORE_PROPERTY, "JTRACTOR_TLS_TRUSTSTORE");
    String tsPass = setting(TRUST_STORE_PASSWORD_PROPERTY, "JTRACTOR_TLS_TRUSTSTORE_PASSWORD");
    char[] kp = ksPass == null ? new char[0] : ksPass.toCharArray();
    return new TlsConfig(Path.of(ks), kp, ts == null || ts.isBlank() ? Path.of(ks) : Path.of(ts), tsPass == null ? kp : tsPass.toCharArray());
  }
}
