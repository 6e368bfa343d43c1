package io.jtractor.wire;

/**
 * A Java value with its own wire form (a uid encodes as a 2-element array, not as a map of
 * record components). {@link Msgpack#encode} encodes {@link #toWire()} instead of the object.
 */
public interface WireValue {
  /** The plain value (null, boolean, number, string, bytes, list, map) to encode. */
  Object toWire();
}
