package io.jtractor.sc.foreign;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A thread-safe trail of what happened, in order, for tests that assert the order of events
 * rather than timing; remembers the threads that recorded something, to check none is left.
 */
final class Events {
  private final List<String> events = new ArrayList<>();
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

  synchronized void add(String event) {
    threads.add(Thread.currentThread());
    events.add(event);
    notifyAll();
  }

  synchronized List<String> list() {
    return List.copyOf(events);
  }

  /** Waits (bounded) until {@code event} was recorded. */
  synchronized void await(String event) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!events.contains(event)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) throw new AssertionError("never saw " + event + " in " + events);
      wait(Math.max(1, left / 1_000_000));
    }
  }

  /** Threads that recorded something and are still alive, the caller's excepted, after a short wait for them to end. */
  List<Thread> aliveThreads() throws InterruptedException {
    for (Thread t : threads) {
      if (t != Thread.currentThread()) t.join(Duration.ofSeconds(5));
    }
    return threads.stream().filter(t -> t != Thread.currentThread() && t.isAlive()).toList();
  }
}
