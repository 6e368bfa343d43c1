package io.jtractor.sc;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Several failures raised together: what a {@link Nursery} raises when more than one child (or
 * the body and a child) failed. A single failure is never wrapped; it is raised as itself.
 *
 * <p>Prior art: Python's {@code BaseExceptionGroup} (PEP 654) and trio's {@code MultiError}. We
 * deviate in one way: a nursery never puts {@link Cancelled} into a group, since a cancellation is
 * absorbed by its scope and is not a failure. Groups may nest (a nursery inside a failing child of
 * another nursery); {@link #leaves()} flattens them.
 *
 * <p>Each failure is also attached as a suppressed exception, so stack traces printed by tools
 * that know nothing of groups still show all of them.
 */
public class ExceptionGroup extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<Throwable> exceptions;

  /**
   * @param message what the failures have in common
   * @param exceptions at least one failure; none null
   */
  public ExceptionGroup(String message, List<? extends Throwable> exceptions) {
    super(describe(message, exceptions), null, true, true);
    this.exceptions = List.copyOf(exceptions);
    if (this.exceptions.isEmpty()) {
      throw new IllegalArgumentException("an exception group needs at least one exception");
    }
    for (Throwable t : this.exceptions) {
      addSuppressed(t);
    }
  }

  private static String describe(String message, List<? extends Throwable> exceptions) {
    Objects.requireNonNull(exceptions, "exceptions");
    return message + " (" + exceptions.size() + " sub-exception" + (exceptions.size() == 1 ? "" : "s") + ")";
  }

  /** The failures, in the order they happened. */
  public List<Throwable> exceptions() {
    return exceptions;
  }

  /** Every failure in this group and in nested groups, depth first. */
  public List<Throwable> leaves() {
    List<Throwable> out = new ArrayList<>();
    collectLeaves(this, out);
    return out;
  }

  private static void collectLeaves(ExceptionGroup g, List<Throwable> out) {
    for (Throwable t : g.exceptions) {
      if (t instanceof ExceptionGroup nested) {
        collectLeaves(nested, out);
      } else {
        out.add(t);
      }
    }
  }

  /** True if some leaf is an instance of {@code type}. */
  public boolean contains(Class<? extends Throwable> type) {
    return leaves().stream().anyMatch(type::isInstance);
  }

  /** The first leaf that is an instance of {@code type}, or null. */
  public <T extends Throwable> T first(Class<T> type) {
    for (Throwable t : leaves()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  /**
   * The part of this group whose leaves match, keeping the nesting; null if nothing matches.
   * Prior art: {@code BaseExceptionGroup.subgroup}.
   */
  public ExceptionGroup subgroup(Predicate<? super Throwable> matches) {
    return split(matches).matching();
  }

  /** {@link #subgroup(Predicate)} by type. */
  public ExceptionGroup subgroup(Class<? extends Throwable> type) {
    return subgroup(type::isInstance);
  }

  /**
   * Splits this group into the leaves that match and those that do not, keeping the nesting of
   * each. Prior art: {@code BaseExceptionGroup.split}; unlike Python's, the predicate is asked
   * about leaves only (a group is itself a {@code RuntimeException}, which would make {@code
   * split(RuntimeException.class)} match everything).
   */
  public Split split(Predicate<? super Throwable> matches) {
    Objects.requireNonNull(matches, "matches");
    List<Throwable> yes = new ArrayList<>();
    List<Throwable> no = new ArrayList<>();
    for (Throwable t : exceptions) {
      if (t instanceof ExceptionGroup nested) {
        Split s = nested.split(matches);
        if (s.matching() != null) yes.add(s.matching());
        if (s.rest() != null) no.add(s.rest());
      } else if (matches.test(t)) {
        yes.add(t);
      } else {
        no.add(t);
      }
    }
    return new Split(derive(yes), derive(no));
  }

  /** {@link #split(Predicate)} by type. */
  public Split split(Class<? extends Throwable> type) {
    return split(type::isInstance);
  }

  private ExceptionGroup derive(List<Throwable> part) {
    if (part.isEmpty()) return null;
    if (part.size() == exceptions.size() && part.equals(exceptions)) return this;
    return new ExceptionGroup(baseMessage(), part);
  }

  private String baseMessage() {
    String m = getMessage();
    int cut = m.lastIndexOf(" (");
    return cut < 0 ? m : m.substring(0, cut);
  }

  /**
   * The two halves of a {@link #split}.
   *
   * @param matching the leaves that matched, as a group, or null if none did
   * @param rest the others, as a group, or null if all matched
   */
  public record Split(ExceptionGroup matching, ExceptionGroup rest) {}
}
