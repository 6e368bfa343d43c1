package io.jtractor;

import static org.assertj.core.api.Assertions.assertThat;

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

  /** Waits until {@code pid} is gone, for at most {@code limit}; returns whether it is. */
  static boolean awaitGone(long pid, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)) return true;
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
  }
}
