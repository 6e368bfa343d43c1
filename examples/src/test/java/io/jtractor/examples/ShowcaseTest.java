package io.jtractor.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ShowcaseTest {

  @Test
  @Timeout(60)
  void theShowcaseTellsItsStoryAndLeavesNoProcess() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new Showcase(new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out)
        .contains("spawned daemon 'feed': feed (pid ")
        .containsPattern("worker-a answered \\d+\\.\\d\\d, worker-b answered \\d+\\.\\d\\d")
        .containsPattern("the registrar has 'feed' at 127\\.0\\.0\\.1:\\d+")
        .contains("nursery raised a boxed IllegalStateException from actor 'strict'")
        .contains("is a spike (999): refusing to average it")
        .contains("remote trace points at: at io.jtractor.examples.Workers")
        .containsPattern("one actor: 114155 primes in \\d+ ms")
        .containsPattern("\\d actors: 114155 primes in \\d+ ms: \\d+\\.\\d\\dx speed-up")
        .contains("cleanup finished")
        .contains("cancelledCaught=true")
        .contains("child processes left: 0");
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count()).isZero();
  }
}
