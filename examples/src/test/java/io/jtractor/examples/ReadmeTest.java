package io.jtractor.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * README.md's "Use jtractor in your project" cannot rot: its pom and program are extracted, built
 * with Maven against this build's artifacts, and run, and the output must be what the README
 * says it is.
 *
 * <p>The artifacts are laid out in a private local repository exactly as the README's install
 * command would install them (a test must not write into the user's own repository); Maven finds
 * its plugins in the user's repository behind it ({@code maven.repo.local.tail}).
 */
@DisplayName("README: a user's own project, from the README to its output")
class ReadmeTest {
  private static final String SECTION = "## Use jtractor in your project";

  @Test
  @Timeout(300)
  void theReadmesProjectBuildsAndPrintsWhatTheReadmeSays(@TempDir Path tmp) throws Exception {
    Path root = Program.repositoryRoot();
    String section = section(Files.readString(root.resolve("README.md")));
    String pom = block(section, "xml");
    String program = block(section, "java");
    List<String> expected = block(section, "text").lines().toList();

    Path project = tmp.resolve("project");
    Files.createDirectories(project);
    Files.writeString(project.resolve("pom.xml"), pom);
    Path source = project.resolve("src/main/java").resolve(sourcePath(program));
    Files.createDirectories(source.getParent());
    Files.writeString(source, program);

    Path repo = tmp.resolve("repo");
    String version = System.getProperty("jtractor.version", "0.1.0-SNAPSHOT");
    install(repo, "jtractor-parent", version, root.resolve("pom.xml"), null);
    install(repo, "jtractor-bom", version, root.resolve("bom/pom.xml"), null);
    for (String[] m : new String[][] {{"sc", "jtractor-sc"}, {"wire", "jtractor-wire"}, {"runtime", "jtractor"}}) {
      Path module = root.resolve(m[0]);
      install(repo, m[1], version, module.resolve("pom.xml"), module.resolve("target").resolve(m[1] + "-" + version + ".jar"));
    }

    String userRepo = System.getProperty("jtractor.userRepository", System.getProperty("user.home") + "/.m2/repository");
    Program build = Program.start(
        List.of(root.resolve("mvnw").toString(), "-B", "-q",
            "-Dmaven.repo.local=" + repo, "-Dmaven.repo.local.tail=" + userRepo,
            "compile", "exec:exec"),
        project.toFile(),
        Map.of(
            // A private registrar on a free port: never the shared default port 1616.
            "JTRACTOR_REGISTRY", "127.0.0.1:0",
            // The secret programs share: the test's key file, never the user's.
            "JTRACTOR_CONFIG_DIR", System.getProperty("jtractor.configDir"),
            // Maven and the program on this JDK: with no toolchain to select (Maven already runs
            // on a JDK 25), exec:exec runs the first "java" on the PATH.
            "JAVA_HOME", System.getProperty("java.home"),
            "PATH", Path.of(System.getProperty("java.home"), "bin") + java.io.File.pathSeparator + System.getenv("PATH")));
    boolean exited = build.waitFor(240);
    assertThat(exited).as("the build and run finished; %s", build.transcript()).isTrue();
    assertThat(build.process.exitValue()).as("exit code; %s", build.transcript()).isZero();
    assertThat(build.out).as("the program's output; %s", build.transcript()).containsSubsequence(expected);
    assertThat(build.err).as("nothing on stderr (no warning)").noneMatch(l -> l.contains("WARNING"));
    Program.assertNoProcessLeft();
  }

  /** The README's section for users, up to the next section. */
  private static String section(String readme) {
    int start = readme.indexOf(SECTION);
    assertThat(start).as("README.md has a section '%s'", SECTION).isNotNegative();
    int end = readme.indexOf("\n## ", start + SECTION.length());
    return end < 0 ? readme.substring(start) : readme.substring(start, end);
  }

  /** The first fenced block of {@code language} in {@code text}. */
  private static String block(String text, String language) {
    Matcher m = Pattern.compile("```" + language + "\\n(.*?)\\n```", Pattern.DOTALL).matcher(text);
    assertThat(m.find()).as("a ```%s block", language).isTrue();
    return m.group(1) + "\n";
  }

  /** Where a class's source goes: its package's folders and its public class's name. */
  private static Path sourcePath(String program) {
    Matcher pkg = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE).matcher(program);
    Matcher cls = Pattern.compile("^public (?:final )?class (\\w+)", Pattern.MULTILINE).matcher(program);
    assertThat(cls.find()).as("a public class in the program").isTrue();
    Path dir = pkg.find() ? Path.of(pkg.group(1).replace('.', '/')) : Path.of("");
    return dir.resolve(cls.group(1) + ".java");
  }

  /** Lays out one artifact as {@code mvn install} would: its pom, and its jar if it has one. */
  private static void install(Path repo, String artifact, String version, Path pom, Path jar) throws IOException {
    Path dir = repo.resolve("io/jtractor").resolve(artifact).resolve(version);
    Files.createDirectories(dir);
    Files.copy(pom, dir.resolve(artifact + "-" + version + ".pom"), StandardCopyOption.REPLACE_EXISTING);
    if (jar != null) {
      assertThat(jar).as("the build made %s (run the tests through the reactor: ./mvnw verify)", jar).exists();
      Files.copy(jar, dir.resolve(artifact + "-" + version + ".jar"), StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
