package io.jtractor.sc;

/**
 * The body of a task started with {@link Nursery#startSoon(Task)}. It may throw anything; what it
 * throws becomes the nursery's failure (checked exceptions included, raised as themselves).
 */
@FunctionalInterface
public interface Task {
  void run() throws Exception;
}
