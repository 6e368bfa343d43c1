package io.jtractor.sc;

/**
 * Handed to a task started with {@link Nursery#start(StartableTask)}. Calling {@link
 * #started(Object)} tells the caller of {@code start} that the task is ready and moves the task
 * into the nursery: from then on its failures belong to the nursery, not to the caller. Prior art:
 * trio's {@code task_status}.
 *
 * @param <T> the type of the value reported
 */
public interface TaskStatus<T> {

  /**
   * Reports readiness and hands {@code value} to the caller of {@code start}.
   *
   * @throws IllegalStateException if called a second time, or from a thread other than the task's
   *     own
   */
  void started(T value);

  /** Reports readiness with a null value. */
  default void started() {
    started(null);
  }

  /** A status that ignores {@code started}: for running a startable task with {@code startSoon}. */
  static <T> TaskStatus<T> ignored() {
    return value -> {};
  }
}
