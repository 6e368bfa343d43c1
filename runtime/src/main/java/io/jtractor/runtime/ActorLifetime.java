package io.jtractor.runtime;

import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an actor must undo or stop when it goes: the actor nurseries open in it (so that a signal
 * can take the whole tree down in order) and the cleanups of its lifetime stack (tractor's {@code
 * Actor.lifetime_stack}), run last registered first, each once.
 *
 * <p>Threads: any thread; both collections are concurrent.
 */
final class ActorLifetime {
  private static final Logger LOG = LoggerFactory.getLogger(Actor.class);

  /** How to cancel each actor nursery open in the actor. */
  private final Set<Runnable> nurseryCancels = ConcurrentHashMap.newKeySet();
  /** Cleanups to run when the actor has stopped serving, last registered first. */
  private final Deque<AutoCloseable> cleanups = new ConcurrentLinkedDeque<>();

  AutoCloseable trackNursery(Runnable cancel) {
    nurseryCancels.add(cancel);
    return () -> nurseryCancels.remove(cancel);
  }

  void cancelNurseries() {
    for (Runnable c : List.copyOf(nurseryCancels)) c.run();
  }

  void atTeardown(AutoCloseable cleanup) {
    cleanups.push(cleanup);
  }

  /** Runs every cleanup registered so far, last first; a failing one is logged, the rest still run. */
  void runCleanups(Object owner) {
    for (AutoCloseable c; (c = cleanups.poll()) != null; ) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("a teardown cleanup of " + owner + " failed", e);
      }
    }
  }

  int cleanupCount() {
    return cleanups.size();
  }
}
