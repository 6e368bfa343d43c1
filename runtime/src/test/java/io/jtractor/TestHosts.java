package io.jtractor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * Hosts for tests, on one machine: each a network namespace the test creates ({@code ip netns}),
 * linked to this JVM's namespace by a veth pair with private addresses, and removed again by
 * {@link #close}. This JVM's namespace plays the first host (10.a.b.1); the namespace is the other
 * (10.a.b.2). A host can run {@code sshd} (Debian's openssh-server) with its own configuration,
 * host key and authorized key, all in a temporary directory, and any other program inside it.
 *
 * <p>Needs root and the {@code ip}, {@code sshd} and {@code ssh} commands ({@code .ci/run}
 * installs them). Where the machine forbids namespaces, {@link #assumeAvailable} skips the test
 * with the reason, printed as {@code SKIPPED (no network namespaces)} so that CI logs show it.
 */
final class TestHosts implements AutoCloseable {
  private static final AtomicInteger NEXT = new AtomicInteger();
  private static volatile String unavailable;
  private static volatile boolean probed;

  final String ns;
  final String hostAddress;
  final String peerAddress;
  private final String vethHere;
  private final String vethThere;
  private final Path dir;
  private Process sshd;

  private TestHosts(Path dir) throws IOException {
    int n = NEXT.incrementAndGet();
    long pid = ProcessHandle.current().pid();
    this.ns = "jt" + pid + "n" + n;
    this.vethHere = "jv" + (pid % 100000) + "a" + n;
    this.vethThere = "jv" + (pid % 100000) + "b" + n;
    int a = 100 + (int) (pid % 100), b = (int) ((pid / 100 + n * 7) % 250) + 1;
    this.hostAddress = "10." + a + "." + b + ".1";
    this.peerAddress = "10." + a + "." + b + ".2";
    this.dir = dir;
    sh("ip", "netns", "add", ns);
    try {
      sh("ip", "link", "add", vethHere, "type", "veth", "peer", "name", vethThere);
      sh("ip", "link", "set", vethThere, "netns", ns);
      sh("ip", "addr", "add", hostAddress + "/24", "dev", vethHere);
      sh("ip", "link", "set", vethHere, "up");
      sh("ip", "-n", ns, "addr", "add", peerAddress + "/24", "dev", vethThere);
      sh("ip", "-n", ns, "link", "set", vethThere, "up");
      sh("ip", "-n", ns, "link", "set", "lo", "up");
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Skips the calling test, with the reason, unless namespaces, sshd and ssh can be used here. */
  static void assumeAvailable() {
    if (!probed) {
      synchronized (TestHosts.class) {
        if (!probed) {
          unavailable = probe();
          probed = true;
          if (unavailable != null) System.err.println("SKIPPED (no network namespaces): " + unavailable);
        }
      }
    }
    Assumptions.assumeTrue(unavailable == null, () -> "no network namespaces here: " + unavailable);
  }

  private static String probe() {
    for (String tool : List.of("/usr/sbin/ip", "/usr/sbin/sshd", "/usr/bin/ssh", "/usr/bin/ssh-keygen")) {
      if (!Files.isExecutable(Path.of(tool)) && !Files.isExecutable(Path.of(tool.replace("/usr/sbin/", "/sbin/")))) {
        return tool + " is not installed (apt-get install iproute2 openssh-server openssh-client)";
      }
    }
    String name = "jtprobe" + ProcessHandle.current().pid();
    try {
      sh("ip", "netns", "add", name);
      sh("ip", "netns", "del", name);
      return null;
    } catch (IOException | RuntimeException e) {
      return "cannot create a network namespace: " + e.getMessage();
    }
  }

  /** A new host linked to this one. */
  static TestHosts create(Path dir) throws IOException {
    assumeAvailable();
    return new TestHosts(dir);
  }

  /** Starts sshd in the namespace, accepting the key {@link #sshOptions} names; waits until it answers. */
  void startSshd() throws IOException, InterruptedException {
    Files.createDirectories(Path.of("/run/sshd"));
    Path hostKey = dir.resolve("host_ed25519");
    Path key = dir.resolve("id_ed25519");
    sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString());
    sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString());
    Files.copy(dir.resolve("id_ed25519.pub"), dir.resolve("authorized_keys"));
    Path config = dir.resolve("sshd_config");
    Files.writeString(config, String.join("\n",
        "ListenAddress " + peerAddress,
        "Port 22",
        "HostKey " + hostKey,
        "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
        "PidFile " + dir.resolve("sshd.pid"),
        "PermitRootLogin prohibit-password",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "StrictModes no",
        "ClientAliveInterval 1",
        "ClientAliveCountMax 3",
        "MaxSessions 200",
        "MaxStartups 200",
        "LogLevel ERROR",
        ""));
    sshd = new ProcessBuilder("ip", "netns", "exec", ns, "/usr/sbin/sshd", "-D", "-e", "-f", config.toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("sshd.log").toFile())
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(peerAddress, 22), 200);
        return;
      } catch (IOException notYet) {
        if (!sshd.isAlive()) throw new IOException("sshd exited: " + Files.readString(dir.resolve("sshd.log")));
        if (System.nanoTime() > deadline) throw new IOException("sshd did not answer in 10 s");
        Thread.sleep(20);
      }
    }
  }

  /** {@code root@peer}, the ssh target of the host. */
  String sshTarget() {
    return "root@" + peerAddress;
  }

  /** The ssh options that reach this host's sshd with the generated key. */
  List<String> sshOptions() {
    return List.of("-i", dir.resolve("id_ed25519").toString(), "-o", "UserKnownHostsFile=/dev/null",
        "-o", "StrictHostKeyChecking=no", "-o", "LogLevel=ERROR");
  }

  /** Takes the link down on the host's side. */
  void linkDown() throws IOException {
    sh("ip", "-n", ns, "link", "set", vethThere, "down");
  }

  /** Brings the link up again. */
  void linkUp() throws IOException {
    sh("ip", "-n", ns, "link", "set", vethThere, "up");
  }

  /** Runs {@code command} inside the namespace as a process of this JVM. */
  ProcessBuilder inside(String... command) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    cmd.addAll(List.of(command));
    return new ProcessBuilder(cmd);
  }

  /** Every process in the namespace, as {@code pid command line}, except sshd's listener. */
  List<String> processes() throws IOException {
    List<String> out = new ArrayList<>();
    long sshdPid = sshdPid();
    for (String line : sh("ip", "netns", "pids", ns).split("\n")) {
      if (line.isBlank()) continue;
      long pid = Long.parseLong(line.strip());
      if (pid == sshdPid || sshd != null && pid == sshd.pid()) continue;
      if (ProcessAssertions.hasExited(pid)) continue;
      out.add(pid + " " + ProcessHandle.of(pid).flatMap(p -> p.info().commandLine()).orElse("?"));
    }
    return out;
  }

  /** Waits until no process but sshd's listener is left in the namespace; what is left. */
  List<String> awaitNoProcesses(Duration limit) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    List<String> left = processes();
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
      left = processes();
    }
    return left;
  }

  private long sshdPid() {
    try {
      return Long.parseLong(Files.readString(dir.resolve("sshd.pid")).strip());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /** Kills whatever runs in the namespace, then removes it (and its veth pair). */
  @Override
  public void close() throws IOException {
    try {
      for (String line : sh("ip", "netns", "pids", ns).split("\n")) {
        if (!line.isBlank()) ProcessHandle.of(Long.parseLong(line.strip())).ifPresent(ProcessHandle::destroyForcibly);
      }
      if (sshd != null) {
        sshd.destroyForcibly();
        try {
          sshd.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    } finally {
      try {
        sh("ip", "link", "del", vethHere);
      } catch (IOException | RuntimeException gone) {
        // went with the namespace's end of it
      }
      sh("ip", "netns", "del", ns);
    }
  }

  /** Runs a command to completion; its stdout. */
  static String sh(String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (p.exitValue() != 0) throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + out.strip());
    return out;
  }
}
