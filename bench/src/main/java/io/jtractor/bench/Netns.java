package io.jtractor.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A second host for {@link HostsBench}: a network namespace linked to this one by a veth pair
 * (10.77.0.1 here, 10.77.0.2 there), with sshd and, when asked, etcd inside. Needs root; removed
 * by {@link #close}.
 */
final class Netns implements AutoCloseable {
  static final String HERE = "10.77.0.1";
  static final String THERE = "10.77.0.2";
  final String name = "jtbench" + ProcessHandle.current().pid();
  final Path dir;
  private final List<Process> daemons = new ArrayList<>();

  Netns() throws IOException {
    dir = Files.createTempDirectory("jtractor-hosts-bench");
    sh("ip", "netns", "add", name);
    sh("ip", "link", "add", "jtbA", "type", "veth", "peer", "name", "jtbB");
    sh("ip", "link", "set", "jtbB", "netns", name);
    sh("ip", "addr", "add", HERE + "/24", "dev", "jtbA");
    sh("ip", "link", "set", "jtbA", "up");
    sh("ip", "-n", name, "addr", "add", THERE + "/24", "dev", "jtbB");
    sh("ip", "-n", name, "link", "set", "jtbB", "up");
    sh("ip", "-n", name, "link", "set", "lo", "up");
  }

  ProcessBuilder inside(List<String> command) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
    cmd.addAll(command);
    return new ProcessBuilder(cmd);
  }

  /** Starts sshd there, accepting {@link #sshOptions}' key. */
  void sshd() throws Exception {
    Files.createDirectories(Path.of("/run/sshd"));
    sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("host").toString());
    sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("id").toString());
    Files.copy(dir.resolve("id.pub"), dir.resolve("authorized_keys"));
    Files.writeString(dir.resolve("sshd_config"), String.join("\n", "ListenAddress " + THERE, "HostKey " + dir.resolve("host"),
        "AuthorizedKeysFile " + dir.resolve("authorized_keys"), "PidFile " + dir.resolve("sshd.pid"), "PermitRootLogin prohibit-password",
        "PasswordAuthentication no", "UsePAM no", "StrictModes no", "MaxSessions 200", "MaxStartups 200", "LogLevel ERROR", ""));
    daemon(List.of("/usr/sbin/sshd", "-D", "-e", "-f", dir.resolve("sshd_config").toString()), 22);
  }

  List<String> sshOptions() {
    return List.of("-i", dir.resolve("id").toString(), "-o", "UserKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "LogLevel=ERROR");
  }

  /** Starts etcd there on port 2379. */
  void etcd() throws Exception {
    String url = "http://" + THERE + ":2379";
    daemon(List.of("/usr/bin/etcd", "--data-dir", dir.resolve("etcd").toString(), "--listen-client-urls", url, "--advertise-client-urls", url,
        "--listen-peer-urls", "http://127.0.0.1:2380", "--log-level", "error"), 2379);
  }

  private void daemon(List<String> cmd, int port) throws Exception {
    Process p = inside(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(port + ".log").toFile()).start();
    daemons.add(p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(THERE, port), 200);
        return;
      } catch (IOException notYet) {
        if (!p.isAlive() || System.nanoTime() > deadline) throw new IOException(cmd.getFirst() + " did not start: " + Files.readString(dir.resolve(port + ".log")));
        Thread.sleep(20);
      }
    }
  }

  @Override
  public void close() throws IOException {
    for (String pid : sh("ip", "netns", "pids", name).split("\n")) {
      if (!pid.isBlank()) ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly);
    }
    for (Process p : daemons) {
      try {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    sh("ip", "netns", "del", name);
    try {
      sh("ip", "link", "del", "jtbA");
    } catch (IOException gone) {
      // went with the namespace
    }
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  static String sh(String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      p.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (p.exitValue() != 0) throw new IOException(String.join(" ", command) + ": " + out.strip());
    return out;
  }
}
