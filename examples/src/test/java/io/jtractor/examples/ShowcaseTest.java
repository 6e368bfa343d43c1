package io.jtractor.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ShowcaseTest {

  @Test
  void theShowcaseTellsItsStoryAndFinishes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new Showcase(new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out)
        .contains("job 7 is poisoned: failing")
        .contains("nursery raised: worker-")
        .contains("producer   cancelled, closing the channel")
        .contains("cleanup finished")
        .contains("cancelledCaught=true")
        .contains("sum of squares 0..15 = 1240")
        .contains("nursery raised a boxed ArithmeticException from actor 'faulty'")
        .contains("remote trace points at: at io.jtractor.examples.Workers.divide")
        .contains("child processes left: 0")
        .contains("done: every task finished");
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count()).isZero();
  }
}
