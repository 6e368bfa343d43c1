package io.jtractor.wire;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable map of a few distinct names to values, in the order given, held in two arrays: a
 * call's keyword arguments, an error's fields. What a {@code cmd} or an {@code error} carries is a
 * handful of entries written once and read once, so a hash table (a {@code LinkedHashMap}: a
 * table, a node per entry) is more than it needs; a lookup here compares names one by one, in
 * order, and the codec writes the entries straight from the arrays ({@link MsgpackWriter}) with no
 * entry objects. Being immutable, it is kept as it is where a copy would be made of another map
 * ({@link ErrorInfo}).
 *
 * <p>Equal to any map with the same entries ({@link AbstractMap#equals}); null values are allowed
 * (Python's {@code None}), null names are not.
 *
 * <p>Threads: immutable once made; any thread.
 */
public final class NamedValues extends AbstractMap<String, Object> {
  private final String[] names;
  /** Where this map's names begin in {@link #names}: a method's parameter list, less those the runtime fills in. */
  private final int offset;
  private final Object[] values;

  private NamedValues(String[] names, int offset, Object[] values) {
    this.names = names;
    this.offset = offset;
    this.values = values;
  }

  /**
   * The arguments {@code values}, named by {@code names[offset..]} in that order (the names array
   * is kept, not copied: it must not change; the values are copied).
   *
   * @throws IllegalArgumentException if the counts differ or a name is repeated
   * @throws IndexOutOfBoundsException if {@code offset} is negative or beyond the names
   * @throws NullPointerException if a name is null
   */
  public static NamedValues of(String[] names, int offset, Object... values) {
    Objects.checkIndex(offset, names.length + 1);
    int n = names.length - offset;
    if (n != values.length) throw new IllegalArgumentException(n + " names for " + values.length + " values");
    for (int i = offset; i < names.length; i++) {
      Objects.requireNonNull(names[i], "name");
      for (int j = offset; j < i; j++) {
        if (names[j].equals(names[i])) throw new IllegalArgumentException("the name " + names[i] + " is given twice");
      }
    }
    return new NamedValues(names, offset, values.clone());
  }

  /**
   * The decoder's: its own fresh arrays, names distinct and non-null, checked by it (a fixmap's,
   * so at most 15 entries, each pair compared: {@link MsgCodec}).
   */
  static NamedValues decoded(String[] names, Object[] values) {
    return new NamedValues(names, 0, values);
  }

  @Override
  public int size() {
    return values.length;
  }

  /** The {@code i}th name, in order. */
  String name(int i) {
    return names[offset + i];
  }

  /** The {@code i}th value, in order. */
  Object value(int i) {
    return values[i];
  }

  private int indexOf(Object name) {
    for (int i = 0; i < values.length; i++) {
      if (names[offset + i].equals(name)) return i;
    }
    return -1;
  }

  @Override
  public boolean containsKey(Object name) {
    return indexOf(name) >= 0;
  }

  @Override
  public Object get(Object name) {
    int i = indexOf(name);
    return i < 0 ? null : values[i];
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return values.length;
      }

      @Override
      public Iterator<Entry<String, Object>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < values.length;
          }

          @Override
          public Entry<String, Object> next() {
            if (next >= values.length) throw new NoSuchElementException();
            int i = next++;
            return new SimpleImmutableEntry<>(name(i), values[i]);
          }
        };
      }
    };
  }
}
