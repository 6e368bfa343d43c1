package io.jtractor.wire;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;

/**
 * Random bytes for nonces and secrets from the operating system's generator: {@code /dev/urandom}
 * where there is one (what the JDK's default {@code SecureRandom} reads on Linux, without loading
 * the security providers, ~50 ms in a fresh JVM), else {@link SecureRandom}.
 */
public final class Entropy {
  private Entropy() {}

  /** {@code n} random bytes. */
  public static byte[] bytes(int n) {
    byte[] b = new byte[n];
    try (InputStream in = new FileInputStream("/dev/urandom")) {
      if (in.readNBytes(b, 0, n) == n) return b;
    } catch (IOException | SecurityException noDevice) {
      // not a Unix: the JDK's generator
    }
    Holder.RANDOM.nextBytes(b);
    return b;
  }

  private static final class Holder {
    static final SecureRandom RANDOM = new SecureRandom();
  }
}
