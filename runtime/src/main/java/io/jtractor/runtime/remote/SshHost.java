package io.jtractor.runtime.remote;

import io.jtractor.config.Placement;
import io.jtractor.errors.ActorFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One remote host as this JVM reaches it: an OpenSSH ControlMaster connection, started on first
 * use and kept while the JVM lives (or until {@link #closeAll}), through which every spawn on the
 * host runs as a multiplexed session.
 *
 * <p>The master is a child process of this JVM that runs {@code cat > /dev/null} remotely: if this
 * JVM dies, however it dies, the master's stdin ends, its remote session ends, and it exits once
 * the sessions multiplexed over it have ended (each of which ends the same way). So no ssh process
 * outlives the parent, on either host. The connection is probed about three times within the
 * heartbeat timeout ({@code ServerAliveInterval}, in whole seconds, as many misses allowed as fit
 * in the timeout), so a cut link ends the master, and with it every session of its children,
 * within about that time.
 *
 * <p>Thread rule: {@link #of} and {@link #ensureMaster} may be called from any thread; a host's
 * state is guarded by the host's monitor.
 */
final class SshHost {
  private static final Map<List<String>, SshHost> HOSTS = new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(SshHost::closeAll));
  }

  private final Placement placement;
  private final Path controlPath;
  /** The master process; guarded by this. */
  private Process master;
  /** Class path bundles known to be on the host; any thread. */
  private final Set<String> bundles = ConcurrentHashMap.newKeySet();

  private SshHost(Placement placement, Path controlPath) {
    this.placement = placement;
    this.controlPath = controlPath;
  }

  /** The host for {@code placement}'s target and ssh options. */
  static SshHost of(Placement placement) {
    List<String> key = new ArrayList<>(placement.sshOptions());
    key.add(placement.sshTarget());
    key.add(placement.heartbeatTimeout().toString());
    return HOSTS.computeIfAbsent(key, k -> new SshHost(placement, controlDir().resolve("cm-" + Integer.toHexString(k.hashCode()) + "-" + HOSTS.size())));
  }

  /** Closes every master connection of this JVM (sessions over them end with them). */
  public static void closeAll() {
    for (SshHost h : HOSTS.values()) h.close();
  }

  /** Whether bundle {@code hash} is known to be cached on the host. */
  boolean hasBundle(String hash) {
    return bundles.contains(hash);
  }

  void bundlePresent(String hash) {
    bundles.add(hash);
  }

  /**
   * The {@code ssh} command for one session over the master: {@code ssh ... target -- script}.
   * Starts the master first if it is not running.
   */
  List<String> command(String remoteScript, Duration connectTimeout) {
    ensureMaster(connectTimeout);
    List<String> cmd = base();
    cmd.add("-o");
    cmd.add("ControlMaster=no");
    cmd.add(placement.sshTarget());
    cmd.add("--");
    cmd.add(remoteScript);
    return cmd;
  }

  /** Runs {@code script} over the master, with {@code stdin} as its input; its exit code and output. */
  Result run(String script, byte[] stdin, Duration timeout) {
    try {
      Process p = new ProcessBuilder(command(script, timeout)).start();
      var err = drainLater(p.getErrorStream());
      var out = drainLater(p.getInputStream());
      try (var in = p.getOutputStream()) {
        if (stdin != null) in.write(stdin);
      } catch (IOException ignored) {
        // it exited early: its code says why
      }
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor();
        throw new ActorFailure("ssh " + placement.sshTarget() + " did not finish within " + timeout);
      }
      return new Result(p.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
    } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new ActorFailure("cannot run ssh on " + placement.sshTarget() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ActorFailure("interrupted while talking to " + placement.sshTarget(), e);
    }
  }

  /** A finished remote command. */
  record Result(int code, String out, String err) {}

  /** The whole of {@code in}, read on a thread of its own. */
  static java.util.concurrent.CompletableFuture<String> drainLater(java.io.InputStream in) {
    var f = new java.util.concurrent.CompletableFuture<String>();
    Thread.ofVirtual().start(() -> {
      try {
        f.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip());
      } catch (IOException e) {
        f.complete("");
      }
    });
    return f;
  }

  private List<String> base() {
    // ssh probes in whole seconds: about three probes within the timeout, never more than it.
    long timeoutS = Math.max(1, placement.heartbeatTimeout().toSeconds());
    long aliveS = Math.max(1, timeoutS / 3);
    long misses = Math.max(1, timeoutS / aliveS);
    List<String> cmd = new ArrayList<>(List.of(
        "ssh", "-o", "BatchMode=yes", "-o", "ControlPath=" + controlPath,
        "-o", "ServerAliveInterval=" + aliveS, "-o", "ServerAliveCountMax=" + misses,
        "-o", "ConnectTimeout=" + Math.max(1, placement.heartbeatTimeout().toSeconds())));
    cmd.addAll(placement.sshOptions());
    return cmd;
  }

  /** Starts the master connection unless it runs; waits until it accepts sessions. */
  synchronized void ensureMaster(Duration timeout) {
    if (master != null && master.isAlive() && Files.exists(controlPath)) return;
    if (master != null) master.destroyForcibly();
    List<String> cmd = base();
    cmd.addAll(List.of("-M", "-o", "ControlPersist=no", placement.sshTarget(), "--", "cat > /dev/null"));
    Process m;
    try {
      m = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      throw new ActorFailure("cannot start ssh for " + placement.sshTarget() + ": " + e.getMessage(), e);
    }
    var err = drainLater(m.getErrorStream());
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!Files.exists(controlPath)) {
      if (!m.isAlive()) {
        String why = err.getNow("");
        try {
          why = err.get(2, TimeUnit.SECONDS);
        } catch (Exception ignored) {
          // what we have
        }
        throw new ActorFailure("cannot reach host " + placement.sshTarget() + " over ssh (exit code " + m.exitValue() + ")"
            + (why.isEmpty() ? "" : ": " + why));
      }
      if (System.nanoTime() > deadline) {
        m.destroyForcibly();
        throw new ActorFailure("ssh to " + placement.sshTarget() + " did not connect within " + timeout);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        m.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new ActorFailure("interrupted while connecting to " + placement.sshTarget(), e);
      }
    }
    master = m;
  }

  /** Ends the master connection (and every session over it). */
  synchronized void close() {
    Process m = master;
    master = null;
    if (m == null) return;
    try {
      m.getOutputStream().close(); // the remote cat ends: an orderly end
      if (!m.waitFor(2, TimeUnit.SECONDS)) {
        m.destroy();
        if (!m.waitFor(2, TimeUnit.SECONDS)) m.destroyForcibly();
      }
      m.waitFor(5, TimeUnit.SECONDS);
    } catch (IOException | InterruptedException e) {
      m.destroyForcibly();
    }
  }

  /** A directory only this user can use, for the control sockets (short: socket paths are limited). */
  private static Path controlDir() {
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), "jtractor-ssh-" + ProcessHandle.current().pid());
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        dir.toFile().deleteOnExit();
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot make a directory for ssh control sockets: " + e.getMessage(), e);
    }
    return dir;
  }
}
