package io.jtractor.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where a child actor runs: on this host (the default), or on another host reached with the
 * system's {@code ssh} client. Prior art: Erlang/OTP's {@code peer} module and Ray's cluster
 * launcher, which both start remote nodes over OpenSSH rather than a daemon of their own.
 *
 * <p>A remote child is started with key-based authentication only ({@code BatchMode=yes}: no
 * password prompt can hang a spawn), over one SSH connection per host kept open by the spawning
 * JVM (a ControlMaster), so that a second spawn on the same host costs a multiplexed session, not
 * a new SSH handshake. The remote host needs a JDK 25 ({@link #java}); the class path is shipped
 * to {@link #cacheDir} on first use, cached by content hash, unless {@link #classPath} names one
 * that is there already.
 *
 * <p>Liveness across hosts is connection-based: the parent writes a heartbeat on the child's
 * stdin (through the SSH session) every fifth of {@link #heartbeatTimeout}; a remote child that
 * hears none for that long, or sees the session end, kills its own children and exits. The SSH
 * connection is probed about three times within the timeout ({@code ServerAliveInterval}), so the
 * parent sees a lost link as the child's exit, an error in its nursery, within about the same time.
 *
 * @param sshTarget {@code [user@]host} for ssh, or null for this host
 * @param java the remote {@code java} command (a name on the remote PATH, or an absolute path)
 * @param classPath a class path that already exists on the remote host, or null to ship this
 *     JVM's
 * @param cacheDir where shipped class paths are cached on the remote host (a shell word: {@code
 *     $HOME} is expanded there)
 * @param sshOptions extra arguments for {@code ssh} (e.g. {@code -i key}, {@code -p 2222}, {@code
 *     -o UserKnownHostsFile=...})
 * @param heartbeatTimeout how long either side tolerates silence from the other before it
 *     declares the link lost
 */
public record Placement(
    String sshTarget, String java, String classPath, String cacheDir, List<String> sshOptions, Duration heartbeatTimeout) {

  /** The default remote cache directory for shipped class paths. */
  public static final String DEFAULT_CACHE_DIR = "$HOME/.cache/jtractor";

  /** The default heartbeat timeout. */
  public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(10);

  /** This host: a child started as a local process (the default). */
  public static final Placement LOCAL = new Placement(null, "java", null, DEFAULT_CACHE_DIR, List.of(), DEFAULT_HEARTBEAT_TIMEOUT);

  public Placement {
    Objects.requireNonNull(java, "java");
    Objects.requireNonNull(cacheDir, "cacheDir");
    sshOptions = List.copyOf(sshOptions);
    Objects.requireNonNull(heartbeatTimeout, "heartbeatTimeout");
    if (heartbeatTimeout.toMillis() < 500) throw new IllegalArgumentException("heartbeatTimeout below 500 ms: " + heartbeatTimeout);
    if (sshTarget != null && (sshTarget.isBlank() || sshTarget.startsWith("-"))) {
      throw new IllegalArgumentException("not an ssh target: '" + sshTarget + "'");
    }
  }

  /** A host reached as {@code ssh [user@]host}, with the defaults: {@code java} on its PATH, the class path shipped. */
  public static Placement onHost(String sshTarget) {
    return LOCAL.withTarget(Objects.requireNonNull(sshTarget, "sshTarget"));
  }

  /** Whether this is this host. */
  public boolean isLocal() {
    return sshTarget == null;
  }

  /** The host part of the target (no user, no port). */
  public String host() {
    if (sshTarget == null) return "localhost";
    return sshTarget.substring(sshTarget.indexOf('@') + 1);
  }

  private Placement withTarget(String target) {
    return new Placement(target, java, classPath, cacheDir, sshOptions, heartbeatTimeout);
  }

  /** This placement with another remote {@code java} command. */
  public Placement withJava(String command) {
    return new Placement(sshTarget, command, classPath, cacheDir, sshOptions, heartbeatTimeout);
  }

  /** This placement using a class path that already exists on the remote host (nothing is shipped). */
  public Placement withClassPath(String remoteClassPath) {
    return new Placement(sshTarget, java, remoteClassPath, cacheDir, sshOptions, heartbeatTimeout);
  }

  /** This placement caching shipped class paths in another remote directory. */
  public Placement withCacheDir(String remoteDir) {
    return new Placement(sshTarget, java, classPath, remoteDir, sshOptions, heartbeatTimeout);
  }

  /** This placement with extra {@code ssh} arguments. */
  public Placement withSshOptions(List<String> options) {
    return new Placement(sshTarget, java, classPath, cacheDir, options, heartbeatTimeout);
  }

  /** This placement with another heartbeat timeout (at least 500 ms). */
  public Placement withHeartbeatTimeout(Duration timeout) {
    return new Placement(sshTarget, java, classPath, cacheDir, sshOptions, timeout);
  }

  @Override
  public String toString() {
    return isLocal() ? "Placement[local]" : "Placement[" + sshTarget + "]";
  }
}
