package io.jtractor.examples.debugging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The root's own crashes and pauses when the root runs under a JDWP agent: its helper JVM stops it
 * at the throw site (or at the pause), and the root's REPL reads its live variables through the
 * helper. Driven through the root's terminal as {@link DebuggerTest} does; closing the {@link
 * Terminal} checks that no process is left, the helper included.
 */
@DisplayName("the root's own stops under a JDWP agent, through its helper JVM")
class RootUnderAgentTest {
  private static final Duration PROMPT = Duration.ofSeconds(15);
  private static final Duration EXIT = Duration.ofSeconds(15);

  @Test
  @Timeout(40)
  void rootErrorUnderAnAgentStopsAtTheThrowSiteWithItsVariables() throws Exception {
    try (Terminal t = Terminal.startUnderAgent(RootActorError.class)) {
      String first = t.expectPrompt(PROMPT);
      assertThat(first).contains("Attaching to debugger in crashed actor: ('root'", "java.lang.AssertionError: assert 0",
          "> io.jtractor.examples.debugging.RootActorError.main(RootActorError.java:", "-> if (zero == 0) throw new AssertionError(\"assert 0\");")
          .doesNotContain("no variables");
      t.send("locals");
      assertThat(t.expectPrompt(PROMPT)).contains("zero = 0", "root = io.jtractor.Root@");
      t.send("print zero");
      assertThat(t.expectPrompt(PROMPT)).contains("0");
      t.send("print nosuchname");
      assertThat(t.expectPrompt(PROMPT)).contains("*** no variable or field named 'nosuchname'");
      t.send("where");
      assertThat(t.expectPrompt(PROMPT)).contains("> #0  io.jtractor.examples.debugging.RootActorError.main(RootActorError.java:");
      t.send("c");
      String rest = t.expectExit(EXIT);
      assertThat(rest).contains("java.lang.AssertionError: assert 0").doesNotContain("Attaching", "DebuggerQuit");
      assertThat(t.process().exitValue()).isEqualTo(1);
    }
  }

  @Test
  @Timeout(40)
  void rootErrorUnderAnAgentThenQuitRaisesDebuggerQuit() throws Exception {
    try (Terminal t = Terminal.startUnderAgent(RootActorError.class)) {
      t.expectPrompt(PROMPT);
      t.send("q");
      String rest = t.expectExit(EXIT);
      assertThat(rest).contains("io.jtractor.errors.DebuggerQuit", "Caused by: java.lang.AssertionError: assert 0").doesNotContain("Attaching");
      assertThat(t.process().exitValue()).isEqualTo(1);
    }
  }

  @Test
  @Timeout(40)
  void rootPauseUnderAnAgentShowsItsVariablesAndContinues() throws Exception {
    try (Terminal t = Terminal.startUnderAgent(RootActorBreakpoint.class)) {
      String first = t.expectPrompt(PROMPT);
      assertThat(first).contains("Attaching debugger to actor: ('root'", "> io.jtractor.examples.debugging.RootActorBreakpoint.main(",
          "-> Jtractor.pause();").doesNotContain("Error", "jtractor debugger:");
      t.send("locals");
      assertThat(t.expectPrompt(PROMPT)).contains("root = io.jtractor.Root@", "args = java.lang.String[0] {}");
      t.send("print args.length");
      assertThat(t.expectPrompt(PROMPT)).contains("0");
      t.send("c");
      assertThat(t.expectExit(EXIT)).doesNotContain("Error", "Attaching");
      assertThat(t.process().exitValue()).isZero();
    }
  }

  @Test
  @Timeout(40)
  void rootPauseUnderAnAgentThenQuitRaisesDebuggerQuit() throws Exception {
    try (Terminal t = Terminal.startUnderAgent(RootActorBreakpoint.class)) {
      t.expectPrompt(PROMPT);
      t.send("q");
      assertThat(t.expectExit(EXIT)).contains("io.jtractor.errors.DebuggerQuit: quit at a pause", "RootActorBreakpoint.main(");
      assertThat(t.process().exitValue()).isEqualTo(1);
    }
  }

  @Test
  @Timeout(60)
  void aChildCrashAndTheRootsOwnCrashUnderAnAgentAreServedOneByOne() throws Exception {
    try (Terminal t = Terminal.startUnderAgent(MultiSubactorRootErrors.class)) {
      List<String> stops = new ArrayList<>();
      String rootLocals = null;
      for (String text = t.expectPrompt(PROMPT); text != null; text = t.nextPromptOrExit(PROMPT)) {
        stops.add(text);
        assertThat(stops).as("too many stops").hasSizeLessThan(20);
        if ("root".equals(Terminal.promptActor(text)) && text.contains("assert 0") && rootLocals == null) {
          t.send("locals");
          rootLocals = t.expectPrompt(PROMPT);
        }
        if ("name_error".equals(Terminal.promptActor(text))) {
          // Continuing lets name_error's failure reach the root, whose nursery then cancels its
          // body (jtractor does not wait for the body's end as tractor's bug #287 does). Continue
          // only once spawn_error runs its function (its own child exists): the body has then
          // passed its last checkpoint, and reaches its own crash, as in tractor.
          awaitActorProcess(t, "name_error_1");
        }
        t.send("c");
      }
      String all = String.join("\n", stops);
      assertThat(all).contains(
          "Attaching to debugger in crashed actor: ('name_error'",
          "\"doggypants\" is null",
          "Attaching to debugger in crashed actor: ('root'",
          "-> if (zero == 0) throw new AssertionError(\"assert 0\");");
      for (String s : stops) assertThat(s.split("Attaching ", -1)).as(s).hasSize(2);
      assertThat(rootLocals).contains("zero = 0", "portal = Portal[name_error");
      assertThat(t.process().exitValue()).isEqualTo(1);
    }
  }

