package io.jtractor.sc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A thread-safe record of what happened, in order, for tests that assert event order rather than
 * timing; also remembers every thread that recorded something, to check none is left alive.
 */
final class Trail {
  private final List<String> events = new ArrayList<>();
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

  synchronized void add(String event) {
    threads.add(Thread.currentThread());
    events.add(event);
  }

  synchronized List<String> events() {
    return List.copyOf(events);
  }

  Set<Thread> threads() {
    return Set.copyOf(threads);
  }

  /** Threads that recorded something and are still alive (the caller's own excluded). */
  List<Thread> aliveThreads() {
    return threads.stream().filter(t -> t != Thread.currentThread() && t.isAlive()).toList();
  }

  /** Waits until {@code event} has been recorded (polling; bounded). */
  void awaitEvent(String event) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!events().contains(event)) {
      if (System.nanoTime() > deadline) throw new AssertionError("never saw " + event + " in " + events());
      Thread.onSpinWait();
      Thread.yield();
    }
  }

  /**
   * Waits until {@code t} is parked or sleeping: it has reached a blocking call. Polling the
   * thread state is the only way to know that a thread is inside foreign blocking code.
   */
  static void awaitBlocked(Thread t) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      Thread.State s = t.getState();
      if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || s == Thread.State.BLOCKED) return;
      if (System.nanoTime() > deadline) throw new AssertionError(t + " never blocked; state " + s);
      Thread.yield();
    }
  }
}
