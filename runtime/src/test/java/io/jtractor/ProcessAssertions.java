package io.jtractor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Checks that a test left no process behind. */
final class ProcessAssertions {
  private ProcessAssertions() {}

  /** Every descendant of this JVM, alive now. */
  static List<ProcessHandle> liveDescendants() {
    return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
  }

  /** Fails if any process started by this JVM is still alive. */
  static void assertNoProcessLeft() {
    List<ProcessHandle> live = liveDescendants();
    assertThat(live).as("processes left behind: %s", live.stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList()).isEmpty();
  }

  /**
   * Waits until {@code pid} has exited, for at most {@code limit}; returns whether it has. A
   * zombie (exited, not yet reaped by whoever adopted it) counts as exited: an orphan's exit is
   * reaped by init, on its own schedule.
   */
  static boolean awaitGone(long pid, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (hasExited(pid)) return true;
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return hasExited(pid);
  }

  static boolean hasExited(long pid) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    if (Files.exists(Path.of("/proc/self/stat"))) {
      try {
        String s = Files.readString(stat);
        char state = s.charAt(s.lastIndexOf(')') + 2);
        return state == 'Z' || state == 'X';
      } catch (IOException gone) {
        return true;
      }
    }
    return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
  }
}
