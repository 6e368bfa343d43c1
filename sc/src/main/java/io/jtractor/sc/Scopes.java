package io.jtractor.sc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Working with several {@link Scoped} resources at once. Prior art: tractor's {@code
 * trionics.gather_contexts}.
 */
public final class Scopes {
  private Scopes() {}

  /**
   * Opens every resource concurrently (one task each), runs {@code body} with their values in input
   * order once all are open, then closes them all together and returns what the body returned. A
   * failure anywhere (opening, the body, closing) cancels the rest and is raised, as a nursery
   * raises it.
   *
   * <p>Deviations from tractor: a resource whose value is {@code null} is fine (tractor waits
   * forever on a falsy value), and one that returns without providing a value is an error instead
   * of a hang.
   *
   * @throws IllegalArgumentException if {@code resources} is empty (tractor: {@code ValueError})
   */
  public static <T, R> R gather(List<? extends Scoped<? extends T>> resources, ValueBlock<? super List<T>, R> body) {
    Objects.requireNonNull(body, "body");
    List<Scoped<? extends T>> all = List.copyOf(Objects.requireNonNull(resources, "resources"));
    if (all.isEmpty()) throw new IllegalArgumentException("gather needs at least one resource to open");
    int n = all.size();
    Object[] values = new Object[n];
    AtomicInteger open = new AtomicInteger();
    Event allOpen = new Event();
    Event close = new Event();
    return Nursery.call(nursery -> {
      for (int i = 0; i < n; i++) {
        int slot = i;
        nursery.startSoon("gather-" + slot, () -> {
          boolean[] entered = {false};
          all.get(slot).open(value -> {
            entered[0] = true;
            values[slot] = value;
            if (open.incrementAndGet() == n) allOpen.set();
            close.await();
          });
          if (!entered[0]) throw new IllegalStateException("resource " + slot + " returned without providing a value");
        });
      }
      allOpen.await();
      try {
        @SuppressWarnings("unchecked")
        List<T> list = (List<T>) java.util.Collections.unmodifiableList(new ArrayList<>(Arrays.asList(values)));
        return body.call(list);
      } finally {
        close.set();
      }
    });
  }
}
