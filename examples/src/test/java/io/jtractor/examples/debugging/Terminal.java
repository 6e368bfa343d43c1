package io.jtractor.examples.debugging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A root program run in a JVM of its own and driven through its terminal, as tractor's tests drive
 * the debugger with pexpect: {@link #expectPrompt} waits for the next debugger prompt and returns
 * what was printed since the last one, {@link #send} types a line. Over plain pipes, or through
 * {@code script} on a pseudo-terminal (line editing, Ctrl-C). stderr is merged into stdout.
 * Closing it kills whatever is left and checks that no process is.
 */
final class Terminal implements AutoCloseable {
  static final Pattern PROMPT = Pattern.compile("\\(jtractor-debug ([^)\\s]*)\\) ");

  private final Process process;
  private final OutputStream in;
  private final StringBuilder out = new StringBuilder(); // guarded by itself
  private final Thread reader;
  private int mark; // test thread only

  private Terminal(Process process) {
    this.process = process;
    this.in = process.getOutputStream();
    this.reader = Thread.ofVirtual().start(() -> {
      try (Reader r = new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)) {
        char[] buf = new char[4096];
        for (int n; (n = r.read(buf)) >= 0; ) {
          synchronized (out) {
            out.append(buf, 0, n);
            out.notifyAll();
          }
        }
      } catch (IOException ended) {
        // the program ended
      }
    });
  }

  /** Runs {@code main} over pipes (stdin is not a terminal: plain lines). */
  static Terminal start(Class<?> main) throws IOException {
    return new Terminal(new ProcessBuilder(javaCommand(main)).redirectErrorStream(true).start());
  }

  /**
   * Runs {@code main} over pipes in a JVM under a JDWP server agent: the root's own crashes and
   * pauses then stop at their frames, through the root's helper JVM.
   */
  static Terminal startUnderAgent(Class<?> main, String... jvmArgs) throws IOException {
    return new Terminal(new ProcessBuilder(underAgent(main, jvmArgs)).redirectErrorStream(true).start());
  }

  /** {@link #startUnderAgent} on a pseudo-terminal. */
  static Terminal startOnPtyUnderAgent(Class<?> main) throws IOException {
    String cmd = String.join(" ", underAgent(main).stream().map(Terminal::shellQuote).toList());
    return new Terminal(new ProcessBuilder("script", "-qfec", cmd, "/dev/null").redirectErrorStream(true).start());
  }

  private static List<String> underAgent(Class<?> main, String... jvmArgs) {
    List<String> cmd = javaCommand(main);
    cmd.add(1, "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:0,quiet=y");
    cmd.addAll(2, List.of(jvmArgs));
    return cmd;
  }

  /** Runs {@code main} on a pseudo-terminal (through {@code script}): line editing, Ctrl-C. */
  static Terminal startOnPty(Class<?> main) throws IOException {
    String cmd = String.join(" ", javaCommand(main).stream().map(Terminal::shellQuote).toList());
    return new Terminal(new ProcessBuilder("script", "-qfec", cmd, "/dev/null").redirectErrorStream(true).start());
  }

  private static List<String> javaCommand(Class<?> main) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElseThrow());
    cmd.add("-Djtractor.registry=127.0.0.1:0");
    cmd.add("-Djtractor.configDir=" + System.getProperty("jtractor.configDir")); // never the user's key file
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    return cmd;
  }

  private static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  /** The root program's process (the JVM, or {@code script} above it on a pseudo-terminal). */
  Process process() {
    return process;
  }

  /**
   * Waits for the next prompt; returns everything printed since the previous one, the prompt
   * included, and moves past it.
   */
  String expectPrompt(Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    synchronized (out) {
      while (true) {
        Matcher m = PROMPT.matcher(out);
        if (m.find(mark)) {
          String before = out.substring(mark, m.end());
          mark = m.end();
          return before;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || !process.isAlive() && !reader.isAlive()) {
          fail("no debugger prompt within %s; transcript since the last:%n%s", limit, out.substring(mark));
        }
        out.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(left, 100_000_000))));
      }
    }
  }

  /**
   * Waits until {@code text} has been printed since the last prompt and then a prompt after it;
   * returns everything up to that prompt and moves past it. For a terminal that may redraw a
   * prompt more than once (line editing), where counting prompts would go out of step.
   */
  String expectPromptAfter(String text, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    synchronized (out) {
      while (true) {
        int at = out.indexOf(text, mark);
        if (at >= 0) {
          Matcher m = PROMPT.matcher(out);
          if (m.find(at + text.length())) {
            String before = out.substring(mark, m.end());
            mark = m.end();
            return before;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || !process.isAlive() && !reader.isAlive()) {
          fail("no '%s' and prompt within %s; transcript since the last prompt:%n%s", text, limit, out.substring(mark));
        }
        out.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(left, 100_000_000))));
      }
    }
  }

  /**
   * Waits for the next prompt or the program's exit; returns what was printed since the last
   * prompt (the prompt included), or null once the program has exited.
   */
  String nextPromptOrExit(Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    synchronized (out) {
      while (true) {
        Matcher m = PROMPT.matcher(out);
        if (m.find(mark)) {
          String before = out.substring(mark, m.end());
          mark = m.end();
          return before;
        }
        if (!process.isAlive() && !reader.isAlive()) return null;
        long left = deadline - System.nanoTime();
        if (left <= 0) fail("neither a prompt nor an exit within %s; transcript since the last prompt:%n%s", limit, out.substring(mark));
        out.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(left, 100_000_000))));
      }
    }
  }

  /** Waits until {@code text} has been printed, at any time so far (not moving past anything). */
  void awaitText(String text, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    synchronized (out) {
      while (out.indexOf(text) < 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !process.isAlive() && !reader.isAlive()) {
          fail("no '%s' within %s; transcript since the last prompt:%n%s", text, limit, out.substring(mark));
        }
        out.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(left, 100_000_000))));
      }
    }
  }

  /** The prompt's actor name in text {@link #expectPrompt} returned. */
  static String promptActor(String text) {
    Matcher m = PROMPT.matcher(text);
    String name = null;
    while (m.find()) name = m.group(1);
    return name;
  }

  /** Types {@code line} and Enter. */
  void send(String line) throws IOException {
    type(line + "\n");
  }

  /** Types raw characters (e.g. Ctrl-C as {@code "\u0003"}). */
  void type(String chars) throws IOException {
    in.write(chars.getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  /** Closes the program's stdin (end of input). */
  void closeInput() throws IOException {
    in.close();
  }

  /** Waits for the program to exit; returns what it printed since the last prompt. */
  String expectExit(Duration limit) throws InterruptedException {
    boolean exited = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
    reader.join(Duration.ofSeconds(5));
    synchronized (out) {
      if (!exited) fail("the program did not exit within %s; transcript since the last prompt:%n%s", limit, out.substring(mark));
      return out.substring(mark);
    }
  }

  /** Everything printed so far. */
  String transcript() {
    synchronized (out) {
      return out.toString();
    }
  }

  /** The live descendant JVMs whose command line names actor {@code name}. */
  List<ProcessHandle> actorProcesses(String name) {
    return process.descendants()
        .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains("--uid ('" + name + "'")).orElse(false))
        .toList();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    List<ProcessHandle> live = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
    while (!live.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
      live = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
    }
    assertThat(live).as("processes left behind: %s", live.stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList()).isEmpty();
  }
}
