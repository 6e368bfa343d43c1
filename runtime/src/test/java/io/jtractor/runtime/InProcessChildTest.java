package io.jtractor.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtractor.Jtractor;
import io.jtractor.Root;
import io.jtractor.wire.Uid;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An in-process child as the reaper sees it: a {@link Process} that its signals end at once. */
@Timeout(30)
class InProcessChildTest {

  @Test
  void aChildStillWaitingForItsInitMessageEndsAtOnceWhenTerminated() throws Exception {
    try (Root ignored = Jtractor.openRoot("root")) {
      Actor parent = Actor.current(); // the root: the process actor of this JVM
      Uid uid = Uid.random("booting");
      // Started without a spawn to send it its init message: it has handshaken over its in-memory
      // link and waits in a read (a spawn cancelled at that moment leaves a child there).
      InProcessChild child = InProcessChild.start(parent, uid, parent.address(), null, ChildCommand.trust(parent));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (parent.channelsTo(uid).isEmpty() && System.nanoTime() < deadline) Thread.onSpinWait();
      assertThat(parent.channelsTo(uid)).as("it handshook").hasSize(1);
      assertThat(child.isAlive()).isTrue();

      long t0 = System.nanoTime();
      PrintStream console = System.err;
      ByteArrayOutputStream logged = new ByteArrayOutputStream();
      System.setErr(new PrintStream(logged, true, StandardCharsets.UTF_8)); // where the runtime's log lines go
      try {
        child.destroy(); // where a JVM gets SIGTERM
        assertThat(child.waitFor(1, TimeUnit.SECONDS)).as("ended well within the reaper's 2 s grace").isTrue();
      } finally {
        System.setErr(console);
      }
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(1_000);
      // A spawn cancelled before its init message is no failure of the child: one line in the tail
      // a reaper shows, no error logged to the user's console with a stack trace.
      assertThat(logged.toString(StandardCharsets.UTF_8)).doesNotContain("failed to boot").doesNotContain("\tat ");
      assertThat(new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
          .contains("ended before it booted: its parent closed the link");
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!parent.channelsTo(uid).isEmpty() && System.nanoTime() < deadline) Thread.onSpinWait();
      assertThat(parent.channelsTo(uid)).as("the parent's end learnt it").isEmpty();
    }
  }
}
