package io.jtractor;

import static io.jtractor.ProcessAssertions.assertNoProcessLeft;
import static org.assertj.core.api.Assertions.assertThat;

import io.jtractor.funcs.Funcs;
import io.jtractor.runtime.debug.FrontEnd;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Debug mode off (the default) is free: no JDWP agent on any child's command line, no helper JVM
 * for the root, no debugger front end or thread in the root, and {@link Jtractor#pause()} returns at once. (The debugger
 * itself is tested through whole programs: {@code DebuggerTest} in the examples module.)
 */
@DisplayName("debug mode off: no agent, no helper, no front end, no thread")
class DebugModeOffTest {

  @AfterEach
  void noProcessLeft() {
    assertNoProcessLeft();
  }

  @Test
  @Timeout(30)
  void childrenCarryNoJdwpAgentAndTheRootStartsNoDebugger() {
    try (Root root = Jtractor.openRoot("root", Funcs.class)) {
      List<String> commandLines = root.callNursery(an -> {
        Portal daemon = an.startActor("daemon", Funcs.class);
        Portal middle = an.startActor("middle", Funcs.class);
        long pid = daemon.run(Funcs::pid);
        List<String> lines = ProcessHandle.current().descendants()
            .map(p -> p.info().arguments().map(a -> String.join(" ", a)).orElse(""))
            .filter(a -> a.contains("io.jtractor.runtime.ChildMain"))
            .toList();
        assertThat(pid).isPositive();
        middle.cancelActor();
        daemon.cancelActor();
        return lines;
      });
      assertThat(commandLines).hasSize(2).noneMatch(a -> a.contains("jdwp"));
      Jtractor.pause(); // outside debug mode: a warning, and on
    }
    assertThat(ProcessHandle.current().descendants().map(p -> p.info().commandLine().orElse("")))
        .noneMatch(c -> c.contains("RootHelper"));
    assertThat(FrontEnd.existing()).isNull();
    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("jtractor-debugger"));
  }
}
