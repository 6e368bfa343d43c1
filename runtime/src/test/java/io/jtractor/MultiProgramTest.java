package io.jtractor;

import static io.jtractor.ProcessAssertions.assertNoProcessLeft;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jtractor.config.ActorConfig;
import io.jtractor.funcs.DaemonProgram;
import io.jtractor.funcs.DiscoveryFuncs;
import io.jtractor.runtime.Actor;
import io.jtractor.wire.Uid;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Separate OS programs sharing one registrar (tractor's test_multi_program, and test_discovery's
 * remote-registrar cases): each program here is a real JVM started with this test's classpath.
 */
@DisplayName("separate programs sharing a registrar")
class MultiProgramTest {
  private final List<Program> programs = new ArrayList<>();

  /** A started program, its output lines, and the address it printed. */
  record Program(Process process, List<String> output, CompletableFuture<Void> drained, InetSocketAddress address, boolean registrar) {
    String text() {
      return String.join("\n", output);
    }
  }

  @AfterEach
  void killLeftoversThenAssertNoneWereLeft() {
    boolean leftovers = false;
    for (Program p : programs) {
      if (p.process.isAlive()) {
        leftovers = true;
        p.process.destroyForcibly();
      }
    }
    assertThat(leftovers).as("a program the test should have ended was still running").isFalse();
    assertNoProcessLeft();
  }

  private Program daemon(String name, String registry) throws Exception {
    return daemon(name, registry, java.util.Map.of());
  }

