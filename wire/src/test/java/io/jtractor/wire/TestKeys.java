package io.jtractor.wire;

import java.nio.file.Path;

/**
 * Test-only key stores, generated at test time with the JDK's {@code keytool} (no private key is
 * committed): a self-signed EC certificate in a PKCS12 store, which serves as both the key store
 * and the trust store.
 */
public final class TestKeys {
  private TestKeys() {}

  /** The password of every store made here. */
  public static final String PASSWORD = "test-only";

  /** A new self-signed key store {@code <dir>/<name>.p12}, trusted by itself. */
  public static TlsConfig selfSigned(Path dir, String name) throws Exception {
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
