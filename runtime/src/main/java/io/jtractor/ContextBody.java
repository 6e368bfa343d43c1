package io.jtractor;

/**
 * The caller's side of a context: runs while the remote task runs, given the {@link Context} and
 * the value the callee passed to {@link Context#started(Object)}.
 *
 * @param <T> what the body returns (returned by {@code Portal.openContext})
 */
@FunctionalInterface
public interface ContextBody<T> {
  T run(Context ctx, Object first) throws Exception;
}
