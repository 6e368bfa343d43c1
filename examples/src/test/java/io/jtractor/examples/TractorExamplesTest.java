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
    Program p = Program.java(example);
    boolean exited = p.waitFor(RUN_LIMIT_SECONDS);
    assertThat(exited).as("%s finished within %d s; %s", example.getSimpleName(), RUN_LIMIT_SECONDS, p.transcript()).isTrue();
    assertThat(p.process.exitValue()).as("exit code; %s", p.transcript()).isZero();
    if (!p.err.isEmpty()) {
      assertThat(p.err.getLast()).as("last line on stderr; %s", p.transcript()).doesNotContain("Error");
    }
    Program.assertNoProcessLeft();
  }
}
