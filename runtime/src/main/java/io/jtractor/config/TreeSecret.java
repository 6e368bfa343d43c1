package io.jtractor.config;

import io.jtractor.wire.Entropy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The secret every member of a tree holds and proves on each connection (see {@code SecretAuth}).
 * A root chooses it; its children receive it from their parent on a pipe, never on a command line
 * or in the environment.
 *
 * <p>Separate programs that must talk to each other (a registrar and the roots that use it, {@code
 * runDaemon}, the CLI's {@code registrar} and {@code ps}) share one explicitly: the {@value #ENV}
 * environment variable if set, else the key file {@code <config dir>/secret} ({@link #keyFile()}),
 * created on first use with 32 random bytes and readable by its owner only. The text (trimmed),
 * at least 16 characters, is stretched into the secret (PBKDF2-HMAC-SHA256, {@value #ROUNDS}
 * rounds), so the same text gives the same secret from either source, and a text chosen by a person
 * costs whoever guesses at it offline that much per guess.
 *
 * <p>The key file is trusted only as a regular file (not a symbolic link) owned by the user running
 * the program, readable by nobody else, in a directory nobody else can write to; anything else is
 * refused with the command that fixes it.
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

  /** PBKDF2 rounds that stretch a text into the secret. */
  public static final int ROUNDS = 210_000;
  /** The PBKDF2 salt: fixed, so that every program derives the same secret from the same text. */
  private static final byte[] SALT = "jtractor tree secret v1".getBytes(StandardCharsets.US_ASCII);
  /** A key file larger than this is not a key file. */
  private static final int MAX_KEY_FILE = 4096;

  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  /** The last text stretched and its secret (stretching costs a fraction of a second); guarded by itself. */
  private static final Map<String, byte[]> STRETCHED = new HashMap<>(2);

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

  /**
   * A key given by the program as bytes (at least 16), used as they are: random bytes, not a text a
   * person chose. A text that other programs read from {@value #ENV} or the key file gives the same
   * secret through {@link #ofText}.
   */
  public static TreeSecret of(byte[] secret) {
    return new TreeSecret(Objects.requireNonNull(secret, "secret"), "the program");
  }

  /**
   * The secret a text stands for, exactly as other programs derive it from the same text in {@value
   * #ENV} or the key file (stretched; at least 16 bytes).
   *
   * @throws IllegalArgumentException if the text is shorter than 16 bytes
   */
  public static TreeSecret ofText(String text) {
    return fromText(Objects.requireNonNull(text, "text").strip(), "the program");
  }

  /** The secret a child actor received from its parent (the runtime's, when it starts a child). */
  public static TreeSecret fromParent(byte[] secret) {
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
    if (env != null && !env.isBlank()) return fromText(env.strip(), ENV);
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
  public static TreeSecret forRoot(InetSocketAddress registry) {
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
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) create(file);
    checkTrusted(file);
    byte[] raw;
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      raw = in.readNBytes(MAX_KEY_FILE + 1);
    }
    if (raw.length > MAX_KEY_FILE) throw new IOException("it is larger than " + MAX_KEY_FILE + " bytes: not a key file");
    return fromText(new String(raw, StandardCharsets.UTF_8).strip(), "the key file " + file);
  }

  /** Refuses a key file that someone other than this user could have written or can read. */
  private static void checkTrusted(Path file) throws IOException {
    if (Files.isSymbolicLink(file)) {
      throw new IOException("it is a symbolic link; the key file must be a regular file where it stands");
    }
    if (!posix(file)) return;
    PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!a.isRegularFile()) throw new IOException("it is not a regular file");
    UserPrincipal me = currentUser(file);
    if (me != null && !a.owner().equals(me)) {
      throw new IOException("it belongs to " + a.owner().getName() + ", not to " + me.getName() + "; run: chown "
          + me.getName() + " " + file);
    }
    if (!OWNER_ONLY.containsAll(a.permissions())) {
      throw new IOException("it is accessible to other users (" + PosixFilePermissions.toString(a.permissions())
          + "); run: chmod 600 " + file);
    }
    Path dir = file.toAbsolutePath().getParent();
    Set<PosixFilePermission> dirPerms = Files.getPosixFilePermissions(dir);
    if (dirPerms.contains(PosixFilePermission.GROUP_WRITE) || dirPerms.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new IOException("its directory can be written by other users (" + PosixFilePermissions.toString(dirPerms)
          + "); run: chmod go-w " + dir);
    }
  }

  /** The user running this program, or null if the platform does not say. */
  private static UserPrincipal currentUser(Path onFileSystemOf) {
    Path self = Path.of("/proc/self");
    try {
      if (Files.exists(self)) return Files.getOwner(self); // Linux: the process's own uid
      return onFileSystemOf.getFileSystem().getUserPrincipalLookupService()
          .lookupPrincipalByName(System.getProperty("user.name"));
    } catch (IOException | UnsupportedOperationException unknown) {
      return null;
    }
  }

  /** The secret a text stands for: the text, at least {@value #MIN_BYTES} bytes, stretched. */
  static TreeSecret fromText(String text, String origin) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    if (utf8.length < MIN_BYTES) new TreeSecret(utf8, origin); // throws: too short
    return new TreeSecret(stretch(text), origin);
  }

  /** PBKDF2-HMAC-SHA256 of {@code text}: {@value #ROUNDS} rounds, a fixed salt, 32 bytes. */
  static byte[] stretch(String text) {
    synchronized (STRETCHED) {
      byte[] known = STRETCHED.get(text);
      if (known != null) return known.clone();
    }
    char[] chars = text.toCharArray();
    byte[] key;
    try {
      SecretKeyFactory pbkdf2 = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
      key = pbkdf2.generateSecret(new PBEKeySpec(chars, SALT, ROUNDS, 256)).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot derive a key (PBKDF2WithHmacSHA256): " + e.getMessage(), e);
    } finally {
      Arrays.fill(chars, '\0');
    }
    synchronized (STRETCHED) {
      STRETCHED.clear();
      STRETCHED.put(text, key.clone());
    }
    return key;
  }

  /**
   * Creates the key file atomically: written in full under a temporary name, then linked to its
   * name, which fails if another program created it meanwhile (that one's secret is then used).
   */
  private static void create(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir); // parents as the umask says; the directory itself owner-only
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

  /**
   * The secret's bytes, a copy: what the runtime proves on each connection and hands a child.
   * Whoever holds a {@code TreeSecret} may read it; never log it.
   */
  public byte[] bytes() {
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
