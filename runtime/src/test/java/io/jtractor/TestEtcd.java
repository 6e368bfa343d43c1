package io.jtractor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** An etcd server (Debian's etcd-server) inside a {@link TestHosts} namespace, that a test can stop and start. */
final class TestEtcd implements AutoCloseable {
  private final TestHosts host;
  private final Path dataDir;
  private final Path log;
  private Process etcd;

  TestEtcd(TestHosts host, Path dir) {
    this.host = host;
    this.dataDir = dir.resolve("etcd-data");
    this.log = dir.resolve("etcd.log");
  }

  /** Whether the etcd command is installed. */
  static boolean installed() {
    return Files.isExecutable(Path.of("/usr/bin/etcd"));
  }

  /** {@code etcd://peer:2379} with the given query. */
  String address(String query) {
    return "etcd://" + host.peerAddress + ":2379" + query;
  }

  /** Starts etcd, listening on the host's address; waits until it answers. */
  void start() throws IOException, InterruptedException {
    String url = "http://" + host.peerAddress + ":2379";
    etcd = host.inside("/usr/bin/etcd", "--name", "jt", "--data-dir", dataDir.toString(),
            "--listen-client-urls", url, "--advertise-client-urls", url,
            "--listen-peer-urls", "http://127.0.0.1:2380", "--initial-advertise-peer-urls", "http://127.0.0.1:2380",
            "--initial-cluster", "jt=http://127.0.0.1:2380", "--log-level", "error")
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host.peerAddress, 2379), 200);
        return;
      } catch (IOException notYet) {
        if (!etcd.isAlive()) throw new IOException("etcd exited: " + Files.readString(log));
        if (System.nanoTime() > deadline) throw new IOException("etcd did not answer in 20 s");
        Thread.sleep(20);
      }
    }
  }

  /** Stops etcd (SIGTERM), and with {@code wipe} forgets everything it stored. */
  void stop(boolean wipe) throws IOException, InterruptedException {
    if (etcd != null) {
      etcd.destroy();
      if (!etcd.waitFor(10, TimeUnit.SECONDS)) etcd.destroyForcibly().waitFor();
      etcd = null;
    }
    if (wipe && Files.exists(dataDir)) {
      try (var walk = Files.walk(dataDir)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Override
  public void close() throws IOException {
    try {
      stop(false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
