package io.jtractor.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

  /**
   * Two showcases started at once with no registry set: each keeps a registry of its own, so its
   * workers stream from its own feed, never the other's; and neither prints a JVM warning.
   */
  @Test
  @Timeout(120)
  void twoShowcasesAtOnceEachStreamFromTheirOwnFeedAndPrintNoWarning() throws Exception {
    Program a = Program.javaWith(List.of(), Showcase.class);
    Program b = Program.javaWith(List.of(), Showcase.class);
    for (Program p : List.of(a, b)) {
      assertThat(p.waitFor(100)).as("the showcase finished; %s", p.transcript()).isTrue();
      assertThat(p.process.exitValue()).as(p.transcript()).isZero();
      String feedPid = p.out.stream()
          .map(l -> FEED.matcher(l))
          .filter(Matcher::find)
          .map(m -> m.group(1))
          .findFirst().orElseThrow(() -> new AssertionError("no feed pid in " + p.transcript()));
      List<String> streamedFrom = p.out.stream()
          .map(l -> STREAMING_FROM.matcher(l))
          .filter(Matcher::find)
          .map(m -> m.group(1))
          .toList();
      assertThat(streamedFrom).as("the feeds its workers streamed from; %s", p.transcript())
          .isNotEmpty()
          .allMatch(feedPid::equals);
      assertThat(p.err).as("stderr").noneMatch(l -> l.contains("WARNING"));
      assertThat(p.out).as("stdout").noneMatch(l -> l.contains("WARNING"));
    }
    Program.assertNoProcessLeft();
  }

  private static final Pattern FEED = Pattern.compile("spawned daemon 'feed': feed \\(pid (\\d+)\\)");
  private static final Pattern STREAMING_FROM = Pattern.compile("streaming from feed@(\\d+)");
}
