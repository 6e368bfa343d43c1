package io.jtractor.sc;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Shares one {@link Scoped} resource among many tasks: the first task to ask for a key opens it,
 * later ones get the same value, and it is closed when its last user is done. Prior art: tractor's
 * {@code trionics.maybe_open_context} (a per-actor cache whose resources live in the actor's
 * service nursery).
 *
 * <p>The resource is opened in a task of the host nursery, not in the first user's task, so it
 * outlives that user if others still use it. Deviations from tractor: users are counted per key
 * (tractor counts all keys together, so one key's resource stays open while another key has
 * users); the last user returns only once the resource is closed, and a failure to close it is
 * raised there; a failure to open is raised to every user waiting for it and leaves nothing cached.
 *
 * <p>Threads: any; the table is guarded by {@code this}.
 */
public final class ResourceCache {
  private final Nursery host;
  /** Open (or opening) resources by key. Guarded by {@code this}. */
  private final Map<Object, Entry> entries = new HashMap<>();

  /** A cache whose resources are opened in tasks of {@code host}. */
  public ResourceCache(Nursery host) {
    this.host = Objects.requireNonNull(host, "host");
  }

  /**
   * What a user of a cached resource gets.
   *
   * @param hit whether the resource was already open (another task opened it)
   * @param value the resource's value
   */
  public record Cached<T>(boolean hit, T value) {}

  private static final class Entry {
    /** Tasks using it now. Guarded by the cache. */
    int users;
    final Event ready = new Event();
    final Event release = new Event();
    final Event closed = new Event();
    /** The opening task's scope: cancelled if the last user leaves before the value is ready. */
    final CancelScope scope = CancelScope.create();
    /** Written before {@link #ready} is set. */
    volatile Object value;
    volatile Throwable openFailure;
    /** Written before {@link #closed} is set. */
    volatile Throwable closeFailure;
  }

  /**
   * Runs {@code body} with the resource cached under {@code key}, opening it with {@code
   * resource} if no task has it open. A checkpoint. Entries are keyed by {@code key} together with
   * the opener's class (tractor: the function's identity), so a lambda written at one place in the
   * code shares its resource under a key, and a different opener under the same key gets its own.
   *
   * @return what {@code body} returned
   */
  @SuppressWarnings("unchecked")
  public <T, R> R maybeOpen(Object key, Scoped<T> resource, ValueBlock<? super Cached<T>, R> body) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(body, "body");
    // As tractor keys by (id(acm_func), key): one key names one resource per opener, so two
    // different openers sharing a key never hand each other's values out.
    key = List.of(resource.getClass(), key);
    Entry entry;
    boolean hit;
    synchronized (this) {
      entry = entries.get(key);
      hit = entry != null;
      if (!hit) {
        entry = new Entry();
        entries.put(key, entry);
      }
      entry.users++;
    }
    Entry mine = entry;
    if (!hit) startOpening(key, mine, resource);
    boolean lastOut;
    Throwable primary = null;
    try {
      entry.ready.await();
      Throwable failed = entry.openFailure;
      if (failed != null) throw new IllegalStateException("opening the resource for key " + key + " failed: " + failed, failed);
      try {
        return body.call(new Cached<>(hit, (T) entry.value));
      } catch (Exception e) {
        throw Interrupts.sneakyThrow(e);
      }
    } catch (Throwable t) {
      primary = t;
      throw t;
    } finally {
      synchronized (this) {
        lastOut = --entry.users == 0;
        if (lastOut) entries.remove(key, entry);
      }
      if (lastOut) {
        entry.release.set();
        if (!entry.ready.isSet()) entry.scope.cancel(); // nobody waits for it any more: stop opening
        if (entry.openFailure == null) {
          Sc.shielded(s -> mine.closed.await());
          Throwable t = entry.closeFailure;
          if (t != null) {
            if (primary == null) throw Interrupts.sneakyThrow(t);
            if (primary != t) primary.addSuppressed(t); // the body's own failure comes first
          }
        }
      }
    }
  }

  private <T> void startOpening(Object key, Entry entry, Scoped<T> resource) {
    try {
      host.startSoon("resource:" + key, () -> {
        try {
          entry.scope.run(s -> resource.open(value -> {
            entry.value = value;
            entry.ready.set();
            entry.release.await();
          }));
          if (!entry.ready.isSet() && !entry.scope.cancelledCaught()) {
            throw new IllegalStateException("the resource returned without providing a value");
          }
        } catch (Throwable t) {
          if (entry.ready.isSet()) entry.closeFailure = t;
          else entry.openFailure = t;
          if (t instanceof Cancelled c) throw c;
        } finally {
          entry.ready.set();
          entry.closed.set();
        }
      });
    } catch (RuntimeException hostClosed) {
      entry.openFailure = hostClosed;
      entry.ready.set();
      entry.closed.set();
    }
  }

  /** The number of keys with an open (or opening) resource. */
  public synchronized int size() {
    return entries.size();
  }
}
