package io.jtractor.examples.debugging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Java twins of tractor's {@code test_debugger.py}: each runs a program of {@code
 * io.jtractor.examples.debugging} in a JVM of its own, answers its debugger prompts through its
 * stdin (a pseudo-terminal where Ctrl-C matters), and asserts on the transcript. Names: Python's
 * {@code NameError} is a {@code NullPointerException} here, {@code bdb.BdbQuit} a {@code
 * DebuggerQuit}, the prompt {@code (jtractor-debug <actor>)}.
 */
@DisplayName("the multi-process debugger, driven through the root's terminal")
class DebuggerTest {
  private static final Duration PROMPT = Duration.ofSeconds(15);
  private static final Duration EXIT = Duration.ofSeconds(15);

  @Test
  @Timeout(40)
  void rootErrorThenContinueRaisesTheError() throws Exception {
    try (Terminal t = Terminal.start(RootActorError.class)) {
      String first = t.expectPrompt(PROMPT);
      assertThat(first).contains("Attaching to debugger in crashed actor: ('root'", "java.lang.AssertionError: assert 0",
          "RootActorError.main(RootActorError.java:");
      t.send("c");
      assertThat(t.expectExit(EXIT)).contains("AssertionError");
      assertThat(t.process().exitValue()).isEqualTo(1);
    }
  }

  @Test
  @Timeout(40)
  void rootErrorThenQuitRaisesDebuggerQuit() throws Exception {
    try (Terminal t = Terminal.start(RootActorError.class)) {
      t.expectPrompt(PROMPT);
      t.send("q");
      assertThat(t.expectExit(EXIT)).contains("io.jtractor.errors.DebuggerQuit", "AssertionError");
    }
  }

  @Test
  @Timeout(40)
  void rootBreakpointShowsItsFrameAndContinues() throws Exception {
    try (Terminal t = Terminal.start(RootActorBreakpoint.class)) {
      String first = t.expectPrompt(PROMPT);
      assertThat(first).contains("Attaching debugger to actor: ('root'",
          "jtractor debugger: the root's own crashes and pauses show frames and source but no variables; to stop the root"
              + " at its frames run it with -agentlib:jdwp=").doesNotContain("Error");
      t.send("where");
      assertThat(t.expectPrompt(PROMPT)).contains("> #0  io.jtractor.examples.debugging.RootActorBreakpoint.main(RootActorBreakpoint.java:");
      t.send("list");
      assertThat(t.expectPrompt(PROMPT)).containsPattern("\\d+ ->\\s+Jtractor\\.pause\\(\\);");
      t.send("locals");
      assertThat(t.expectPrompt(PROMPT)).contains("the root's own frames show no variables");
      t.send("c");
      assertThat(t.expectExit(EXIT)).doesNotContain("Error");
      assertThat(t.process().exitValue()).isZero();
    }
  }

  @Test
  @Timeout(40)
  void rootBreakpointThenQuitRaisesDebuggerQuit() throws Exception {
    try (Terminal t = Terminal.start(RootActorBreakpoint.class)) {
      t.expectPrompt(PROMPT);
      t.send("q");
      assertThat(t.expectExit(EXIT)).contains("io.jtractor.errors.DebuggerQuit");
      assertThat(t.process().exitValue()).isEqualTo(1);
    }
  }

  @Test
  @Timeout(40)
  void subactorErrorStopsWhereItWasThrownThenInTheRoot() throws Exception {
    try (Terminal t = Terminal.start(SubactorError.class)) {
      String first = t.expectPrompt(PROMPT);
      assertThat(first).contains("Attaching to debugger in crashed actor: ('nameError'", "java.lang.NullPointerException",
          "\"doggypants\" is null", "> io.jtractor.examples.debugging.SubactorError.nameError(SubactorError.java:",
          "-> System.out.println(doggypants.length());");
      assertThat(Terminal.promptActor(first)).isEqualTo("nameError");
      t.send("where");
      assertThat(t.expectPrompt(PROMPT)).contains("> #0  io.jtractor.examples.debugging.SubactorError.nameError(SubactorError.java:",
          "io.jtractor.runtime.Dispatcher.runRpc(");
      t.send("locals");
      assertThat(t.expectPrompt(PROMPT)).contains("doggypants = null");
      t.send("print doggypants");
      assertThat(t.expectPrompt(PROMPT)).contains("null");
      t.send("print doggypants.value");
      assertThat(t.expectPrompt(PROMPT)).contains("*** 'doggypants' is null: it has no field 'value'");
      t.send("print nosuchname");
      assertThat(t.expectPrompt(PROMPT)).contains("*** no variable or field named 'nosuchname'");
      t.send("list");
      assertThat(t.expectPrompt(PROMPT)).containsPattern("\\d+ ->\\s+System\\.out\\.println\\(doggypants\\.length\\(\\)\\);");
      t.send("down");
      assertThat(t.expectPrompt(PROMPT)).contains("*** already at the innermost frame");
      t.send("up");
      assertThat(t.expectPrompt(PROMPT)).contains("> java.lang.invoke");
      t.send("next");
      assertThat(t.expectPrompt(PROMPT)).contains("*** unknown command 'next'");
      t.send("help");
      assertThat(t.expectPrompt(PROMPT)).contains("continue (c)", "quit (q)");
      t.send("c");
      String second = t.expectPrompt(PROMPT);
      assertThat(second).contains("Attaching to debugger in crashed actor: ('root'", "io.jtractor.errors.RemoteActorError: NullPointerException in ('nameError'");
      t.send("c");
      assertThat(t.expectExit(EXIT)).contains("RemoteActorError");
      assertThat(t.process().exitValue()).isEqualTo(1);
    }
  }

