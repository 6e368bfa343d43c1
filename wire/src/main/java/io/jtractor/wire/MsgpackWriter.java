package io.jtractor.wire;

import java.lang.reflect.RecordComponent;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;

/**
 * Encodes values as msgpack into a growable byte array, making the choices tractor's encoder
 * (msgspec) makes so that frames re-encode byte for byte: the smallest int encoding, float64 for a
 * {@code double} (float32 for a {@code float}), the smallest str, bin, array, map and ext headers
 * (str8 included). See {@link Msgpack} for the Java types it takes.
 *
 * <p>Threads: one writer per encoding, confined to the thread that encodes.
 */
final class MsgpackWriter {
  private byte[] buf;
  private int len;

  MsgpackWriter(int initialCapacity) {
    buf = new byte[initialCapacity];
  }

  /** The bytes written so far, as a new array. */
  byte[] toByteArray() {
    return Arrays.copyOf(buf, len);
  }

  /** How many bytes were written. */
  int size() {
    return len;
  }

  /** The buffer itself: its first {@link #size} bytes are what was written. */
  byte[] buffer() {
    return buf;
  }

  /** Forgets what was written after the first {@code n} bytes. */
  void truncate(int n) {
    if (n < 0 || n > len) throw new IllegalArgumentException("cannot truncate " + len + " bytes to " + n);
    len = n;
  }

  /** Reserves {@code n} bytes, to be filled in later through {@link #buffer}; returns where they are. */
  int reserve(int n) {
    ensure(n);
    int at = len;
    len += n;
    return at;
  }

  void value(Object v, int depth) {
    if (depth > Msgpack.MAX_DEPTH) {
      throw new IllegalArgumentException("value nested deeper than " + Msgpack.MAX_DEPTH + " (a cycle?)");
    }
    switch (v) {
      case null -> put(0xc0);
      case Boolean b -> put(b ? 0xc3 : 0xc2);
      case Long l -> integer(l);
      case Integer i -> integer(i);
      case Short s -> integer(s);
      case Byte b -> integer(b);
      case BigInteger b -> bigInteger(b);
      case Double d -> {
        put(0xcb);
        long bits = Double.doubleToRawLongBits(d);
        int32((int) (bits >>> 32));
        int32((int) bits);
      }
      case Float f -> {
        put(0xca);
        int32(Float.floatToRawIntBits(f));
      }
      case String s -> string(s);
      case Character c -> string(c.toString());
      case byte[] bytes -> {
        header(bytes.length, -1, 0xc4, 0xc5, 0xc6);
        bytes(bytes);
      }
      case Ext e -> ext(e);
      case Uid u when depth + 2 <= Msgpack.MAX_DEPTH -> uid(u); // its two strings, with no list made for them
      case WireValue w -> value(w.toWire(), depth + 1);
      case Enum<?> e -> string(e.name());
      case NamedValues k -> { // a call's arguments, straight from their arrays: no entry objects
        header(k.size(), 0x80, -1, 0xde, 0xdf);
        for (int i = 0; i < k.size(); i++) {
          value(k.name(i), depth + 1);
          value(k.value(i), depth + 1);
        }
      }
      case Map<?, ?> m -> {
        header(m.size(), 0x80, -1, 0xde, 0xdf);
        for (Map.Entry<?, ?> e : m.entrySet()) {
          value(e.getKey(), depth + 1);
          value(e.getValue(), depth + 1);
        }
      }
      case Collection<?> c -> {
        header(c.size(), 0x90, -1, 0xdc, 0xdd);
        for (Object o : c) value(o, depth + 1);
      }
      case Object[] a -> {
        header(a.length, 0x90, -1, 0xdc, 0xdd);
        for (Object o : a) value(o, depth + 1);
      }
      case Record r -> record(r, depth);
      default -> throw new IllegalArgumentException("cannot encode a " + v.getClass().getName() + " as msgpack: " + v);
    }
  }

  /** A map header for {@code n} entries; the caller writes them. */
  void mapHeader(int n) {
    header(n, 0x80, -1, 0xde, 0xdf);
  }

  /** The smallest encoding of {@code v}: fixint, then uint8..64 for non-negatives, int8..64 below. */
  void integer(long v) {
    if (v >= 0) {
      if (v < 0x80) {
        put((int) v);
      } else if (v < 0x100) {
        put(0xcc);
        put((int) v);
      } else if (v < 0x10000) {
        put(0xcd);
        int16((int) v);
      } else if (v < 0x1_0000_0000L) {
        put(0xce);
        int32((int) v);
      } else {
        put(0xcf);
        int64(v);
      }
    } else if (v >= -32) {
      put((int) v & 0xff);
    } else if (v >= Byte.MIN_VALUE) {
      put(0xd0);
      put((int) v & 0xff);
    } else if (v >= Short.MIN_VALUE) {
      put(0xd1);
      int16((int) v);
    } else if (v >= Integer.MIN_VALUE) {
      put(0xd2);
      int32((int) v);
    } else {
      put(0xd3);
      int64(v);
    }
  }

