package io.jtractor.sc;

/**
 * The body of a task started with {@link Nursery#start(StartableTask)}: it must call {@link
 * TaskStatus#started(Object)} once it is ready, which hands a value back to the caller of {@code
 * start}.
 *
 * @param <T> the type of the value reported through {@code started}
 */
@FunctionalInterface
public interface StartableTask<T> {
  void run(TaskStatus<T> status) throws Exception;
}