  @Test
  @Timeout(40)
  void subactorBreakpointPausesAgainAfterEachContinueAndQuitEndsIt() throws Exception {
    try (Terminal t = Terminal.start(SubactorBreakpoint.class)) {
      assertThat(t.expectPrompt(PROMPT)).contains("Attaching debugger to actor: ('breakpointForever'", "-> Jtractor.pause();");
      t.send("print round");
      assertThat(t.expectPrompt(PROMPT)).contains("1");
      for (int i = 0; i < 3; i++) {
        t.send("c");
        assertThat(t.expectPrompt(PROMPT)).contains("Attaching debugger to actor: ('breakpointForever'");
      }
      t.send("print round");
      assertThat(t.expectPrompt(PROMPT)).contains("4");
      t.send("q");
      String root = t.expectPrompt(PROMPT);
      assertThat(root).contains("Attaching to debugger in crashed actor: ('root'", "RemoteActorError: DebuggerQuit in ('breakpointForever'");
      t.send("c");
      assertThat(t.expectExit(EXIT)).contains("RemoteActorError", "DebuggerQuit");
    }
  }

  @Test
  @Timeout(60)
  void severalSubactorsCrashingAtOnceAreServedOneByOne() throws Exception {
    try (Terminal t = Terminal.start(MultiSubactors.class)) {
      List<String> stops = new ArrayList<>();
      String text = t.expectPrompt(PROMPT);
      Thread.sleep(2500); // let every crash happen and queue behind the first stop
      boolean spawnErrorSeen = false;
      while (true) {
        stops.add(text);
        String actor = Terminal.promptActor(text);
        if ("root".equals(actor)) break;
        spawnErrorSeen |= "spawn_error".equals(actor);
        assertThat(stops).as("too many stops").hasSizeLessThan(80);
        // bp_forever pauses again 100 ms after each continue, so its nursery waits for it for good:
        // once the others were served, quit it (as tractor's test does).
        t.send(spawnErrorSeen && "bp_forever".equals(actor) ? "q" : "c");
        text = t.expectPrompt(PROMPT);
      }
      String all = String.join("\n", stops);
      assertThat(all).contains(
          "Attaching debugger to actor: ('bp_forever'",
          "Attaching to debugger in crashed actor: ('name_error'",
          "Attaching to debugger in crashed actor: ('name_error_1'",
          "Attaching to debugger in crashed actor: ('spawn_error'",
          "RemoteActorError: NullPointerException in ('name_error_1'");
      // One at a time: every stop's text holds exactly one attach line.
      for (String s : stops) assertThat(s.split("Attaching ", -1)).as(s).hasSize(2);
      assertThat(stops.getLast()).contains("Attaching to debugger in crashed actor: ('root'", "RemoteActorError");
      t.send("c");
      t.expectExit(EXIT);
    }
  }

  @Test
  @Timeout(60)
  void aNestedErrorRisesThroughEveryNursery() throws Exception {
    try (Terminal t = Terminal.start(MultiNestedSubactorsErrorUpThroughNurseries.class)) {
      StringBuilder all = new StringBuilder();
      boolean nameErrorServed = false;
      while (true) {
        String text = t.expectPrompt(PROMPT);
        all.append(text);
        String actor = Terminal.promptActor(text);
        if ("root".equals(actor)) break;
        // tractor's test alternates c and q, and then which actor gets which depends on the order
        // the stops come in. Here every crash propagates (c); the actor that pauses forever is
        // quit once name_error's crash has been let go, so that crash is the first error of
        // their nursery (which waits while its children are in the debugger).
        if ("name_error".equals(actor)) nameErrorServed = true;
        t.send("breakpoint_forever".equals(actor) && nameErrorServed ? "q" : "c");
      }
      t.send("c");
      all.append(t.expectExit(EXIT));
      assertThat(all.toString()).contains(
          "\"doggypants\" is null",
          "RemoteActorError: NullPointerException in ('name_error'",
          "DebuggerQuit",
          "Attaching to debugger in crashed actor: ('spawn_until_0'",
          "Attaching to debugger in crashed actor: ('root'",
          "('spawner");
    }
  }

