package io.jtractor.runtime.remote;

import io.jtractor.config.Placement;
import io.jtractor.errors.ActorFailure;
import io.jtractor.wire.Msgpack;
import io.jtractor.wire.TlsConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts a child actor's JVM on another host: the spawner's command line, turned into one for
 * that host and run in an SSH session (see {@link SshHost}).
 *
 * <p>What changes from a local spawn: the {@code java} command is the placement's, checked to be
 * a JDK 25 by a few shell commands before it starts (a clear boot error, exit status {@value
 * #NO_JDK}, otherwise); the class path is the shipped bundle's (or the placement's); the entry
 * point is {@link RemoteChildMain}, which reads one more line on stdin before the trust line: this
 * preamble carries the heartbeat period and the TLS key and trust stores, which the remote JVM
 * writes to a private directory that lives as long as it does. So nothing secret is on a command
 * line, and nothing needs to exist on the remote host but a JDK.
 *
 * <p>Not carried over: AOT cache flags (a path of this host) and debug mode (a JDWP agent the
 * root's debugger reaches on loopback). There is no warm pool of remote JVMs; the warm path is
 * the ControlMaster (a spawn over it costs a multiplexed session, not an SSH handshake).
 */
public final class RemoteSpawn {
  private RemoteSpawn() {}

  /**
   * Closes this JVM's SSH connections to remote hosts (ending any session still running over
   * them). They are otherwise kept for the next spawn while the JVM lives, and closed when it
   * exits.
   */
  public static void closeConnections() {
    SshHost.closeAll();
  }

  /**
   * What the exit of {@code child} means, for a process {@link #start} made; null for any other.
   * ssh's 255 is a lost connection; {@value RemoteChildMain#ORPHANED} is the child's own exit
   * after its parent's heartbeat stopped.
   */
  public static String describeExit(Process child) {
    if (!(child instanceof RemoteProcess r)) return null;
    int code = r.exitValue();
    return switch (code) {
      case 255 -> "lost its SSH connection to " + r.host() + " (ssh exit code 255: the link is down, or the host or its sshd is gone)";
      case RemoteChildMain.ORPHANED -> "exited on " + r.host() + " with code " + code + ": it stopped hearing its parent's heartbeat";
      default -> "exited on " + r.host() + " with code " + code;
    };
  }

  /** The remote boot script's exit status when the host has no JDK 25. */
  static final int NO_JDK = 96;

  /**
   * Starts {@code localCmd} (a local child's command line: java, flags, {@code -cp}, the child
   * entry point, its arguments) on {@code placement}'s host.
   *
   * @param parentAddr where the child connects back: must be reachable from that host
   * @param tls the parent's TLS keys (shipped to the child), or null
   * @throws ActorFailure if the host cannot be reached or prepared
   */
  public static Process start(
      Placement placement, List<String> localCmd, InetSocketAddress parentAddr, TlsConfig tls, Duration connectTimeout) {
    if (parentAddr.getAddress() != null && (parentAddr.getAddress().isLoopbackAddress() || parentAddr.getAddress().isAnyLocalAddress())) {
      throw new ActorFailure("a child on " + placement.sshTarget() + " cannot reach its parent at " + parentAddr.getHostString()
          + ":" + parentAddr.getPort() + ": the spawning actor must listen on an address that host can reach"
          + " (ActorConfig.withBindAddress, with TLS)");
    }
    SshHost host = SshHost.of(placement);
    String classPath = placement.classPath() != null ? placement.classPath() : shipClassPath(host, placement, connectTimeout);
    String script = bootScript(placement, localCmd, classPath);
    try {
      Process ssh = new ProcessBuilder(host.command("exec sh -c " + quote(script), connectTimeout)).start();
      RemoteProcess p = new RemoteProcess(ssh, placement.host(), placement.heartbeatTimeout());
      OutputStream in = p.getOutputStream();
      in.write((preamble(placement, tls) + "\n").getBytes(StandardCharsets.US_ASCII));
      in.flush();
      return p;
    } catch (IOException e) {
      throw new ActorFailure("could not start a child on " + placement.sshTarget() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Once {@code child} (a process {@link #start} made) ends, closes its connection with {@code
   * close} unless it ended by itself first: a child whose SSH session was lost has a connection
   * that would otherwise wait on a dead link. A moment's grace lets a last message in flight land.
   */
  public static void closeWhenGone(Process child, Runnable close) {
    if (!(child instanceof RemoteProcess)) return;
    child.onExit().thenRun(() -> Thread.ofVirtual().start(() -> {
      try {
        Thread.sleep(300);
      } catch (InterruptedException ignored) {
        // close now
      }
      close.run();
    }));
  }

  /** Ships this JVM's class path unless the host has it; the remote class path of the bundle. */
  private static String shipClassPath(SshHost host, Placement placement, Duration timeout) {
    ClassPathBundle b = ClassPathBundle.of(System.getProperty("java.class.path"));
    String dir = "\"" + placement.cacheDir() + "\"/cp-" + b.hash();
    if (!host.hasBundle(b.hash())) {
      String script = "C=\"" + placement.cacheDir() + "\"; D=\"$C/cp-" + b.hash() + "\"; "
          + "if [ -f \"$D/.complete\" ]; then cat > /dev/null; exit 0; fi; "
          + "mkdir -p \"$C\" && T=$(mktemp -d \"$C/.in.XXXXXX\") && tar -xf - -C \"$T\" && touch \"$T/.complete\" "
          + "&& { [ -d \"$D\" ] && rm -rf \"$T\" || mv \"$T\" \"$D\"; }";
      // Sent only when the host lacks it: a first cheap look says which.
      SshHost.Result look = host.run("sh -c " + quote("[ -f \"" + placement.cacheDir() + "/cp-" + b.hash() + "/.complete\" ] && echo present || echo missing"), null, timeout);
      if (!look.out().contains("present")) {
        SshHost.Result r = host.run("sh -c " + quote(script), b.tar(), timeout.plusSeconds(60));
        if (r.code() != 0) {
          throw new ActorFailure("could not ship the class path to " + placement.sshTarget() + " (exit code " + r.code() + "): " + r.err());
        }
      }
      host.bundlePresent(b.hash());
    }
    List<String> cp = new ArrayList<>();
    for (String e : b.entries()) cp.add(dir + "/" + quote(e));
    return String.join(":", cp);
  }

  /** The remote shell script: check for a JDK 25, make a private directory, run the child JVM. */
  static String bootScript(Placement placement, List<String> localCmd, String remoteClassPath) {
    StringBuilder java = new StringBuilder("\"$P\"");
    for (int i = 1; i < localCmd.size(); i++) {
      String a = localCmd.get(i);
      if (a.startsWith("-XX:AOTCache") || a.startsWith("-Djtractor.aotCache")) continue;
      if (a.equals("-cp") || a.equals("-classpath")) {
        java.append(" -Djtractor.remote.dir=\"$D\" -cp ").append(remoteClassPath);
        i++;
        continue;
      }
      if (a.equals("io.jtractor.runtime.ChildMain")) a = RemoteChildMain.class.getName();
      java.append(' ').append(quote(a));
    }
    return "J=" + quote(placement.java()) + "\n"
        + "P=$(command -v \"$J\" 2>/dev/null) || { echo \"jtractor: no java command '$J' on host $(hostname)\" >&2; exit 97; }\n"
        + "R=\"$(dirname \"$(dirname \"$(readlink -f \"$P\")\")\")/release\"\n"
        + "if [ -f \"$R\" ]; then V=$(sed -n 's/^JAVA_VERSION=\"\\([0-9]*\\).*/\\1/p' \"$R\"); "
        + "else V=$(\"$P\" -version 2>&1 | sed -n '1s/.*version \"\\([0-9]*\\).*/\\1/p'); fi\n"
        + "[ \"${V:-0}\" -ge 25 ] 2>/dev/null || { echo \"jtractor: $P on host $(hostname) is Java ${V:-of unknown version};"
        + " a child actor needs a JDK 25 or later (Placement.withJava)\" >&2; exit " + NO_JDK + "; }\n"
        + "D=$(mktemp -d \"${TMPDIR:-/tmp}/jtractor.XXXXXX\") || exit 98\n"
        + "trap 'rm -rf \"$D\"' EXIT\n"
        + "trap 'exit 143' HUP TERM\n"
        + java + "\n";
  }

  /** The line RemoteChildMain reads before the trust line. */
  private static String preamble(Placement placement, TlsConfig tls) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("heartbeat_ms", placement.heartbeatTimeout().toMillis());
    if (tls != null) {
      m.put("key_store", Files.readAllBytes(tls.keyStore()));
      m.put("trust_store", Files.readAllBytes(tls.trustStore()));
    }
    return Base64.getEncoder().encodeToString(Msgpack.encode(m));
  }

  /** {@code s} as one single-quoted shell word. */
  static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
