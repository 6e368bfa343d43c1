package io.jtractor;

import static io.jtractor.ProcessAssertions.assertNoProcessLeft;
import static org.assertj.core.api.Assertions.assertThat;

import io.jtractor.config.ActorConfig;
import io.jtractor.funcs.EtcdRootProgram;
import io.jtractor.funcs.Funcs;
import io.jtractor.funcs.HostFuncs;
import io.jtractor.sc.Sc;
import io.jtractor.wire.TlsConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry on etcd ({@code -Djtractor.registry=etcd://...}): etcd runs on a host of its own
 * (a network namespace, see {@link TestHosts}), and so does a second root; they find each other
 * through it. Skipped, with the reason printed, where namespaces or etcd are not available.
 */
@DisplayName("registry on etcd: roots on two hosts find each other; leases, watches, recovery")
@Timeout(120)
class EtcdRegistryTest {
  private static final long TTL_S = 2;

  /** The registry setting the build gives every test (a private registrar): restored after each test. */
  private final String buildRegistry = System.getProperty(Jtractor.REGISTRY_PROPERTY);

  @BeforeEach
  void needsNamespacesAndEtcd() {
    TestHosts.assumeAvailable();
    if (!TestEtcd.installed()) System.err.println("SKIPPED (no etcd): apt-get install etcd-server");
    Assumptions.assumeTrue(TestEtcd.installed(), "etcd is not installed (apt-get install etcd-server)");
  }

  @AfterEach
  void noProcessLeft() {
    if (buildRegistry == null) System.clearProperty(Jtractor.REGISTRY_PROPERTY);
    else System.setProperty(Jtractor.REGISTRY_PROPERTY, buildRegistry);
    assertNoProcessLeft();
  }

  private static Root rootAt(String host, TlsConfig keys) {
    ActorConfig c = Jtractor.rootConfig("root", Funcs.class, HostFuncs.class).withBindAddress(new InetSocketAddress(host, 0));
    return Jtractor.openRoot(c.withSecurity(c.security().withTls(keys)));
  }

  @Test
  void rootsOnTwoHostsFindAndWatchForEachOtherAndADeadRootDisappearsWithItsLease(@TempDir Path dir) throws Exception {
    TlsConfig keys = TestKeys.selfSigned(dir, "tree");
    try (TestHosts h = TestHosts.create(dir); TestEtcd etcd = new TestEtcd(h, dir)) {
      etcd.start();
      String registry = etcd.address("?ttl=" + TTL_S);
      System.setProperty(Jtractor.REGISTRY_PROPERTY, registry);
      Process far = null;
      try (Root root = rootAt(h.hostAddress, keys)) {
        assertThat(root.registrarAddress()).as("no tractor registrar with etcd").isNull();
        Process[] farRoot = {null};
        root.openNursery(an -> {
          assertThat(Discovery.queryActor("far-root")).isEmpty();
          // The other root starts on the other host while we wait for it: a watch, not a poll.
          farRoot[0] = h.inside(ProcessHandle.current().info().command().orElseThrow(),
                  "-D" + Jtractor.REGISTRY_PROPERTY + "=" + registry,
                  "-Djtractor.configDir=" + System.getProperty("jtractor.configDir", dir.resolve("config").toString()),
                  "-Djtractor.tls.keyStore=" + keys.keyStore(), "-Djtractor.tls.keyStorePassword=" + TestKeys.PASSWORD,
                  "-cp", System.getProperty("java.class.path"), EtcdRootProgram.class.getName(), h.peerAddress)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
          try (Portal p = Discovery.waitForActor("far-root")) {
            assertThat(p.run(HostFuncs::listenHost)).isEqualTo(h.peerAddress);
          }
          awaitLine(farRoot[0], "READY");
          try (Portal kid = Discovery.findActor("far-kid").orElseThrow()) {
            assertThat(kid.run(Funcs::add, 1L, 2L)).isEqualTo(3L);
          }
          assertThat(Discovery.registry().keySet().stream().map(u -> u.name()).toList())
              .contains("root", "far-root", "far-kid");
          // Waiting for an actor that never comes ends when its caller is cancelled.
          long t0 = System.nanoTime();
          Sc.moveOnAfter(Duration.ofMillis(300), s -> Discovery.waitForActor("never"));
          assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));

          // The far root dies without unregistering: its lease expires, its entries go.
          farRoot[0].destroyForcibly();
          long killed = System.nanoTime();
          while (Discovery.queryActor("far-root").isPresent()) {
            assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(Duration.ofSeconds(TTL_S + 3));
            Sc.sleep(Duration.ofMillis(50));
          }
          long noticedMs = (System.nanoTime() - killed) / 1_000_000;
          System.err.println("etcd noticed a dead root after " + noticedMs + " ms (lease TTL " + TTL_S + " s)");
          assertThat(Discovery.queryActor("root")).as("the living root stays").isPresent();
        });
        far = farRoot[0];
      } finally {
        if (far != null) far.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      etcd.stop(false);
      assertThat(h.awaitNoProcesses(Duration.ofSeconds(10))).as("processes left on the other host").isEmpty();
    }
  }

  @Test
  void registrationsComeBackAfterEtcdRestartsWithoutItsData(@TempDir Path dir) throws Exception {
    TlsConfig keys = TestKeys.selfSigned(dir, "tree");
    try (TestHosts h = TestHosts.create(dir); TestEtcd etcd = new TestEtcd(h, dir)) {
      etcd.start();
      System.setProperty(Jtractor.REGISTRY_PROPERTY, etcd.address("?ttl=" + TTL_S));
      try (Root root = rootAt(h.hostAddress, keys)) {
        root.openNursery(an -> {
          an.startActor("kid", Funcs.class).run(Funcs::pid);
          assertThat(Discovery.queryActor("kid")).isPresent(); // a child registers before it serves
          etcd.stop(true);
          etcd.start();
          long t0 = System.nanoTime();
          while (present("kid").isEmpty() || present("root").isEmpty()) {
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(TTL_S + 5));
            Sc.sleep(Duration.ofMillis(50));
          }
          System.err.println("registrations back " + (System.nanoTime() - t0) / 1_000_000 + " ms after etcd restarted empty");
          try (Portal kid = Discovery.findActor("kid").orElseThrow()) {
            assertThat(kid.run(Funcs::add, 2L, 2L)).isEqualTo(4L);
          }
          an.cancel();
        });
        // Cancelled actors unregister: only the root is left, until it closes.
        assertThat(Discovery.queryActor("kid")).isEmpty();
      }
      etcd.stop(false);
      assertThat(h.awaitNoProcesses(Duration.ofSeconds(10))).as("processes left on the other host").isEmpty();
    }
  }

  private static Optional<InetSocketAddress> present(String name) {
    try {
      return Discovery.queryActor(name);
    } catch (java.io.UncheckedIOException etcdAway) {
      return Optional.empty();
    }
  }

  private static void awaitLine(Process p, String line) throws Exception {
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()));
    CompletableFuture<Boolean> seen = CompletableFuture.supplyAsync(() -> r.lines().anyMatch(line::equals));
    assertThat(seen.get(30, TimeUnit.SECONDS)).as("%s printed %s", p, line).isTrue();
  }
}
