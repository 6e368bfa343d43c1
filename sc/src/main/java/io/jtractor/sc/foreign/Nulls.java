package io.jtractor.sc.foreign;

/**
 * Null items cross the bridge (a foreign task may send null as a sentinel, as tractor's echo
 * server sends {@code None}); the channels of {@code sc} refuse null, so a null travels as a
 * marker.
 */
final class Nulls {
  private Nulls() {}

  private static final Object NULL = new Object() {
    @Override
    public String toString() {
      return "null";
    }
  };

  static Object wrap(Object item) {
    return item == null ? NULL : item;
  }

  @SuppressWarnings("unchecked")
  static <T> T unwrap(Object item) {
    return item == NULL ? null : (T) item;
  }
}