  @Test
  @Timeout(60)
  void daemonSubactorsPauseAndCrashUntilTheErrorReachesTheRoot() throws Exception {
    try (Terminal t = Terminal.start(MultiDaemonSubactors.class)) {
      StringBuilder all = new StringBuilder();
      while (true) {
        String text = t.expectPrompt(PROMPT);
        all.append(text);
        if ("root".equals(Terminal.promptActor(text))) break;
        t.send("c");
      }
      assertThat(all.toString()).contains(
          "Attaching debugger to actor: ('bp_forever'",
          "Attaching to debugger in crashed actor: ('name_error'",
          "RemoteActorError: NullPointerException in ('name_error'");
      t.send("c");
      t.expectExit(EXIT);
    }
  }

  @Test
  @Timeout(40)
  void onlyTheChildInDebugModeStops() throws Exception {
    try (Terminal t = Terminal.start(PerActorDebug.class)) {
      String first = t.expectPrompt(PROMPT);
      assertThat(first).contains("Attaching to debugger in crashed actor: ('debugged_boi'", "java.lang.RuntimeException: die");
      // crash_boi is not stopped: its failure reaches the root while debugged_boi waits at the
      // prompt (the example says so). Only then let debugged_boi go, so that the order of the two
      // failures is the scenario's, not the machine's.
      t.awaitText("crash_boi failed", PROMPT);
      t.send("c");
      String rest = t.expectExit(EXIT);
      assertThat(rest).doesNotContain("Attaching").contains("RuntimeException");
      assertThat(t.transcript()).contains("('crash_boi'");
    }
  }

  @Test
  @Timeout(40)
  void ctrlCAtAPromptRedrawsItAndLeavesTheTreeIntact() throws Exception {
    try (Terminal t = Terminal.startOnPty(SubactorBreakpoint.class)) {
      assertThat(t.expectPrompt(PROMPT)).contains("Attaching debugger to actor: ('breakpointForever'");
      t.type("wher"); // half a command, dropped by Ctrl-C
      for (int i = 0; i < 3; i++) {
        Thread.sleep(100);
        t.type("\u0003");
        assertThat(Terminal.promptActor(t.expectPrompt(PROMPT))).isEqualTo("breakpointForever");
      }
      t.send("where"); // JLine may have drawn the prompt more than once: wait for the answer itself
      t.expectPromptAfter("SubactorBreakpoint.breakpointForever(SubactorBreakpoint.java:", PROMPT);
      t.send("c"); // the child is alive: it pauses again
      t.expectPromptAfter("Attaching debugger to actor: ('breakpointForever'", PROMPT);
      t.send("q");
      assertThat(Terminal.promptActor(t.expectPrompt(PROMPT))).isEqualTo("root");
      t.send("c");
      assertThat(t.expectExit(EXIT)).contains("DebuggerQuit");
    }
  }

  @Test
  @Timeout(40)
  void aChildThatDiesHoldingTheReplReleasesIt() throws Exception {
    try (Terminal t = Terminal.start(SubactorBreakpoint.class)) {
      t.expectPrompt(PROMPT);
      List<ProcessHandle> child = t.actorProcesses("breakpointForever");
      assertThat(child).hasSize(1);
      child.getFirst().destroyForcibly();
      String next = t.expectPrompt(PROMPT);
      assertThat(next).contains("jtractor debugger: actor ('breakpointForever'", "went away while it held the debugger; released",
          "Attaching to debugger in crashed actor: ('root'");
      t.send("c");
      t.expectExit(EXIT);
    }
  }

  @Test
  @Timeout(40)
  void endOfInputAtAPromptQuitsInsteadOfHanging() throws Exception {
    try (Terminal t = Terminal.start(SubactorError.class)) {
      t.expectPrompt(PROMPT);
      t.closeInput();
      String rest = t.expectExit(EXIT);
      assertThat(rest).contains("(end of input: quit)", "DebuggerQuit");
      assertThat(t.process().exitValue()).isEqualTo(1);
    }
  }
}
