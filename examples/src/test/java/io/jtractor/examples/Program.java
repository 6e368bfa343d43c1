package io.jtractor.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtractor.runtime.ChildProcess;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A program the tests run as a process of its own: its output, line by line, and its exit. A
 * program that overruns its time limit is killed with everything under it, never left behind.
 */
final class Program {
  final Process process;
  final List<String> out = new CopyOnWriteArrayList<>();
  final List<String> err = new CopyOnWriteArrayList<>();
  private final Thread outReader;
  private final Thread errReader;

  private Program(Process process) {
    this.process = process;
    this.outReader = drain(process.getInputStream(), out);
    this.errReader = drain(process.getErrorStream(), err);
  }

  /** Starts {@code main} in a JVM of its own with this JVM's class path and a private registry. */
  static Program java(Class<?> main, String... args) throws Exception {
    // A private registrar on a free port: never the shared default port 1616.
    return javaWith(List.of("-Djtractor.registry=127.0.0.1:0"), main, args);
  }

  /**
   * Starts {@code main} in a JVM of its own with this JVM's class path, the lean root flags and
   * {@code jvmArgs}, and nothing else: no registry setting unless {@code jvmArgs} has one.
   */
  static Program javaWith(List<String> jvmArgs, Class<?> main, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElseThrow());
    cmd.addAll(ChildProcess.LEAN_ROOT_FLAGS); // as a user runs an example (README "Lean roots")
    cmd.addAll(jvmArgs);
    // The secret programs share: the test's key file, never the user's.
    cmd.add("-Djtractor.configDir=" + System.getProperty("jtractor.configDir"));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    cmd.addAll(List.of(args));
    return start(cmd, null, Map.of());
  }

  /** Starts {@code command} in {@code dir} (null: this JVM's) with {@code env} added. */
  static Program start(List<String> command, File dir, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command);
    if (dir != null) pb.directory(dir);
    pb.environment().remove("JTRACTOR_REGISTRY"); // the program's registry is the test's choice
    pb.environment().putAll(env);
    return new Program(pb.start());
  }

  /** Waits at most {@code seconds} for the exit; kills the program and its descendants if it overruns. */
  boolean waitFor(long seconds) throws InterruptedException {
    boolean exited = process.waitFor(seconds, TimeUnit.SECONDS);
    if (!exited) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor();
    }
    outReader.join(5_000);
    errReader.join(5_000);
    return exited;
  }

  /** Both outputs, for assertion messages. */
  String transcript() {
    return "stdout:\n" + String.join("\n", out) + "\nstderr:\n" + String.join("\n", err);
  }

  private static Thread drain(InputStream in, List<String> lines) {
    return Thread.ofVirtual().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) lines.add(line);
      } catch (Exception ignored) {
        // the program ended
      }
    });
  }

  /** Every process this JVM started is gone, allowing a moment for the last ones to exit. */
  static void assertNoProcessLeft() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    List<ProcessHandle> live = liveDescendants();
    while (!live.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
      live = liveDescendants();
    }
    assertThat(live)
        .as("processes left behind: %s", live.stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList())
        .isEmpty();
  }

  private static List<ProcessHandle> liveDescendants() {
    return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
  }

  /** The repository's root folder (the build passes it; else the examples module's parent). */
  static Path repositoryRoot() {
    String root = System.getProperty("jtractor.root");
    return root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent();
  }
}
