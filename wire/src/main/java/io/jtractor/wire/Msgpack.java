package io.jtractor.wire;

import java.math.BigInteger;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * msgpack values to and from plain Java objects, encoding as tractor's encoder (msgspec) does so
 * that frames re-encode byte for byte.
 *
 * <p>Decoded forms: nil → {@code null}; bool → {@link Boolean}; int → {@link Long} (a uint64
 * beyond {@code Long.MAX_VALUE} → {@link BigInteger}); float64 → {@link Double}, float32 → {@link
 * Float}; str → {@link String} (invalid UTF-8 is malformed); bin → {@code byte[]}; array → {@link
 * List}; map → {@link LinkedHashMap} in wire order; ext → {@link Ext}.
 *
 * <p>Encoded forms: the above, plus any {@link Number} integer type, {@link Character}, {@link
 * Enum} (its name), {@link Collection} and arrays of objects (arrays), {@link WireValue} (its
 * {@code toWire()}), and records (a map of component name to value, in declaration order). Ints
 * take the smallest encoding, doubles are always float64, strings the smallest str header (str8
 * included) — msgspec's choices. Anything else is refused with {@link IllegalArgumentException}
 * at the sender, as tractor raises {@code TypeError}.
 *
 * <p>The codec is our own ({@link MsgpackWriter}, {@link MsgpackReader}): msgpack's format is
 * small, and the library we used before reached for {@code sun.misc.Unsafe}, which JDK 24 and later
 * warn about in every program that loads it.
 */
public final class Msgpack {
  private Msgpack() {}

  /** Nesting deeper than this is refused as malformed, so a hostile frame cannot overflow the stack. */
  public static final int MAX_DEPTH = 256;

  /** Messages are small: an encoding starts with this many bytes and grows as needed. */
  private static final int INITIAL_CAPACITY = 128;

  /**
   * Decodes exactly one msgpack object from {@code body}.
   *
   * @throws WireException.Malformed if the bytes are not exactly one valid object
   */
  public static Object decode(byte[] body) throws WireException.Malformed {
    return decode(body, 0, body.length);
  }

  /** {@link #decode(byte[])} of {@code buf[from, to)}, which the values decoded never share. */
  static Object decode(byte[] buf, int from, int to) throws WireException.Malformed {
    if (to == from) throw new WireException.Malformed("empty frame");
    MsgpackReader r = new MsgpackReader(buf, from, to);
    Object v = r.value(0);
    if (!r.atEnd()) throw new WireException.Malformed("trailing bytes after the msgpack object");
    return v;
  }

  /**
   * Encodes {@code value} as one msgpack object.
   *
   * @throws IllegalArgumentException if it holds something with no msgpack form
   */
  public static byte[] encode(Object value) {
    MsgpackWriter w = new MsgpackWriter(INITIAL_CAPACITY);
    w.value(value, 0);
    return w.toByteArray();
  }
}