  /** Waits until a descendant JVM of the terminal's program runs actor {@code name}. */
  private static void awaitActorProcess(Terminal t, String name) throws InterruptedException {
    long deadline = System.nanoTime() + PROMPT.toNanos();
    while (t.actorProcesses(name).isEmpty()) {
      assertThat(System.nanoTime() - deadline).as("a JVM for actor %s within %s", name, PROMPT).isNegative();
      Thread.sleep(20);
    }
  }

  @Test
  @Timeout(40)
  void ctrlCAtTheRootsPromptUnderAnAgentRedrawsItAndKeepsTheHelper() throws Exception {
    try (Terminal t = Terminal.startOnPtyUnderAgent(RootActorBreakpoint.class)) {
      assertThat(t.expectPrompt(PROMPT)).contains("Attaching debugger to actor: ('root'");
      for (int i = 0; i < 2; i++) {
        Thread.sleep(100);
        t.type("\u0003");
        assertThat(Terminal.promptActor(t.expectPrompt(PROMPT))).isEqualTo("root");
      }
      t.send("print args.length"); // the helper ignored Ctrl-C: it still reads the root's frames
      t.expectPromptAfter("0", PROMPT);
      t.send("c");
      assertThat(t.expectExit(EXIT)).doesNotContain("Error", "helper");
    }
  }

  @Test
  @Timeout(40)
  void anAgentTheHelperCannotAttachToLeavesTheInProcessDebuggerWithOneLine() throws Exception {
    try (Terminal t = Terminal.startUnderAgent(RootActorError.class, "-XX:+DisableAttachMechanism")) {
      String first = t.expectPrompt(PROMPT);
      assertThat(first).contains("jtractor debugger: the root's helper could not attach to its JDWP agent (",
          "Attaching to debugger in crashed actor: ('root'", "java.lang.AssertionError: assert 0");
      assertThat(first.split("jtractor debugger:", -1)).hasSize(2);
      t.send("locals");
      assertThat(t.expectPrompt(PROMPT)).contains("the root's own frames show no variables");
      t.send("c");
      assertThat(t.expectExit(EXIT)).contains("AssertionError");
    }
  }

  @Test
  @Timeout(40)
  void aChildsErrorReachingTheRootUnderAnAgentStopsWhereTheRootAskedForTheResult() throws Exception {
    try (Terminal t = Terminal.startUnderAgent(SubactorError.class)) {
      assertThat(t.expectPrompt(PROMPT)).contains("Attaching to debugger in crashed actor: ('nameError'");
      t.send("c");
      String root = t.expectPrompt(PROMPT);
      assertThat(root).contains("Attaching to debugger in crashed actor: ('root'", "io.jtractor.errors.RemoteActorError: NullPointerException in ('nameError'",
          "> io.jtractor.examples.debugging.SubactorError.lambda$main$0(SubactorError.java:", "-> portal.result();");
      t.send("print portal");
      assertThat(t.expectPrompt(PROMPT)).contains("Portal[nameError@");
      t.send("c");
      String rest = t.expectExit(EXIT);
      assertThat(rest).contains("RemoteActorError").doesNotContain("Attaching");
      assertThat(t.process().exitValue()).isEqualTo(1);
    }
  }

  @Test
  @Timeout(40)
  void endOfInputAtTheRootsPromptUnderAnAgentQuits() throws Exception {
    try (Terminal t = Terminal.startUnderAgent(RootActorError.class)) {
      t.expectPrompt(PROMPT);
      t.closeInput();
      String rest = t.expectExit(EXIT);
      assertThat(rest).contains("(end of input: quit)", "io.jtractor.errors.DebuggerQuit", "AssertionError: assert 0");
      assertThat(t.process().exitValue()).isEqualTo(1);
    }
  }

  @Test
  @Timeout(40)
  void theHelperEndsByItselfWhenTheRootIsKilled() throws Exception {
    try (Terminal t = Terminal.startUnderAgent(RootActorBreakpoint.class)) {
      t.expectPrompt(PROMPT);
      List<ProcessHandle> helper = t.process().descendants()
          .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains("io.jtractor.runtime.debug.RootHelper")).orElse(false))
          .toList();
      assertThat(helper).hasSize(1);
      t.process().destroyForcibly(); // SIGKILL: no shutdown hook, nothing tells the helper but its pipe and the pid
      helper.getFirst().onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(helper.getFirst().isAlive()).isFalse();
    }
  }
}
