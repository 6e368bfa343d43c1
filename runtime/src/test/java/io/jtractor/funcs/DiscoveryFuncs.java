package io.jtractor.funcs;

import io.jtractor.Discovery;
import io.jtractor.Jtractor;
import io.jtractor.Portal;
import io.jtractor.sc.Event;
import io.jtractor.sc.Sc;
import java.time.Duration;

/** Remote functions for the discovery tests (tractor's test_discovery helpers). */
public final class DiscoveryFuncs {
  private DiscoveryFuncs() {}

  /**
   * Per actor: set once another actor has called {@link #hi()} there. Keyed by the current actor,
   * not one static event: in-process actors share this class (and the previous test's actors
   * would have left it set), so one greeting would release them all.
   */
  private static final java.util.concurrent.ConcurrentHashMap<io.jtractor.wire.Uid, Event> GREETED =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static Event greeted() {
    return GREETED.computeIfAbsent(Jtractor.currentActor(), k -> new Event());
  }

  /** tractor's {@code hi()}. */
  public static String hi() {
    greeted().set();
    return "Hi my name is " + Jtractor.currentActor().name();
  }

  /**
   * Returns {@code greeting} once this actor has been greeted too: a runInActor actor is cancelled
   * as soon as it returns, and must still be there when its peer calls it.
   */
  private static String afterBeingGreeted(String greeting) {
    greeted().await();
    GREETED.remove(Jtractor.currentActor());
    return greeting;
  }

  /** Looks {@code other} up with {@code findActor} (retrying until it registered) and greets it. */
  public static String sayHello(String other) {
    while (true) {
      var found = Discovery.findActor(other);
      if (found.isPresent()) {
        try (Portal p = found.get()) {
          return afterBeingGreeted(p.run(DiscoveryFuncs::hi));
        }
      }
      Sc.sleep(Duration.ofMillis(20));
    }
  }

  /** Waits for {@code other} with {@code waitForActor} and greets it, by name (tractor's legacy style). */
  public static String greet(String other) {
    try (Portal p = Discovery.waitForActor(other)) {
      return (String) p.runFromNs(DiscoveryFuncs.class.getName(), "hi", java.util.Map.of());
    }
  }

  /** {@link #greet}, returning once this actor has been greeted too. */
  public static String sayHelloUseWait(String other) {
    return afterBeingGreeted(greet(other));
  }

  /** Streams 0, 1, 2, ... every 10 ms until cancelled (tractor's {@code stream_forever}). */
  public static void streamForever(io.jtractor.Emitter<Long> out) {
    for (long i = 0; ; i++) {
      out.emit(i);
      Sc.sleep(Duration.ofMillis(10));
    }
  }

  /** The pid of the actor's process. */
  public static long pid() {
    return ProcessHandle.current().pid();
  }
}
