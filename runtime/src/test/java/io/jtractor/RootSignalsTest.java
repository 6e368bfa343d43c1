package io.jtractor;

import static io.jtractor.ProcessAssertions.assertNoProcessLeft;
import static org.assertj.core.api.Assertions.assertThat;

import io.jtractor.funcs.BusyRootProgram;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Ctrl-C and SIGTERM of a root program: the tree comes down in order, one line, 130/143")
class RootSignalsTest {

  @AfterEach
  void noProcessLeft() {
    assertNoProcessLeft();
  }

  /**
   * {@code kill -SIG root}, or, for {@code group}, the signal to the root's whole process group, as
   * Ctrl-C in a terminal sends it: the children get it too, and die on their own.
   */
  @ParameterizedTest(name = "SIG{0} to the {1} -> exit {2}")
  @CsvSource({"INT, root, 130", "TERM, root, 143", "INT, group, 130"})
  @org.junit.jupiter.api.Timeout(60)
  void aSignalledRootTearsItsTreeDownAndSaysSoInOneLine(String signal, String target, int expectedCode) throws Exception {
    List<String> cmd = new java.util.ArrayList<>();
    if (target.equals("group")) cmd.add("setsid"); // a process group of its own, as a terminal's job
    cmd.addAll(List.of(
        ProcessHandle.current().info().command().orElseThrow(),
        "-cp", System.getProperty("java.class.path"),
        "-Djtractor.registry=127.0.0.1:0",
        BusyRootProgram.class.getName()));
    Process proc = new ProcessBuilder(cmd).start();
    List<String> out = new CopyOnWriteArrayList<>();
    List<String> err = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread o = drain(proc.getInputStream(), out, ready);
    Thread e = drain(proc.getErrorStream(), err, null);
    try {
      ready.get(30, TimeUnit.SECONDS);
      // setsid execs the JVM in place (no fork: it is not a group leader), so the pid is the group's.
      String who = target.equals("group") ? "-" + proc.pid() : Long.toString(proc.pid());
      new ProcessBuilder("kill", "-" + signal, "--", who).start().waitFor();
      assertThat(proc.waitFor(30, TimeUnit.SECONDS)).as("the root exited").isTrue();
    } finally {
      proc.descendants().forEach(ProcessHandle::destroyForcibly);
      proc.destroyForcibly();
    }
    o.join(5_000);
    e.join(5_000);
    String transcript = "stdout: " + out + "\nstderr: " + err;
    assertThat(proc.exitValue()).as(transcript).isEqualTo(expectedCode);
    assertThat(err).as(transcript).containsExactly("interrupted: 3 actors torn down");
    assertThat(out).as(transcript).noneMatch(l -> l.contains("Exception") || l.contains("Error"));
  }

  private static Thread drain(InputStream in, List<String> lines, CompletableFuture<Void> ready) {
    return Thread.ofVirtual().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          lines.add(line);
          if (ready != null && line.equals("READY")) ready.complete(null);
        }
      } catch (Exception ignored) {
        // ended
      }
      if (ready != null) ready.completeExceptionally(new IllegalStateException("no READY: " + lines));
    });
  }
}