  private Program daemon(String name, String registry, java.util.Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(
        ProcessHandle.current().info().command().orElseThrow(),
        "-cp", System.getProperty("java.class.path"),
        // The secret the programs share: the test's key file, never the user's.
        "-Djtractor.configDir=" + System.getProperty("jtractor.configDir"),
        DaemonProgram.class.getName(), name, registry);
    pb.redirectErrorStream(true);
    pb.environment().putAll(env);
    Process proc = pb.start();
    List<String> lines = new CopyOnWriteArrayList<>();
    CompletableFuture<String> listening = new CompletableFuture<>();
    CompletableFuture<Void> drained = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          lines.add(line);
          if (line.startsWith("LISTENING ")) listening.complete(line);
        }
      } catch (Exception ignored) {
        // the program ended
      }
      listening.completeExceptionally(new IllegalStateException("exited without listening: " + lines));
      drained.complete(null);
    });
    String line = listening.get(20, TimeUnit.SECONDS);
    String[] parts = line.split(" ");
    Program p = new Program(proc, lines, drained, Jtractor.parseAddress(parts[1]), parts[2].equals("registrar=true"));
    programs.add(p);
    return p;
  }

  private static String hostPort(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }

  private static void signal(Program p, String sig) throws Exception {
    new ProcessBuilder("kill", "-" + sig, Long.toString(p.process.pid())).start().waitFor();
  }

  private static int awaitExit(Program p) throws Exception {
    assertThat(p.process.waitFor(10, TimeUnit.SECONDS)).as("program ended; output:\n%s", p.text()).isTrue();
    p.drained.get(5, TimeUnit.SECONDS); // its last lines read
    return p.process.exitValue();
  }

  private static Root rootUsing(Program registrar, Class<?>... modules) {
    return Jtractor.openRoot(ActorConfig.of("root", List.of(modules)).withRegistry(registrar.address));
  }

  @Test
  void aDaemonStopsCleanlyOnSigint() throws Exception {
    Program reg = daemon("registrar", "127.0.0.1:0");
    assertThat(reg.registrar).isTrue();
    signal(reg, "INT");
    assertThat(awaitExit(reg)).isEqualTo(130);
    assertThat(reg.text()).contains("STOPPED stopped by SIGINT");
  }

  @Test
  void aDaemonStopsCleanlyOnSigtermAndUnregisters() throws Exception {
    Program reg = daemon("registrar", "127.0.0.1:0");
    Program svc = daemon("svc", hostPort(reg.address));
    assertThat(svc.registrar).isFalse();
    try (Root root = rootUsing(reg)) {
      assertThat(Discovery.registry().keySet().stream().map(Uid::name).collect(Collectors.toSet()))
          .isEqualTo(Set.of("registrar", "svc", "root"));
      signal(svc, "TERM");
      assertThat(awaitExit(svc)).isEqualTo(143);
      // It withdrew its registration before it exited.
      assertThat(Discovery.registry().keySet().stream().map(Uid::name)).containsExactlyInAnyOrder("registrar", "root");
    }
    signal(reg, "INT");
    assertThat(awaitExit(reg)).isEqualTo(130);
  }

  @Test
  void cancellingARemoteRegistrarEndsItsProgram() throws Exception {
    Program reg = daemon("registrar", "127.0.0.1:0");
    try (Root root = rootUsing(reg)) {
      assertThat(root.isRegistrar()).isFalse();
      try (Portal registrar = Discovery.getRegistrar()) {
        assertThat(registrar.cancelActor()).isTrue();
      }
      // tractor's daemon keeps its process running, serving nothing; ours exits.
      assertThat(awaitExit(reg)).isZero();
      assertThat(reg.text()).contains("STOPPED cancelled by ('root'");
      assertThatThrownBy(() -> new Socket(reg.address.getAddress(), reg.address.getPort()).close())
          .isInstanceOf(java.net.ConnectException.class);
    }
  }

  @Test
  void separateProgramsFindAndCallEachOtherThroughTheRegistrar() throws Exception {
    Program reg = daemon("registrar", "127.0.0.1:0");
    Program svc = daemon("svc", hostPort(reg.address));
    try (Root root = rootUsing(reg, DiscoveryFuncs.class)) {
      try (Portal p = Discovery.waitForActor("svc")) {
        assertThat(p.run(DiscoveryFuncs::hi)).isEqualTo("Hi my name is svc");
      }
      // Our subactors register with the remote registrar, and are gone from it once cancelled.
      root.openNursery(an -> {
        for (int i = 0; i < 3; i++) an.startActor("a" + i, DiscoveryFuncs.class);
        for (int i = 0; i < 2; i++) Discovery.waitForActor("a" + i).close();
        try (Portal a2 = Discovery.waitForActor("a2")) {
          assertThat(Discovery.registry()).hasSize(6);
          // A subactor of ours finds the other program's actor too.
          assertThat(a2.run(DiscoveryFuncs::greet, "svc")).isEqualTo("Hi my name is svc");
        }
        an.cancel();
      });
      assertThat(Discovery.registry().keySet().stream().map(Uid::name)).containsExactlyInAnyOrder("registrar", "svc", "root");
    }
    signal(svc, "TERM");
    signal(reg, "TERM");
    assertThat(awaitExit(svc)).isEqualTo(143);
    assertThat(awaitExit(reg)).isEqualTo(143);
  }

  @Test
  void programsShareTheSecretInJtractorSecretAndAnotherSecretGetsNothing() throws Exception {
    String secret = "the secret these programs were given";
    // The variable wins over the key file the program could also read.
    Program reg = daemon("registrar", "127.0.0.1:0", java.util.Map.of("JTRACTOR_SECRET", secret));
    ActorConfig ours = ActorConfig.of("root", List.of(DiscoveryFuncs.class)).withRegistry(reg.address);
    try (Root root = Jtractor.openRoot(ours.withSecurity(ours.security().withSecret(io.jtractor.config.TreeSecret.ofText(secret))))) {
      assertThat(root.isRegistrar()).isFalse();
      assertThat(Discovery.registry().keySet().stream().map(Uid::name)).containsExactlyInAnyOrder("registrar", "root");
    }
    // A root holding another tree's secret learns at once that this registrar is not for it: it
    // does not open (rather than open unregistered and fail at its first lookup).
    ActorConfig theirs = ActorConfig.of("stranger", List.of()).withRegistry(reg.address);
    assertThatThrownBy(() -> Jtractor.openRoot(theirs.withSecurity(theirs.security().withSecret(io.jtractor.config.TreeSecret.of("some other tree's secret".getBytes())))).close())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot use the registrar at")
        .hasMessageContaining("shared secret")
        .hasRootCauseInstanceOf(io.jtractor.wire.WireException.Refused.class);
    signal(reg, "TERM");
    assertThat(awaitExit(reg)).isEqualTo(143);
  }

  @Test
  void twoActorsOfOneNameBothRegisterAndEitherIsFound() throws Exception {
    // tractor's test_register_duplicate_name, with a registrar in another program.
    Program reg = daemon("registrar", "127.0.0.1:0");
    try (Root root = rootUsing(reg, DiscoveryFuncs.class)) {
      root.openNursery(an -> {
        Portal d1 = an.startActor("doggy", DiscoveryFuncs.class);
        Portal d2 = an.startActor("doggy", DiscoveryFuncs.class);
        try (Portal found = Discovery.waitForActor("doggy")) {
          assertThat(found.uid()).isIn(d1.uid(), d2.uid());
        }
        an.cancel();
      });
    }
    signal(reg, "INT");
    assertThat(awaitExit(reg)).isEqualTo(130);
  }
}
