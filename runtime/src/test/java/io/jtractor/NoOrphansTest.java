package io.jtractor;

import static io.jtractor.ProcessAssertions.assertNoProcessLeft;
import static io.jtractor.ProcessAssertions.awaitGone;
import static org.assertj.core.api.Assertions.assertThat;

import io.jtractor.funcs.RootProgram;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A separate root program (root → child → grandchild) is killed or signalled; nothing it started
 * may survive. tractor leaves orphans running after a SIGKILL.
 */
@DisplayName("no process outlives its root")
class NoOrphansTest {

  /** A running root program and the pids it reported. */
  record Tree(Process root, long child, long grandchild) {}

  private Process started;

  @AfterEach
  void cleanUp() throws Exception {
    if (started != null && started.isAlive()) {
      started.descendants().forEach(ProcessHandle::destroyForcibly);
      started.destroyForcibly();
      started.waitFor(10, TimeUnit.SECONDS);
    }
    assertNoProcessLeft();
  }

  private Tree startTree() throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
            ProcessHandle.current().info().command().orElseThrow(),
            "-cp",
            System.getProperty("java.class.path"),
            "-Djtractor.registry=127.0.0.1:0",
            "-Djtractor.configDir=" + System.getProperty("jtractor.configDir"),
            RootProgram.class.getName());
    pb.redirectErrorStream(true);
    started = pb.start();
    BufferedReader out = new BufferedReader(new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<long[]> pids = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      long child = 0;
      Pattern p = Pattern.compile("(GRANDCHILD_PID|CHILD_PID) (\\d+)");
      try {
        for (String line; (line = out.readLine()) != null; ) {
          Matcher m = p.matcher(line);
          if (m.find()) {
            if (m.group(1).equals("CHILD_PID")) child = Long.parseLong(m.group(2));
            else pids.complete(new long[] {child, Long.parseLong(m.group(2))});
          }
        }
      } catch (IOException e) {
        pids.completeExceptionally(e);
      }
      pids.completeExceptionally(new AssertionError("the root program ended without reporting its tree"));
    });
    long[] got = pids.get(30, TimeUnit.SECONDS);
    assertThat(got[0]).isPositive();
    assertThat(got[1]).isPositive();
    return new Tree(started, got[0], got[1]);
  }

  @Test
  void killingTheRootWithSigkillTakesTheWholeTreeDownWithinOneSecond() throws Exception {
    Tree t = startTree();
    t.root().destroyForcibly();
    assertThat(t.root().waitFor(10, TimeUnit.SECONDS)).isTrue();
    long killedAt = System.nanoTime();
    assertThat(awaitGone(t.child(), Duration.ofSeconds(1))).as("child exits within 1 s of its parent's SIGKILL").isTrue();
    assertThat(awaitGone(t.grandchild(), Duration.ofSeconds(1))).as("grandchild follows").isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void sigtermToTheRootLeavesNoChild() throws Exception {
    Tree t = startTree();
    t.root().destroy(); // SIGTERM
    assertThat(t.root().waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(awaitGone(t.child(), Duration.ofSeconds(5))).isTrue();
    assertThat(awaitGone(t.grandchild(), Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void sigintToTheRootLeavesNoChild() throws Exception {
    Tree t = startTree();
    Process kill = new ProcessBuilder("kill", "-INT", Long.toString(t.root().pid())).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(t.root().waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(awaitGone(t.child(), Duration.ofSeconds(5))).isTrue();
    assertThat(awaitGone(t.grandchild(), Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void killingAMiddleChildTakesItsChildrenDown() throws Exception {
    Tree t = startTree();
    ProcessHandle.of(t.child()).orElseThrow().destroyForcibly();
    assertThat(awaitGone(t.grandchild(), Duration.ofSeconds(1))).as("grandchild exits within 1 s").isTrue();
    List<ProcessHandle> left = t.root().descendants().filter(ProcessHandle::isAlive).toList();
    assertThat(left).as("the root's supervisor reaped the dead child").isEmpty();
  }
}
