package io.jtractor;

import static io.jtractor.ProcessAssertions.assertNoProcessLeft;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jtractor.config.ActorConfig;
import io.jtractor.config.Placement;
import io.jtractor.config.SpawnOptions;
import io.jtractor.errors.ActorFailure;
import io.jtractor.errors.RemoteActorError;
import io.jtractor.funcs.Funcs;
import io.jtractor.funcs.HostFuncs;
import io.jtractor.runtime.remote.RemoteSpawn;
import io.jtractor.sc.Sc;
import io.jtractor.wire.TlsConfig;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Children on another host: a network namespace with its own sshd plays the host (see {@link
 * TestHosts}); the test JVM's namespace is the parent's host. Skipped, with the reason printed,
 * where namespaces cannot be made.
 */
@DisplayName("remote children: spawned over ssh, supervised across hosts, gone when the link is")
@Timeout(120)
class RemoteHostsTest {
  private static final Duration HEARTBEAT = Duration.ofSeconds(3);

  @BeforeEach
  void needsNamespaces() {
    TestHosts.assumeAvailable();
  }

  @AfterEach
  void noProcessLeft() {
    RemoteSpawn.closeConnections();
    assertNoProcessLeft();
  }

  static Root rootOn(TestHosts h, Path dir) throws Exception {
    TlsConfig keys = TestKeys.selfSigned(dir, "tree");
    ActorConfig c = ActorConfig.of("root", List.of(HostFuncs.class, Funcs.class))
        .withRegistry(null)
        .withBindAddress(new InetSocketAddress(h.hostAddress, 0));
    return Jtractor.openRoot(c.withSecurity(c.security().withTls(keys)));
  }

  static Placement placement(TestHosts h, Path dir) {
    return Placement.onHost(h.sshTarget())
        .withSshOptions(h.sshOptions())
        .withJava(ProcessHandle.current().info().command().orElseThrow())
        .withCacheDir(dir.resolve("remote-cache").toString())
        .withHeartbeatTimeout(HEARTBEAT);
  }

  @Test
  void aChildOnAnotherHostRunsIsSupervisedAndLeavesNothingOnEitherHost(@TempDir Path dir) throws Exception {
    try (TestHosts h = TestHosts.create(dir)) {
      h.startSshd();
      SpawnOptions remote = SpawnOptions.inherited().on(placement(h, dir));
      try (Root root = rootOn(h, dir)) {
        root.openNursery(an -> {
          // runInActor: the result comes back; the child listened on the remote host's address.
          assertThat(an.withSpawnOptions(remote).runInActor("far", HostFuncs::listenHost).<String>result()).isEqualTo(h.peerAddress);
          Portal daemon = an.startActor("far-daemon", remote, HostFuncs.class, Funcs.class);
          assertThat(daemon.run(Funcs::add, 2L, 3L)).isEqualTo(5L);
          // Its own children are local to it: on the remote host too.
          assertThat(daemon.run(HostFuncs::grandchildHost)).isEqualTo(h.peerAddress);
          // An error is boxed with its remote trace.
          Throwable e = catchThrowable(() -> daemon.run(HostFuncs::failHere));
          assertThat(e).isInstanceOf(RemoteActorError.class).hasMessageContaining("failed on " + h.peerAddress);
          assertThat(((RemoteActorError) e).remoteTraceback()).contains("HostFuncs.failHere");
          an.cancel();
        });
      }
      // The class path was shipped once, into the cache named by its hash.
      try (Stream<Path> cached = Files.list(dir.resolve("remote-cache"))) {
        assertThat(cached.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("cp-")).toList()).hasSize(1);
      }
      RemoteSpawn.closeConnections();
      assertThat(h.awaitNoProcesses(Duration.ofSeconds(10))).as("processes left on the remote host").isEmpty();
    }
  }

  @Test
  void aCutLinkIsAnErrorInTheParentAndEndsTheRemoteChildWithinTheHeartbeatTimeout(@TempDir Path dir) throws Exception {
    try (TestHosts h = TestHosts.create(dir)) {
      h.startSshd();
      SpawnOptions remote = SpawnOptions.inherited().on(placement(h, dir));
      long[] remotePid = {0};
      long[] cutAt = {0};
      Throwable err;
      try (Root root = rootOn(h, dir)) {
        err = catchThrowable(() -> root.openNursery(an -> {
          Portal p = an.startActor("far", remote, HostFuncs.class);
          remotePid[0] = p.run(HostFuncs::pid);
          h.linkDown();
          cutAt[0] = System.nanoTime();
          Sc.sleepForever(); // until the lost child fails the nursery
        }));
      }
      long seenAfterMs = (System.nanoTime() - cutAt[0]) / 1_000_000;
      System.err.println("the parent saw the cut link after " + seenAfterMs + " ms (heartbeat timeout " + HEARTBEAT.toMillis() + " ms): " + err);
      assertThat(err).isInstanceOf(ActorFailure.class).hasMessageContaining("far").hasMessageContaining("lost its SSH connection to " + h.peerAddress);
      assertThat(seenAfterMs).as("the parent saw the loss after %d ms", seenAfterMs).isLessThan(HEARTBEAT.toMillis() * 2);
      // The remote child is gone within the timeout, without any word from its parent.
      assertThat(ProcessAssertions.awaitGone(remotePid[0], HEARTBEAT.multipliedBy(2))).as("remote child exited").isTrue();
      System.err.println("the remote child was gone " + (System.nanoTime() - cutAt[0]) / 1_000_000 + " ms after the cut");
      RemoteSpawn.closeConnections();
      assertThat(h.awaitNoProcesses(Duration.ofSeconds(10))).as("processes left on the remote host").isEmpty();
    }
  }

  @Test
  void aHostWithoutJdk25IsAClearBootErrorInTheNursery(@TempDir Path dir) throws Exception {
    Path jdk = dir.resolve("old-jdk");
    Files.createDirectories(jdk.resolve("bin"));
    Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"17.0.2\"\n");
    Path java = jdk.resolve("bin/java");
    Files.writeString(java, "#!/bin/sh\necho 'openjdk version \"17.0.2\" 2022-01-18' >&2\n");
    java.toFile().setExecutable(true);
    try (TestHosts h = TestHosts.create(dir)) {
      h.startSshd();
      SpawnOptions remote = SpawnOptions.inherited().on(placement(h, dir).withJava(java.toString()));
      try (Root root = rootOn(h, dir)) {
        Throwable err = catchThrowable(() -> root.openNursery(an -> an.withSpawnOptions(remote).runInActor("old", HostFuncs::listenHost).result()));
        assertThat(err).isInstanceOf(ActorFailure.class)
            .hasMessageContaining("old")
            .hasMessageContaining("is Java 17")
            .hasMessageContaining("needs a JDK 25");
      }
      RemoteSpawn.closeConnections();
      assertThat(h.awaitNoProcesses(Duration.ofSeconds(10))).as("processes left on the remote host").isEmpty();
    }
  }
}
