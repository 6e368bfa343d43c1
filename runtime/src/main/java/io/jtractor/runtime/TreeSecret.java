package io.jtractor.runtime;

import io.jtractor.wire.Entropy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;

/**
 * The secret every member of a tree holds and proves on each connection (see {@code SecretAuth}).
 * A root chooses it; its children receive it from their parent on a pipe, never on a command line
 * or in the environment.
 *
 * <p>Separate programs that must talk to each other (a registrar and the roots that use it, {@code
 * runDaemon}, the CLI's {@code registrar} and {@code ps}) share one explicitly: the {@value #ENV}
 * environment variable if set, else the key file {@code <config dir>/secret} ({@link #keyFile()}),
 * created on first use with 32 random bytes and readable by its owner only. The text (trimmed) is
 * the secret; at least 16 characters.
 *
 * <p>Immutable; never printed.
 */
public final class TreeSecret {
  /** The environment variable holding a shared secret. */
  public static final String ENV = "JTRACTOR_SECRET";
  /** The system property naming the configuration directory (overrides everything else). */
  public static final String CONFIG_DIR_PROPERTY = "jtractor.configDir";
  /** The environment variable naming the configuration directory. */
  public static final String CONFIG_DIR_ENV = "JTRACTOR_CONFIG_DIR";
  /** The least number of bytes a secret may have. */
  public static final int MIN_BYTES = 16;

  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private final byte[] bytes;
  private final String origin;

  private TreeSecret(byte[] bytes, String origin) {
    if (bytes.length < MIN_BYTES) {
      throw new IllegalArgumentException("the secret from " + origin + " is too short: " + bytes.length
          + " bytes, at least " + MIN_BYTES + " needed (e.g. the output of `openssl rand -base64 32`)");
    }
    this.bytes = bytes.clone();
    this.origin = origin;
  }

  /** A fresh random secret, for a tree that talks to no other program. */
  public static TreeSecret random() {
    return new TreeSecret(Entropy.bytes(32), "this tree");
  }

  /** A secret given by the program (at least 16 bytes). */
  public static TreeSecret of(byte[] secret) {
    return new TreeSecret(Objects.requireNonNull(secret, "secret"), "the program");
  }

  /** The secret a child received from its parent. */
  static TreeSecret fromParent(byte[] secret) {
    return new TreeSecret(secret, "the parent");
  }

  /**
   * The secret shared between this user's programs: {@value #ENV} if set, else the key file,
   * created if missing.
   *
   * @throws UncheckedIOException if the key file cannot be read or created, or is readable by
   *     others
   * @throws IllegalArgumentException if the secret is shorter than 16 bytes
   */
  public static TreeSecret shared() {
    String env = System.getenv(ENV);
    if (env != null && !env.isBlank()) return new TreeSecret(env.strip().getBytes(StandardCharsets.UTF_8), ENV);
    Path file = keyFile();
    try {
      return fromKeyFile(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use the jtractor key file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * What a root uses when its configuration names no secret: the shared one if {@value #ENV} is set
   * or the root uses a registrar at a fixed address (other programs may meet it there), else a
   * random one of its own.
   */
  static TreeSecret forRoot(InetSocketAddress registry) {
    String env = System.getenv(ENV);
    boolean sharedRegistrar = registry != null && registry.getPort() != 0;
    return (env != null && !env.isBlank()) || sharedRegistrar ? shared() : random();
  }

  /**
   * The key file: {@code secret} in the configuration directory, which is the {@value
   * #CONFIG_DIR_PROPERTY} system property, else {@value #CONFIG_DIR_ENV}, else {@code
   * $XDG_CONFIG_HOME/jtractor}, else {@code ~/.config/jtractor} ({@code %APPDATA%\jtractor} on
   * Windows).
   */
  public static Path keyFile() {
    return configDir().resolve("secret");
  }

  static Path configDir() {
    String dir = System.getProperty(CONFIG_DIR_PROPERTY);
    if (dir == null || dir.isBlank()) dir = System.getenv(CONFIG_DIR_ENV);
    if (dir != null && !dir.isBlank()) return Path.of(dir);
    String xdg = System.getenv("XDG_CONFIG_HOME");
    if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "jtractor");
    String appData = System.getenv("APPDATA");
    if (appData != null && System.getProperty("os.name", "").startsWith("Windows")) return Path.of(appData, "jtractor");
    return Path.of(System.getProperty("user.home"), ".config", "jtractor");
  }

  /** Reads {@code file}, creating it first (owner-only, 32 random bytes in base64) if it is missing. */
  static TreeSecret fromKeyFile(Path file) throws IOException {
    if (!Files.exists(file)) create(file);
    if (posix(file)) {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (!OWNER_ONLY.containsAll(perms)) {
        throw new IOException("it is accessible to other users (" + PosixFilePermissions.toString(perms) + "); run: chmod 600 " + file);
      }
    }
    String text = Files.readString(file, StandardCharsets.UTF_8).strip();
    return new TreeSecret(text.getBytes(StandardCharsets.UTF_8), "the key file " + file);
  }

  /**
   * Creates the key file atomically: written in full under a temporary name, then linked to its
   * name, which fails if another program created it meanwhile (that one's secret is then used).
   */
  private static void create(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir);
      if (posix(dir)) Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
    byte[] key = Entropy.bytes(32);
    byte[] text = (Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII);
    boolean posix = posix(dir);
    Path tmp = posix
        ? Files.createTempFile(dir, ".secret", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
        : Files.createTempFile(dir, ".secret", ".tmp");
    try {
      Files.write(tmp, text);
      try {
        Files.createLink(file, tmp);
      } catch (FileAlreadyExistsException raced) {
        // another program made it first: use theirs
      } catch (UnsupportedOperationException | IOException noLinks) {
        if (!Files.exists(file)) Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static boolean posix(Path p) {
    return p != null && Files.exists(p) && p.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  /** The secret's bytes (a copy). */
  byte[] bytes() {
    return bytes.clone();
  }

  /** Where it came from, for messages: "this tree", "JTRACTOR_SECRET", "the key file ...". */
  public String origin() {
    return origin;
  }

  @Override
  public String toString() {
    return "TreeSecret[from " + origin + "]";
  }
}
