package io.jtractor.runtime.debug;

import io.jtractor.wire.Uid;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The root's side of its helper JVM ({@link RootHelper}): starts it once per JVM when a root in
 * debug mode runs under a JDWP server agent, hands each stop it reports to the front end as a
 * {@link HelperStop}, and passes the REPL's questions to it. Without an agent, or when the helper
 * cannot attach, the root's stops are served in-process ({@link LocalStop}), after one line that
 * says so.
 *
 * <p>Lifecycle: {@code STARTING} until the helper says {@code ready} (or fails), then {@code
 * READY} for the life of the JVM, {@link #gone} once the pipe ends. The helper is the root's child
 * and ends with it (it watches its stdin and the root's pid).
 *
 * <p>Thread rule: one reader thread ({@code jtractor-debugger-helper}, never stopped by the helper)
 * takes every message; {@link #ask} is called by the REPL thread alone; {@link #root} and {@link
 * #gone} are volatile.
 */
final class HelperLink {
  /** The agent option that makes a root debuggable at its frames; what the hint line suggests. */
  static final String AGENT = "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:0,quiet=y";

  private static final Duration READY_TIMEOUT = RootHelper.ATTACH_TIMEOUT.plusSeconds(10);

  private static HelperLink instance; // guarded by HelperLink.class
  private static boolean tried; // guarded by HelperLink.class

  private final Process process;
  private final HelperWire wire;
  private final LinkedBlockingQueue<List<String>> replies = new LinkedBlockingQueue<>();
  /** Completed with null once the helper attached, or with the reason it did not. */
  private final CompletableFuture<String> ready = new CompletableFuture<>();
  private volatile Uid root;
  private volatile boolean gone;

  private HelperLink(Process process, Uid root) {
    this.process = process;
    this.wire = new HelperWire(process.getInputStream(), process.getOutputStream());
    this.root = root;
    Thread.ofPlatform().daemon().name(JdiTarget.DEBUGGER_THREADS + "-helper").start(this::read);
  }

  /**
   * The helper for a root in debug mode, started on first use; null when the root's stops are
   * served in-process (no JDWP server agent in this JVM, or the helper could not attach: said in
   * one line, once).
   */
  static synchronized HelperLink forRoot(Uid rootUid) {
    if (instance != null && !instance.gone) {
      instance.root = rootUid;
      return instance;
    }
    if (tried) return null;
    tried = true;
    if (!underJdwpServer()) {
      say("the root's own crashes and pauses show frames and source but no variables; to stop the root at its frames"
          + " run it with " + AGENT + " (or through 'jtractor debug')");
      return null;
    }
    DebugAgent.servedBefore(null); // loaded before the helper looks for it
    try {
      HelperLink link = new HelperLink(start(rootUid), rootUid);
      String failure = link.ready.get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (failure == null) return instance = link;
      link.process.destroyForcibly();
      say("the root's helper could not attach to its JDWP agent (" + failure + "); the root's own stops show no variables");
    } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      say("the root's helper did not start (" + e + "); the root's own stops show no variables");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return null;
  }

  /** The helper started in this JVM, or null. */
  static synchronized HelperLink current() {
    return instance;
  }

  /** Whether this JVM runs a JDWP agent as a socket server (a debugger may attach to it). */
  static boolean underJdwpServer() {
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      boolean jdwp = a.startsWith("-agentlib:jdwp=") || a.startsWith("-Xrunjdwp:") || a.startsWith("-agentpath:") && a.contains("jdwp");
      if (jdwp && a.contains("transport=dt_socket") && a.contains("server=y")) return true;
    }
    return false;
  }

  private static Process start(Uid root) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java"));
    cmd.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xshare:auto"));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(RootHelper.class.getName());
    cmd.add(Long.toString(ProcessHandle.current().pid()));
    cmd.add(root.name());
    cmd.add(root.uuid());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    // Options every java launch reads would give the helper an agent of its own.
    for (String v : List.of("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS")) {
      String value = pb.environment().get(v);
      if (value != null && value.contains("jdwp")) pb.environment().remove(v);
    }
    return pb.start();
  }

  private static void say(String line) {
    System.err.println("jtractor debugger: " + line);
    System.err.flush();
  }

  boolean gone() {
    return gone;
  }

  /**
   * Asks the helper about stop {@code parts[1]}; returns its text (null for "no value").
   *
   * @throws IllegalArgumentException with the helper's reason if the value cannot be read
   * @throws IllegalStateException if the stop cannot be read at all (or the helper is gone)
   */
  String ask(String... parts) {
    if (gone) throw new IllegalStateException("the root's debugger helper has ended");
    try {
      wire.send(parts);
      List<String> reply;
      while ((reply = replies.poll(100, TimeUnit.MILLISECONDS)) == null) {
        if (gone && replies.isEmpty()) throw new IllegalStateException("the root's debugger helper has ended");
      }
      String text = reply.size() > 1 ? reply.get(1) : null;
      return switch (reply.getFirst()) {
        case "ok" -> text;
        case "none" -> null;
        case "err" -> throw new IllegalArgumentException(text);
        default -> throw new IllegalStateException(text);
      };
    } catch (IOException e) {
      throw new IllegalStateException("the root's debugger helper has ended", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private void read() {
    try {
      for (List<String> m; (m = wire.read()) != null && !m.isEmpty(); ) {
        switch (m.getFirst()) {
          case "ready" -> ready.complete(null);
          case "stop" -> FrontEnd.start().enqueue(
              new HelperStop(this, m.get(1), root, Stop.Kind.valueOf(m.get(2)), Integer.parseInt(m.get(3))));
          case "fail" -> {
            if (!ready.complete(m.size() > 1 ? m.get(1) : "?")) replies.add(m);
          }
          default -> replies.add(m);
        }
      }
    } catch (IOException | RuntimeException e) {
      // the pipe broke: as at its end
    }
    gone = true;
    if (!ready.complete("it ended") && ready.getNow("") == null) { // it had attached
      say("the root's helper ended; the root's own stops are served in-process from now on");
      FrontEnd f = FrontEnd.existing();
      if (f != null) f.dropGone();
    }
    wire.closeOutput();
  }
}
