package io.jtractor.sc.foreign;

import java.util.concurrent.Executor;

/**
 * Makes the executor that plays the event loop of a foreign async world: named by its class (a
 * public class with a public no-argument constructor), so that it can be chosen for a process
 * that does not exist yet (an "infected" child actor). The owner of the loop closes it, if it is
 * {@link AutoCloseable} (as an {@link java.util.concurrent.ExecutorService} is), when it ends.
 * {@link EventLoop.Factory} is the default.
 */
@FunctionalInterface
public interface LoopFactory {
  /**
   * Opens a loop.
   *
   * @param name a name for the loop's threads (the owner's name)
   */
  Executor open(String name) throws Exception;
}
