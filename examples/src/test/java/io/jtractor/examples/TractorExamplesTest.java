package io.jtractor.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtractor.examples.reactor.ReactorFluxStreaming;
import io.jtractor.examples.tractor.ATrynamicFirstScene;
import io.jtractor.examples.tractor.ActorSpawningAndCausality;
import io.jtractor.examples.tractor.ActorSpawningAndCausalityWithDaemon;
import io.jtractor.examples.tractor.AsynchronousGenerators;
import io.jtractor.examples.tractor.ConcurrentActorsPrimes;
import io.jtractor.examples.tractor.FullFledgedStreamingService;
import io.jtractor.examples.tractor.InfectedAsyncioEchoServer;
import io.jtractor.examples.tractor.MultipleStreamsOnePortal;
import io.jtractor.examples.tractor.QuickCluster;
import io.jtractor.examples.tractor.RemoteErrorPropagation;
import io.jtractor.examples.tractor.RpcBidirStreaming;
import io.jtractor.examples.tractor.ServiceDiscovery;
import io.jtractor.examples.tractor.SingleFunc;
import io.jtractor.examples.tractor.WeAreProcesses;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs every port of a tractor example script in a JVM of its own, as tractor's {@code
 * test_docs_examples} runs each script with {@code python}: it must exit 0, its last line on
 * stderr must not mention an error, and it must leave no process behind.
 */
@DisplayName("tractor's examples, each run as a program")
class TractorExamplesTest {
  private static final long RUN_LIMIT_SECONDS = 60;

  @ParameterizedTest(name = "{0}")
  @ValueSource(classes = {
      ActorSpawningAndCausality.class,
      AsynchronousGenerators.class,
      RemoteErrorPropagation.class,
      RpcBidirStreaming.class,
      MultipleStreamsOnePortal.class,
      QuickCluster.class,
      ActorSpawningAndCausalityWithDaemon.class,
      ServiceDiscovery.class,
      ATrynamicFirstScene.class,
      FullFledgedStreamingService.class,
      SingleFunc.class,
      ConcurrentActorsPrimes.class,
      WeAreProcesses.class,
      InfectedAsyncioEchoServer.class,
      ReactorFluxStreaming.class,
  })
  @Timeout(RUN_LIMIT_SECONDS + 10)
  void runsToACleanExit(Class<?> example) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(
        ProcessHandle.current().info().command().orElseThrow(),
        "-cp", System.getProperty("java.class.path"),
        "--sun-misc-unsafe-memory-access=allow",
        // A private registrar on a free port: never the shared default port 1616.
        "-Djtractor.registry=127.0.0.1:0",
        example.getName());
    Process proc = pb.start();
    List<String> out = new CopyOnWriteArrayList<>();
    List<String> err = new CopyOnWriteArrayList<>();
    Thread outReader = drain(proc.getInputStream(), out);
    Thread errReader = drain(proc.getErrorStream(), err);

    boolean exited = proc.waitFor(RUN_LIMIT_SECONDS, TimeUnit.SECONDS);
    if (!exited) {
      proc.descendants().forEach(ProcessHandle::destroyForcibly);
      proc.destroyForcibly().waitFor();
    }
    outReader.join(5_000);
    errReader.join(5_000);
    String transcript = "stdout:\n" + String.join("\n", out) + "\nstderr:\n" + String.join("\n", err);

    assertThat(exited).as("%s finished within %d s; %s", example.getSimpleName(), RUN_LIMIT_SECONDS, transcript).isTrue();
    assertThat(proc.exitValue()).as("exit code; %s", transcript).isZero();
    if (!err.isEmpty()) {
      assertThat(err.getLast()).as("last line on stderr; %s", transcript).doesNotContain("Error");
    }
    assertNoProcessLeft();
  }

  private static Thread drain(InputStream in, List<String> lines) {
    return Thread.ofVirtual().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) lines.add(line);
      } catch (Exception ignored) {
        // the program ended
      }
    });
  }

  /** Every process this JVM started is gone, allowing a moment for the last ones to exit. */
  private static void assertNoProcessLeft() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    List<ProcessHandle> live = liveDescendants();
    while (!live.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
      live = liveDescendants();
    }
    assertThat(live)
        .as("processes left behind: %s", live.stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList())
        .isEmpty();
  }

  private static List<ProcessHandle> liveDescendants() {
    return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
  }
}
