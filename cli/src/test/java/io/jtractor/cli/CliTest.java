package io.jtractor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtractor.Discovery;
import io.jtractor.Jtractor;
import io.jtractor.Root;
import io.jtractor.config.ActorConfig;
import io.jtractor.runtime.Actor;
import io.jtractor.wire.Uid;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The {@code jtractor} tool: its commands run as real programs, as a user runs them. */
@DisplayName("the jtractor command-line tool")
class CliTest {
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void noProcessLeft() {
    for (Process p : started) p.destroyForcibly();
    long deadline = System.nanoTime() + 3_000_000_000L;
    while (ProcessHandle.current().descendants().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList()).isEmpty();
  }

  /** A program running {@link Main} with {@code args}; its merged output is collected. */
  private record Program(Process process, List<String> lines, CompletableFuture<Void> drained) {
    String text() {
      return String.join("\n", lines);
    }

    int awaitExit() throws Exception {
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("exited; output:\n%s", text()).isTrue();
      drained.get(5, TimeUnit.SECONDS); // every line read, up to end of file
      return process.exitValue();
    }
  }

  private Program jtractor(String... args) throws Exception {
    return jtractor(java.util.Map.of(), args);
  }

  private Program jtractor(java.util.Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(
        ProcessHandle.current().info().command().orElseThrow(),
        "-Djtractor.registry=127.0.0.1:0", // never the fixed default: the demo would bind it
        "-Djtractor.configDir=" + System.getProperty("jtractor.configDir"), // the test's key file, not the user's
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    started.add(p);
    List<String> lines = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> drained = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) lines.add(line);
      } catch (Exception ignored) {
        // ended
      } finally {
        drained.complete(null);
      }
    });
    return new Program(p, lines, drained);
  }

  private static InetSocketAddress awaitListening(Program registrar) throws Exception {
    Pattern listening = Pattern.compile("listening on ([0-9.]+):(\\d+)");
    CompletableFuture<InetSocketAddress> found = new CompletableFuture<>();
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (System.nanoTime() < deadline) {
      for (String l : registrar.lines) {
        Matcher m = listening.matcher(l);
        if (m.find()) return new InetSocketAddress(m.group(1), Integer.parseInt(m.group(2)));
      }
      if (!registrar.process.isAlive()) break;
      Thread.sleep(20);
    }
    throw new AssertionError("the registrar did not say where it listens:\n" + registrar.text());
  }

  @Test
  void psShowsEveryRegisteredActorAsATreeOfWhoSpawnedWhom() throws Exception {
    Program registrar = jtractor("registrar", "--port", "0");
    InetSocketAddress at = awaitListening(registrar);
    try (Root root = Jtractor.openRoot(ActorConfig.of("app", List.of()).withRegistry(at))) {
      root.openNursery(an -> {
        an.startActor("kid", CliTest.class);
        an.startActor("other-kid", CliTest.class);
        Discovery.waitForActor("kid").close();
        Discovery.waitForActor("other-kid").close();
        Program ps = jtractor("ps", "--host", "127.0.0.1", "--port", Integer.toString(at.getPort()));
        assertThat(ps.awaitExit()).isZero();
        String out = ps.text();
        assertThat(out).contains("ACTOR").contains("4 actors");
        assertThat(out).containsPattern("(?m)^registrar +\\S+ +127\\.0\\.0\\.1:" + at.getPort());
        assertThat(out).containsPattern("(?m)^app ");
        // Both under the root that spawned them, in the order they registered.
        assertThat(out).containsPattern("(?m)^├─ (kid|other-kid) ").containsPattern("(?m)^└─ (kid|other-kid) ");
        assertThat(out).containsPattern("(?m)^[├└]─ kid ").containsPattern("(?m)^[├└]─ other-kid ");
        assertThat(out).doesNotContain("jtractor-ps"); // ps itself does not register
        // --tasks: every actor's nurseries, scopes and tasks, each task with its top frames.
        Program tasks = jtractor("ps", "--tasks", "--port", Integer.toString(at.getPort()));
        assertThat(tasks.awaitExit()).isZero();
        assertThat(tasks.text()).contains("4 actors", "actor ('kid', '", "actor ('app', '", "actor ('registrar', '")
            .containsPattern("(?m)^  nursery$").containsPattern("(?m)^ +task accept:kid \\(\\w+\\)$").containsPattern("(?m)^ +at \\S+");
        an.cancel();
      });
    }
    assertThat(registrar.process.isAlive()).as("registrar alive before SIGTERM:\n%s", registrar.text()).isTrue();
    // kill(1), not Process.destroy(): destroy also closes our end of its output pipe, and the
    // registrar's last words would be lost.
    new ProcessBuilder("kill", "-TERM", Long.toString(registrar.process.pid())).start().waitFor();
    assertThat(registrar.awaitExit()).isEqualTo(143);
    assertThat(registrar.text()).contains("jtractor registrar stopped by SIGTERM");
  }

  @Test
  void aRegistrarRefusesAnAddressSomethingElseHolds() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      Program registrar = jtractor("registrar", "--port", Integer.toString(taken.getLocalPort()));
      assertThat(registrar.awaitExit()).isEqualTo(1);
      assertThat(registrar.text()).contains("something already listens at 127.0.0.1:" + taken.getLocalPort());
    }
  }

  @Test
  void aRegistrarAtAnAddressThisHostDoesNotHaveSaysExactlyThat() throws Exception {
    // 192.0.2.1: TEST-NET-1, reserved for documentation, never a host's address.
    Program registrar = jtractor("registrar", "--host", "192.0.2.1", "--port", "16161");
    assertThat(registrar.awaitExit()).isEqualTo(1);
    assertThat(registrar.text()).contains("this host has no address 192.0.2.1").doesNotContain("became the registrar");
  }

  @Test
  void psWithNoRegistrarThereSaysSo() throws Exception {
    int free;
    try (ServerSocket s = new ServerSocket(0)) {
      free = s.getLocalPort();
    }
    Program ps = jtractor("ps", "--port", Integer.toString(free));
    assertThat(ps.awaitExit()).isEqualTo(1);
    assertThat(ps.text()).contains("no registrar answers at 127.0.0.1:" + free);
  }

  @Test
  void demoRunsTheShowcase() throws Exception {
    Program demo = jtractor("demo");
    assertThat(demo.awaitExit()).as(demo.text()).isZero();
    assertThat(demo.text()).contains("jtractor showcase").contains("child processes left: 0");
  }

  @Test
  void aRegistrarBeyondLoopbackNeedsTlsOrPlaintextAskedForExplicitly() throws Exception {
    Program refused = jtractor("registrar", "--host", "0.0.0.0", "--port", "0");
    assertThat(refused.awaitExit()).isEqualTo(1);
    assertThat(refused.text()).contains("may not listen on 0.0.0.0").contains("TLS").contains("jtractor.allowPlaintext");
    Program plaintext = jtractor(java.util.Map.of("JTRACTOR_ALLOW_PLAINTEXT", "1"), "registrar", "--host", "0.0.0.0", "--port", "0");
    assertThat(awaitListening(plaintext).getPort()).isPositive();
    new ProcessBuilder("kill", "-TERM", Long.toString(plaintext.process.pid())).start().waitFor();
    assertThat(plaintext.awaitExit()).isEqualTo(143);
    assertThat(plaintext.text()).contains("in plaintext, as asked");
  }

  @Test
  void psHoldingAnotherSecretGetsNothingFromTheRegistrar() throws Exception {
    Program registrar = jtractor(java.util.Map.of("JTRACTOR_SECRET", "the registrar's own secret"), "registrar", "--port", "0");
    InetSocketAddress at = awaitListening(registrar);
    Program ps = jtractor(java.util.Map.of("JTRACTOR_SECRET", "a secret of another user!"), "ps", "--port", Integer.toString(at.getPort()));
    assertThat(ps.awaitExit()).isEqualTo(1);
    assertThat(ps.text()).contains("no authenticated connection with the registrar at 127.0.0.1:" + at.getPort());
    new ProcessBuilder("kill", "-TERM", Long.toString(registrar.process.pid())).start().waitFor();
    assertThat(registrar.awaitExit()).isEqualTo(143);
  }

  @Test
  void psAsksAPythonRegistrarOnlyWhatTractorHas() throws Exception {
    // A tractor registrar, played from the wire layer: registry_info would kill the real one.
    io.jtractor.wire.Uid registrarUid = io.jtractor.wire.Uid.random("registrar");
    List<String> asked = new CopyOnWriteArrayList<>();
    try (ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Thread serving = Thread.ofVirtual().start(() -> {
        while (!server.isClosed()) {
          try (io.jtractor.wire.WireChannel ch = io.jtractor.wire.WireChannel.wrap(server.accept(), io.jtractor.wire.WireChannel.Config.DEFAULT)) {
            ch.handshake(registrarUid, io.jtractor.wire.HandshakeAuth.NONE);
            if (ch.receive() instanceof io.jtractor.wire.Msg.Cmd cmd) {
              asked.add(cmd.func());
              ch.send(new io.jtractor.wire.Msg.Functype(cmd.cid(), io.jtractor.wire.Msg.ASYNCFUNC),
                  new io.jtractor.wire.Msg.Return(cmd.cid(), java.util.Map.of("registrar." + registrarUid.uuid(), List.of("127.0.0.1", (long) server.getLocalPort()))));
            }
          } catch (Exception probeOrClosed) {
            // probes, and ps closing
          }
        }
      });
      String port = Integer.toString(server.getLocalPort());
      Program refused = jtractor("ps", "--port", port);
      assertThat(refused.awaitExit()).isEqualTo(1);
      assertThat(refused.text()).contains("JTRACTOR_ALLOW_TRACTOR_PEERS");
      Program ps = jtractor(java.util.Map.of("JTRACTOR_ALLOW_TRACTOR_PEERS", "1"), "ps", "--port", port);
      assertThat(ps.awaitExit()).as(ps.text()).isZero();
      assertThat(ps.text()).containsPattern("(?m)^registrar +" + registrarUid.uuid().substring(0, 8)).contains("1 actor");
      server.close();
      serving.join(java.time.Duration.ofSeconds(5));
      assertThat(asked).containsExactly("get_registry");
    }
  }

  @Test
  void usageMistakesAreExplainedWithStatusTwo() {
    for (String[] args : List.of(new String[] {}, new String[] {"fly"}, new String[] {"ps", "--port"},
        new String[] {"ps", "--port", "x"}, new String[] {"registrar", "--colour", "red"}, new String[] {"demo", "now"})) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int status = Main.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
      assertThat(status).as("status of %s", List.of(args)).isEqualTo(2);
      assertThat(err.toString(StandardCharsets.UTF_8)).isNotBlank();
    }
  }

  @Test
  void theTreeNestsActorsUnderTheirRegisteredParents() {
    Uid root = new Uid("root", "11111111-aaaa");
    Uid child = new Uid("child", "22222222-bbbb");
    Uid grandchild = new Uid("grandchild", "33333333-cccc");
    Uid orphan = new Uid("lost", "44444444-dddd");
    InetSocketAddress a = new InetSocketAddress("127.0.0.1", 1);
    String tree = Main.renderTree(List.of(
        new Discovery.ActorInfo(root, a, null, 10),
        new Discovery.ActorInfo(child, a, root, 11),
        new Discovery.ActorInfo(grandchild, a, child, 12),
        new Discovery.ActorInfo(orphan, a, new Uid("gone", "x"), -1)));
    assertThat(tree.lines().toList()).containsExactly(
        "ACTOR             UUID      ADDRESS                PID",
        "root              11111111  127.0.0.1:1            10",
        "└─ child          22222222  127.0.0.1:1            11",
        "   └─ grandchild  33333333  127.0.0.1:1            12",
        "lost              44444444  127.0.0.1:1            ?",
        "4 actors");
  }

  @Test
  @org.junit.jupiter.api.Timeout(60)
  void debugRunsARootUnderAnAgentSoItsOwnCrashStopsWithItsVariables() throws Exception {
    Program p = jtractor("debug", "io.jtractor.examples.debugging.RootActorError");
    try (var in = p.process.getOutputStream()) {
      in.write("locals\nc\n".getBytes(StandardCharsets.UTF_8)); // read by the REPL once the root stops
    }
    assertThat(p.awaitExit()).isEqualTo(1);
    assertThat(p.text()).contains("Attaching to debugger in crashed actor: ('root'", "java.lang.AssertionError: assert 0", "zero = 0")
        .doesNotContain("no variables");
  }

  @Test
  void debugWithoutAMainClassIsAUsageError() throws Exception {
    Program p = jtractor("debug", "--cp");
    assertThat(p.awaitExit()).isEqualTo(2);
    assertThat(p.text()).contains("jtractor debug: --cp needs a class path", "usage: jtractor debug");
    assertThat(DebugLauncher.command(List.of("--cp", "/x", "a.B", "arg")))
        .contains(DebugLauncher.AGENT, "-Djtractor.debug=true", "a.B", "arg")
        .anyMatch(a -> a.startsWith("/x" + java.io.File.pathSeparator));
  }

  /** Nothing to call: the children above only need a class to expose. */
  public static void nothing() {}

}
