package io.jtractor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The runtime layer stands below the public API: its code may raise the API's error types (leaf
 * classes the runtime boxes and unboxes) but uses nothing else of package {@code io.jtractor}.
 * Maven modules enforce the layers between modules; this enforces the one inside this module, and
 * that the API leaves the protocol to the runtime.
 */
class LayeringTest {
  private static final Set<String> ERRORS_THE_RUNTIME_MAY_RAISE =
      Set.of("ActorFailure", "AttributeError", "ConnectionLost", "ContextCancelled", "DebuggerQuit", "KeyError", "ModuleNotExposed", "RemoteActorError", "TypeError");

  @Test
  void theRuntimeUsesOnlyTheErrorTypesOfThePublicApi() throws IOException {
    Pattern apiImport = Pattern.compile("^import io\\.jtractor\\.([A-Z]\\w*);", Pattern.MULTILINE);
    Pattern apiReference = Pattern.compile("\\bio\\.jtractor\\.([A-Z]\\w*)\\b");
    List<String> violations = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java/io/jtractor/runtime"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String src = Files.readString(f);
        for (Pattern p : List.of(apiImport, apiReference)) {
          Matcher m = p.matcher(src);
          while (m.find()) {
            if (!ERRORS_THE_RUNTIME_MAY_RAISE.contains(m.group(1))) {
              violations.add(f.getFileName() + " uses io.jtractor." + m.group(1));
            }
          }
        }
      }
    }
    assertThat(violations).isEmpty();
  }

  /**
   * The public API says nothing on the wire itself: it builds and matches no protocol message
   * (that is the runtime's, e.g. {@code ContextOpening}), so the protocol lives in one layer.
   */
  @Test
  void thePublicApiBuildsNoWireMessages() throws IOException {
    Pattern message = Pattern.compile("\\bMsg\\.(Cmd|Yield|Stop|Started|Return|Error|Functype|Credit|Sentinel)\\b");
    List<String> violations = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java/io/jtractor"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java") && !p.toString().contains("/runtime/")).toList()) {
        Matcher m = message.matcher(Files.readString(f));
        while (m.find()) violations.add(f.getFileName() + " uses Msg." + m.group(1));
      }
    }
    assertThat(violations).isEmpty();
  }
}
