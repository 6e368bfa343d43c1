package io.jtractor.sc;

/**
 * A resource with a scope: {@link #open} sets it up, runs the block it is given with the value,
 * and tears it down when the block ends, however it ends. The Java shape of an async context
 * manager in trio/tractor ({@code async with portal.open_context(fn) as (ctx, first)}).
 *
 * <p>An implementation must call {@code body} exactly once (or fail before it); {@link
 * Scopes#gather} and {@link ResourceCache} report one that returns without calling it.
 *
 * @param <T> the value the resource provides while it is open
 */
@FunctionalInterface
public interface Scoped<T> {
  /** Opens the resource, runs {@code body} with its value, closes it. */
  void open(Block<? super T> body) throws Exception;
}
