package io.jtractor.bench;

import io.jtractor.Discovery;
import io.jtractor.Jtractor;
import io.jtractor.MsgStream;
import io.jtractor.Portal;
import io.jtractor.Root;
import io.jtractor.config.ActorConfig;
import io.jtractor.config.Placement;
import io.jtractor.config.SpawnOptions;
import io.jtractor.runtime.remote.RemoteSpawn;
import io.jtractor.wire.TlsConfig;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Across two hosts (this network namespace and a second one linked by a veth pair, see {@link
 * Netns}; needs root, sshd and etcd installed): {@code Portal.run} echo round trips and one-way
 * streaming to a child on the other host, each against raw TCP over the same veth in the same run
 * (a plain JVM there echoing or reading the same frames); spawn-to-result on the other host, cold
 * and warm; and the time etcd takes to drop an actor whose JVM was killed.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar io.jtractor.bench.HostsBench [calls=5000] [messages=100000]}
 */
public final class HostsBench {
  private HostsBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("doomed")) {
      doomed();
      return;
    }
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
    int messages = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    try (Netns ns = new Netns()) {
      ns.sshd();
      ns.etcd();
      TlsConfig keys = keys(ns.dir);
      Placement there = Placement.onHost("root@" + Netns.THERE).withSshOptions(ns.sshOptions())
          .withJava(ProcessHandle.current().info().command().orElseThrow()).withCacheDir(ns.dir.resolve("cache").toString());
      try {
        ActorConfig tls = rootConfig().withSecurity(rootConfig().security().withTls(keys));
        spawnTimes(tls, there);
        transport("TLS", tls, there, calls, messages);
        ActorConfig plain = rootConfig().withSecurity(rootConfig().security().withAllowPlaintext(true));
        transport("plaintext", plain, there, calls, messages);
      } finally {
        RemoteSpawn.closeConnections();
      }
      etcdNotice(ns, 2);
      etcdNotice(ns, 5);
    }
  }

  private static ActorConfig rootConfig() {
    return ActorConfig.of("bench", List.of(BenchFuncs.class)).withRegistry(null).withBindAddress(new InetSocketAddress(Netns.HERE, 0));
  }

  private static void spawnTimes(ActorConfig config, Placement there) {
    SpawnOptions remote = SpawnOptions.DEFAULT.on(there);
    try (Root root = Jtractor.openRoot(config)) {
      System.out.printf("spawn-to-result, remote, cold (first ssh connection, class path shipped): %d ms%n", spawnToResult(root, remote));
      for (int i = 0; i < 3; i++) {
        RemoteSpawn.closeConnections();
        System.out.printf("spawn-to-result, remote, new ssh connection (class path cached there): %d ms%n", spawnToResult(root, remote));
      }
      long[] warm = new long[5];
      for (int i = 0; i < warm.length; i++) warm[i] = spawnToResult(root, remote);
      System.out.printf("spawn-to-result, remote, warm (ssh connection open): %s ms%n", Arrays.toString(warm));
      long[] local = new long[3];
      for (int i = 0; i < local.length; i++) local[i] = spawnToResult(root, SpawnOptions.DEFAULT);
      System.out.printf("spawn-to-result, local child, same run: %s ms%n", Arrays.toString(local));
    }
  }

  private static long spawnToResult(Root root, SpawnOptions options) {
    long[] ms = {0};
    root.openNursery(an -> {
      long t0 = System.nanoTime();
      an.withSpawnOptions(options).runInActor("spawned", BenchFuncs::add, 1L, 2L).result();
      ms[0] = (System.nanoTime() - t0) / 1_000_000;
    });
    return ms[0];
  }

  private static void transport(String label, ActorConfig config, Placement there, int calls, int messages) throws Exception {
    try (Root root = Jtractor.openRoot(config); Raw echo = new Raw()) {
      root.openNursery(an -> {
        Portal p = an.startActor("far-echo", SpawnOptions.DEFAULT.on(there), BenchFuncs.class);
        for (int i = 0; i < 2_000; i++) {
          p.run(BenchFuncs::echo, (long) i);
          echo.roundTrip();
        }
        long[] jt = new long[calls];
        long[] raw = new long[calls];
        for (int block = 0; block < calls; block += 500) {
          for (int i = block; i < Math.min(calls, block + 500); i++) {
            long t0 = System.nanoTime();
            p.run(BenchFuncs::echo, (long) i);
            jt[i] = System.nanoTime() - t0;
          }
          for (int i = block; i < Math.min(calls, block + 500); i++) {
            long t0 = System.nanoTime();
            echo.roundTrip();
            raw[i] = System.nanoTime() - t0;
          }
        }
        System.out.printf("[%s] Portal.run echo across hosts: mean %.1f us, p50 %.1f us, p99 %.1f us; raw TCP over the veth: mean %.1f us, p50 %.1f us, p99 %.1f us%n",
            label, mean(jt), pct(jt, 50), pct(jt, 99), mean(raw), pct(raw, 50), pct(raw, 99));
        for (int round = 0; round < 3; round++) {
          long[] got = {0};
          double rate = StreamBench.sinkRate(p, messages, got);
          double rawRate;
          try (Raw sink = new Raw("sink", Integer.toString(messages))) {
            rawRate = sink.oneWay(messages);
          }
          System.out.printf("[%s] one-way stream of %d messages across hosts: %.0f msg/s; raw TCP over the veth: %.0f msg/s%n", label, messages, rate, rawRate);
        }
        p.cancelActor();
      });
    }
  }

  /** Kills a root registered on etcd (lease TTL {@code ttl} s) and times until its entry is gone. */
  private static void etcdNotice(Netns ns, int ttl) throws Exception {
    String registry = "etcd://" + Netns.THERE + ":2379?ttl=" + ttl;
    String before = System.getProperty(Jtractor.REGISTRY_PROPERTY);
    System.setProperty(Jtractor.REGISTRY_PROPERTY, registry);
    try (Root root = Jtractor.openRoot(Jtractor.rootConfig("watcher"))) {
      List<Long> ms = new ArrayList<>();
      for (int round = 0; round < 3; round++) {
        Process doomed = new ProcessBuilder(ActorBench.javaCommand("-D" + Jtractor.REGISTRY_PROPERTY + "=" + registry,
            "-cp", System.getProperty("java.class.path"), HostsBench.class.getName(), "doomed")).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        new BufferedReader(new InputStreamReader(doomed.getInputStream())).readLine(); // READY
        root.openNursery(an -> {
          if (Discovery.queryActor("doomed").isEmpty()) throw new IllegalStateException("doomed did not register");
          doomed.destroyForcibly();
          long t0 = System.nanoTime();
          while (Discovery.queryActor("doomed").isPresent()) io.jtractor.sc.Sc.sleep(java.time.Duration.ofMillis(10));
          ms.add((System.nanoTime() - t0) / 1_000_000);
        });
        doomed.waitFor();
      }
      System.out.printf("etcd dropped a killed actor (lease TTL %d s, kept alive every %d ms) after %s ms%n", ttl, ttl * 1000 / 3, ms);
    } finally {
      if (before == null) System.clearProperty(Jtractor.REGISTRY_PROPERTY);
      else System.setProperty(Jtractor.REGISTRY_PROPERTY, before);
    }
  }

  /** A root that registers on etcd and waits to be killed. */
  private static void doomed() throws Exception {
    try (Root root = Jtractor.openRoot(Jtractor.rootConfig("doomed"))) {
      System.out.println("READY");
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  private static TlsConfig keys(Path dir) throws Exception {
    Path store = dir.resolve("bench.p12");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair", "-keyalg", "EC",
        "-groupname", "secp256r1", "-alias", "bench", "-dname", "CN=bench", "-validity", "2", "-keystore", store.toString(),
        "-storetype", "PKCS12", "-storepass", "bench-only").redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    if (p.waitFor() != 0) throw new IllegalStateException("keytool failed");
    return new TlsConfig(store, "bench-only".toCharArray(), store, "bench-only".toCharArray());
  }

  private static double mean(long[] ns) {
    return Arrays.stream(ns).average().orElse(0) / 1e3;
  }

  private static double pct(long[] ns, int p) {
    long[] s = ns.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, s.length * p / 100)] / 1e3;
  }

  /** A plain JVM on the other host echoing (or only reading) 50-byte frames, and a socket to it over the veth. */
  private static final class Raw implements AutoCloseable {
    private final Process process;
    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final byte[] msg = new byte[50];

    Raw(String... args) throws Exception {
      List<String> cmd = new ArrayList<>(ActorBench.javaCommand("-Draw.bind=" + Netns.THERE, "-cp", System.getProperty("java.class.path"), RawEcho.class.getName()));
      cmd.addAll(List.of(args));
      List<String> inside = new ArrayList<>(List.of("ip", "netns", "exec", "jtbench" + ProcessHandle.current().pid()));
      inside.addAll(cmd);
      process = new ProcessBuilder(inside).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      int port = Integer.parseInt(new BufferedReader(new InputStreamReader(process.getInputStream())).readLine().trim());
      socket = new Socket(Netns.THERE, port);
      socket.setTcpNoDelay(true);
      in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
      out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
    }

    void roundTrip() throws java.io.IOException {
      out.writeInt(Integer.reverseBytes(msg.length));
      out.write(msg);
      out.flush();
      in.readFully(msg, 0, Integer.reverseBytes(in.readInt()));
    }

    /** Writes {@code n} frames to a sink and waits for its one answer (it has read them all); frames per second. */
    double oneWay(int n) throws java.io.IOException {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        out.writeInt(Integer.reverseBytes(msg.length));
        out.write(msg);
      }
      out.flush();
      in.readInt();
      in.readByte();
      return n / ((System.nanoTime() - t0) / 1e9);
    }

    @Override
    public void close() throws Exception {
      socket.close();
      process.destroy();
      process.waitFor();
    }
  }
}
