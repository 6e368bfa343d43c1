package io.jtractor.runtime.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtractor.config.Placement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The class path archive shipped to remote hosts: what tar extracts is what was bundled, named by content. */
@Timeout(60)
class ClassPathBundleTest {

  @Test
  void aJarAndADirectoryWithLongNamesExtractAsTheyWereAndTheHashFollowsTheContent(@TempDir Path dir) throws Exception {
    Path classes = dir.resolve("classes");
    String longName = "io/jtractor/" + "very_long_package_name_".repeat(6) + "/A$Inner$Deeper$EvenDeeperThanUstarAllows.class";
    Files.createDirectories(classes.resolve(longName).getParent());
    Files.writeString(classes.resolve(longName), "long");
    Files.writeString(classes.resolve("Short.class"), "short");
    Path jar = dir.resolve("lib.jar");
    Files.write(jar, new byte[] {1, 2, 3, 4, 5});
    String cp = jar + java.io.File.pathSeparator + classes + java.io.File.pathSeparator + dir.resolve("missing.jar");

    ClassPathBundle b = ClassPathBundle.of(cp);
    assertThat(b.entries()).containsExactly("0-lib.jar", "1-classes");
    Path tar = dir.resolve("cp.tar");
    Files.write(tar, b.tar());
    Path out = Files.createDirectories(dir.resolve("out"));
    Process p = new ProcessBuilder("tar", "-xf", tar.toString(), "-C", out.toString()).redirectErrorStream(true).start();
    String err = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(err).isZero();
    assertThat(Files.readAllBytes(out.resolve("0-lib.jar"))).containsExactly(1, 2, 3, 4, 5);
    assertThat(Files.readString(out.resolve("1-classes").resolve(longName))).isEqualTo("long");
    assertThat(Files.readString(out.resolve("1-classes/Short.class"))).isEqualTo("short");

    // The same content under another class path string: the same archive, the same name.
    String cp2 = cp + java.io.File.pathSeparator;
    assertThat(ClassPathBundle.of(cp2).hash()).isEqualTo(b.hash());
    Files.writeString(classes.resolve("Short.class"), "changed");
    assertThat(ClassPathBundle.of(cp + java.io.File.pathSeparator + java.io.File.pathSeparator).hash()).isNotEqualTo(b.hash());
  }

  @Test
  void theBootScriptChecksForAJdk25AndRunsTheRemoteEntryPointWithTheShippedClassPath() {
    String script = RemoteSpawn.bootScript(Placement.onHost("u@h").withJava("/opt/jdk/bin/java"),
        List.of("/usr/bin/java", "-Xss512k", "-XX:AOTCache=/here/child.aot", "-cp", "/local/cp", "io.jtractor.runtime.ChildMain", "--uid", "('a', 'b')"),
        "\"$HOME/.cache/jtractor\"/cp-123/'0-app.jar'");
    assertThat(script)
        .contains("J='/opt/jdk/bin/java'")
        .contains("-ge 25")
        .contains("exit " + RemoteSpawn.NO_JDK)
        .contains("-cp \"$HOME/.cache/jtractor\"/cp-123/'0-app.jar'")
        .contains("'" + RemoteChildMain.class.getName() + "'")
        .contains("'--uid' '('\\''a'\\'', '\\''b'\\'')'")
        .doesNotContain("AOTCache")
        .doesNotContain("/local/cp");
  }
}
