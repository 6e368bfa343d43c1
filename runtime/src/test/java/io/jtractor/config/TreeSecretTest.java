package io.jtractor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("the secret separate programs share: the key file")
class TreeSecretTest {

  @Test
  void theKeyFileIsCreatedOnFirstUseReadableByItsOwnerOnlyAndThenReused(@TempDir Path home) throws Exception {
    Path file = home.resolve("cfg").resolve("jtractor").resolve("secret");
    TreeSecret first = TreeSecret.fromKeyFile(file);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
    assertThat(Files.readString(file).strip()).hasSize(44); // 32 random bytes, base64
    assertThat(TreeSecret.fromKeyFile(file).bytes()).isEqualTo(first.bytes());
    assertThat(first.toString()).doesNotContain(Files.readString(file).strip()).contains(file.toString());
    try (var listing = Files.list(file.getParent())) {
      assertThat(listing.toList()).containsExactly(file); // no temporary file left
    }
  }

  @Test
  void programsCreatingItAtOnceAllGetTheSameSecret(@TempDir Path home) throws Exception {
    Path file = home.resolve("secret");
    try (var pool = Executors.newFixedThreadPool(8)) {
      Callable<byte[]> read = () -> TreeSecret.fromKeyFile(file).bytes();
      List<Future<byte[]>> all = pool.invokeAll(java.util.Collections.nCopies(8, read));
      byte[] one = all.getFirst().get();
      for (Future<byte[]> f : all) assertThat(f.get()).isEqualTo(one);
    }
  }

  @Test
  void aKeyFileOthersCanReadIsRefusedWithTheFix(@TempDir Path home) throws Exception {
    Path file = home.resolve("secret");
    Files.writeString(file, "a secret that others can read\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> TreeSecret.fromKeyFile(file)).isInstanceOf(IOException.class).hasMessageContaining("chmod 600 " + file);
  }

  @Test
  void aSecretShorterThanSixteenBytesIsRefused(@TempDir Path home) throws Exception {
    assertThatThrownBy(() -> TreeSecret.of("short".getBytes())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 16");
    Path file = home.resolve("secret");
    Files.writeString(file, "short\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    assertThatThrownBy(() -> TreeSecret.fromKeyFile(file)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theTestsKeyFileLivesUnderTheBuildDirectoryNotTheUsersConfiguration() {
    assertThat(TreeSecret.keyFile().toString()).endsWith(Path.of("target", "jtractor-config", "secret").toString());
  }

  @Test
  void aRootChoosesTheSharedSecretOnlyWhenOtherProgramsMayMeetIt() {
    assertThat(TreeSecret.forRoot(null).origin()).isEqualTo("this tree");
    assertThat(TreeSecret.forRoot(new java.net.InetSocketAddress("127.0.0.1", 0)).origin()).isEqualTo("this tree");
    assertThat(TreeSecret.forRoot(new java.net.InetSocketAddress("127.0.0.1", 1616)).origin()).contains("key file");
  }

  @Test
  void aTextGivesTheSameStretchedSecretFromEverySourceAndNeverItsOwnBytes(@TempDir Path home) throws Exception {
    String text = "a text that several programs share";
    Path file = home.resolve("secret");
    ownerOnly(file, text + "\n");
    byte[] fromFile = TreeSecret.fromKeyFile(file).bytes();
    assertThat(fromFile).isEqualTo(TreeSecret.ofText(text).bytes()).isEqualTo(TreeSecret.fromText(text, TreeSecret.ENV).bytes());
    assertThat(fromFile).hasSize(32).isNotEqualTo(text.getBytes());
    assertThat(TreeSecret.ofText(text + "!").bytes()).isNotEqualTo(fromFile);
    // PBKDF2-HMAC-SHA256 with the documented rounds and salt, checked against the JDK's own.
    var pbkdf2 = javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
    byte[] expected = pbkdf2.generateSecret(new javax.crypto.spec.PBEKeySpec(
        text.toCharArray(), "jtractor tree secret v1".getBytes(), TreeSecret.ROUNDS, 256)).getEncoded();
    assertThat(fromFile).isEqualTo(expected);
    assertThatThrownBy(() -> TreeSecret.ofText("too short")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 16");
  }

  @Test
  void aKeyFileThatIsASymbolicLinkIsRefused(@TempDir Path home) throws Exception {
    Path real = home.resolve("elsewhere");
    ownerOnly(real, "a secret somebody else placed\n");
    Path file = home.resolve("secret");
    Files.createSymbolicLink(file, real);
    assertThatThrownBy(() -> TreeSecret.fromKeyFile(file)).isInstanceOf(IOException.class).hasMessageContaining("symbolic link");
  }

  @Test
  void aKeyFileOfAnotherUserIsRefusedWithTheFix(@TempDir Path home) throws Exception {
    Path file = home.resolve("secret");
    ownerOnly(file, "a secret another user wrote\n");
    var nobody = file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    try {
      Files.setOwner(file, nobody);
    } catch (IOException notRoot) {
      org.junit.jupiter.api.Assumptions.abort("only root can give a file away here: " + notRoot);
    }
    assertThatThrownBy(() -> TreeSecret.fromKeyFile(file)).isInstanceOf(IOException.class).hasMessageContaining("belongs to nobody").hasMessageContaining("chown");
  }

  @Test
  void aKeyFileInADirectoryOthersCanWriteIsRefused(@TempDir Path home) throws Exception {
    Path dir = Files.createDirectory(home.resolve("shared"));
    Path file = dir.resolve("secret");
    ownerOnly(file, "a secret in a directory others can write\n");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwx---"));
    assertThatThrownBy(() -> TreeSecret.fromKeyFile(file)).isInstanceOf(IOException.class).hasMessageContaining("chmod go-w " + dir);
  }

  @Test
  void somethingTooLargeToBeAKeyFileIsRefused(@TempDir Path home) throws Exception {
    Path file = home.resolve("secret");
    ownerOnly(file, "x".repeat(10_000));
    assertThatThrownBy(() -> TreeSecret.fromKeyFile(file)).isInstanceOf(IOException.class).hasMessageContaining("not a key file");
  }

  /** Writes {@code text} to {@code file}, readable by its owner only. */
  private static void ownerOnly(Path file, String text) throws IOException {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
  }
}
