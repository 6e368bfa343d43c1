package io.jtractor.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * jtractor as Java modules: a user's module that requires {@code io.jtractor} compiles against its
 * exported packages only, runs on the module path, and spawns a child JVM that runs on the module
 * path too (the child names the module its function was loaded from).
 */
class ModulePathTest {
  private static final String MODULE_INFO = """
      module demo {
        requires io.jtractor;
        opens demo to io.jtractor; // its functions are named by method reference and called reflectively
      }
      """;

  private static final String MAIN = """
      package demo;

      import io.jtractor.Jtractor;
      import io.jtractor.Portal;
      import io.jtractor.Root;

      public class Main {
        public static String where(String who) {
          return who + " runs in module " + Main.class.getModule().getName();
        }

        public static void main(String[] args) {
          try (Root root = Jtractor.openRoot("modroot", Main.class)) {
            root.openNursery(an -> {
              Portal child = an.startActor("modchild", Main.class);
              System.out.println(child.run(Main::where, "the child"));
              an.cancel();
            });
          }
          System.out.println(where("the root"));
        }
      }
      """;

  /** A module that reaches for the runtime's internals does not compile: they are not exported to it. */
  private static final String SNEAKY = """
      package demo;

      public class Sneaky {
        Object actor = io.jtractor.runtime.Actor.current();
      }
      """;

  @Test
  @Timeout(120)
  void aModularProgramSpawnsAModularChild(@TempDir Path tmp) throws Exception {
    String modulePath = jtractorModulePath();
    Path src = tmp.resolve("src");
    Files.createDirectories(src.resolve("demo"));
    Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
    Files.writeString(src.resolve("demo/Main.java"), MAIN);
    Path out = tmp.resolve("out");
    assertThat(compile(modulePath, out, src.resolve("module-info.java"), src.resolve("demo/Main.java"))).as("the module compiles").isZero();

    Program run = Program.start(
        List.of(ProcessHandle.current().info().command().orElseThrow(),
            "-Djtractor.registry=127.0.0.1:0",
            "-Djtractor.configDir=" + System.getProperty("jtractor.configDir"),
            "--module-path", out + File.pathSeparator + modulePath,
            "-m", "demo/demo.Main"),
        null, Map.of());
    assertThat(run.waitFor(90)).as("the program ended; %s", run.transcript()).isTrue();
    assertThat(run.process.exitValue()).as("exit code; %s", run.transcript()).isZero();
    assertThat(run.out).as(run.transcript()).containsExactly("the child runs in module demo", "the root runs in module demo");
    Program.assertNoProcessLeft();
  }

  @Test
  @Timeout(60)
  void theRuntimesInternalsAreNotExportedToUsers(@TempDir Path tmp) throws Exception {
    Path src = tmp.resolve("src");
    Files.createDirectories(src.resolve("demo"));
    Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
    Files.writeString(src.resolve("demo/Sneaky.java"), SNEAKY);
    assertThat(compile(jtractorModulePath(), tmp.resolve("out"), src.resolve("module-info.java"), src.resolve("demo/Sneaky.java")))
        .as("javac refuses io.jtractor.runtime")
        .isNotZero();
  }

  /** jtractor's three modular jars, as the build made them, and the libraries they require. */
  private static String jtractorModulePath() {
    Path root = Program.repositoryRoot();
    String version = System.getProperty("jtractor.version", "0.1.0-SNAPSHOT");
    List<String> path = new ArrayList<>();
    for (String[] m : new String[][] {{"sc", "jtractor-sc"}, {"wire", "jtractor-wire"}, {"runtime", "jtractor"}}) {
      Path jar = root.resolve(m[0]).resolve("target").resolve(m[1] + "-" + version + ".jar");
      assertThat(jar).as("the build made %s (run the tests through the reactor: ./mvnw verify)", jar).exists();
      path.add(jar.toString());
    }
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = Path.of(entry).getFileName().toString();
      if (name.endsWith(".jar") && (name.startsWith("slf4j-") || name.startsWith("jline-"))) path.add(entry);
    }
    return path.stream().collect(Collectors.joining(File.pathSeparator));
  }

  private static int compile(String modulePath, Path out, Path... sources) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> args = new ArrayList<>(List.of("-parameters", "--module-path", modulePath, "-d", out.toString()));
    for (Path s : sources) args.add(s.toString());
    return javac.run(null, null, null, args.toArray(String[]::new));
  }
}
