package io.jtractor;

import io.jtractor.wire.TlsConfig;
import java.nio.file.Path;

/**
 * Test-only TLS key stores, generated at test time with the JDK's {@code keytool} (~1 s; no
 * private key is committed): a self-signed EC certificate in a PKCS12 store that serves as both key
 * store and trust store.
 */
final class TestKeys {
  private TestKeys() {}

  static final String PASSWORD = "test-only";

  /** A new self-signed key store {@code <dir>/<name>.p12}, trusted by itself. */
  static TlsConfig selfSigned(Path dir, String name) throws Exception {
    Path store = dir.resolve(name + ".p12");
    Process p = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
            "-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1", "-alias", name, "-dname", "CN=" + name,
            "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD)
        .redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) throw new IllegalStateException("keytool failed: " + out);
    return new TlsConfig(store, PASSWORD.toCharArray(), store, PASSWORD.toCharArray());
  }
}