  private void bigInteger(BigInteger b) {
    if (b.bitLength() <= 63) {
      integer(b.longValue());
    } else if (b.bitLength() == 64 && b.signum() > 0) {
      put(0xcf);
      int64(b.longValue());
    } else {
      throw new IllegalArgumentException("integer out of msgpack's range: " + b);
    }
  }

  /**
   * The longest string whose characters are looked at for ASCII before it is encoded, and then
   * copied straight in: cids, uids, names and keys. A longer one goes through {@code
   * String.getBytes}, whose array costs less than looking at each character: the JDK encodes a
   * Latin-1 string with one vectorised look and one copy (docs/design.md, "Long strings").
   */
  private static final int ASCII_SCAN_LIMIT = 48;

  /** A str in UTF-8 (an unpaired surrogate becomes '?', as String.getBytes does). */
  void string(String s) {
    int n = s.length();
    if (n <= ASCII_SCAN_LIMIT && isAscii(s, n)) {
      // Keys, names, uids and cids: ASCII, copied straight in with no intermediate array (a
      // stream item's cid alone cost an array per item).
      header(n, 0xa0, 0xd9, 0xda, 0xdb);
      ensure(n);
      s.getBytes(0, n, buf, len);
      len += n;
      return;
    }
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    header(utf8.length, 0xa0, 0xd9, 0xda, 0xdb);
    bytes(utf8);
  }

  private static boolean isAscii(String s, int n) {
    for (int i = 0; i < n; i++) {
      if (s.charAt(i) >= 0x80) return false;
    }
    return true;
  }

  private void ext(Ext e) {
    byte[] data = e.data();
    int n = data.length;
    switch (n) {
      case 1 -> put(0xd4);
      case 2 -> put(0xd5);
      case 4 -> put(0xd6);
      case 8 -> put(0xd7);
      case 16 -> put(0xd8);
      default -> header(n, -1, 0xc7, 0xc8, 0xc9);
    }
    put(e.type());
    bytes(data);
  }

  private void record(Record r, int depth) {
    RecordComponent[] comps = r.getClass().getRecordComponents();
    header(comps.length, 0x80, -1, 0xde, 0xdf);
    for (RecordComponent c : comps) {
      string(c.getName());
      Object value;
      try {
        var accessor = c.getAccessor();
        accessor.setAccessible(true);
        value = accessor.invoke(r);
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new IllegalArgumentException("cannot read record component " + c.getName() + " of " + r.getClass().getName(), e);
      }
      value(value, depth + 1);
    }
  }

  /**
   * A length header: {@code fix | n} below 16 (32 for str) when {@code fix} is given, else the
   * 8-bit form when given, else the 16-bit, else the 32-bit.
   */
  private void header(int n, int fix, int op8, int op16, int op32) {
    int fixLimit = fix == 0xa0 ? 32 : 16;
    if (fix >= 0 && n < fixLimit) {
      put(fix | n);
    } else if (op8 >= 0 && n < 0x100) {
      put(op8);
      put(n);
    } else if (n < 0x10000) {
      put(op16);
      int16(n);
    } else {
      put(op32);
      int32(n);
    }
  }

  private void put(int b) {
    if (len == buf.length) grow(1);
    buf[len++] = (byte) b;
  }

  private void int16(int v) {
    ensure(2);
    buf[len++] = (byte) (v >>> 8);
    buf[len++] = (byte) v;
  }

  private void int32(int v) {
    ensure(4);
    buf[len++] = (byte) (v >>> 24);
    buf[len++] = (byte) (v >>> 16);
    buf[len++] = (byte) (v >>> 8);
    buf[len++] = (byte) v;
  }

  private void int64(long v) {
    int32((int) (v >>> 32));
    int32((int) v);
  }

  /**
   * The encodings of the uids written last, one per slot by their uuid's hash: the same few uids
   * are written again and again (an actor's own, its peer's, in every error and call). Found by
   * identity. Racy by design, as {@link StringMemo}: an entry is immutable and replaced whole.
   */
  private static final UidBytes[] UIDS = new UidBytes[8];

  private record UidBytes(Uid uid, byte[] bytes) {}

  /** A uid as its {@code [name, uuid]} array, copied from {@link #UIDS} if it was written lately. */
  private void uid(Uid u) {
    int slot = u.uuid().hashCode() & (UIDS.length - 1);
    UidBytes known = UIDS[slot];
    if (known != null && known.uid == u) {
      bytes(known.bytes);
      return;
    }
    int start = len;
    put(0x92);
    string(u.name());
    string(u.uuid());
    UIDS[slot] = new UidBytes(u, Arrays.copyOfRange(buf, start, len));
  }

  /** Bytes that are msgpack already (a key encoded once, say), as they are. */
  void encoded(byte[] b) {
    bytes(b);
  }

  private void bytes(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, buf, len, b.length);
    len += b.length;
  }

  private void ensure(int n) {
    if (buf.length - len < n) grow(n);
  }

  private void grow(int atLeast) {
    buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + atLeast));
  }
}
