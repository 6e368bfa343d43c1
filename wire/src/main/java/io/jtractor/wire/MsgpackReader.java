package io.jtractor.wire;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes one msgpack object from a byte array, strictly: a truncated object, the never-used byte
 * 0xc1, a string that is not valid UTF-8, a count larger than the bytes left, or nesting deeper
 * than {@link Msgpack#MAX_DEPTH} are {@link WireException.Malformed}, refused before anything is
 * allocated for them. See {@link Msgpack} for the Java types it produces.
 *
 * <p>Threads: confined to the thread that decodes; one decoding at a time.
 */
final class MsgpackReader {
  private byte[] buf;
  /** Where the object's bytes end in {@link #buf}: nothing at or past it is read. */
  private int end;
  private int pos;

  MsgpackReader(byte[] buf) {
    this(buf, 0, buf.length);
  }

  /** Reads {@code buf[from, to)} only; the values it makes hold copies, never {@code buf} itself. */
  MsgpackReader(byte[] buf, int from, int to) {
    reset(buf, from, to);
  }

  /** Makes this reader read {@code buf[from, to)} from its start: one reader for a thread's every frame. */
  MsgpackReader reset(byte[] buf, int from, int to) {
    this.buf = buf;
    this.pos = from;
    this.end = to;
    return this;
  }

  boolean atEnd() {
    return pos == end;
  }

  /** Whether the next byte is {@code b} (a header, say); moves past it if so. */
  boolean takeIf(int b) {
    if (pos < end && (buf[pos] & 0xff) == b) {
      pos++;
      return true;
    }
    return false;
  }

  /** The entry count of a fixmap header next, moving past it; -1 (not moving) for anything else. */
  int fixmapHeader() {
    if (pos >= end) return -1;
    int b = buf[pos] & 0xff;
    if ((b & 0xf0) != 0x80) return -1;
    pos++;
    return b & 0x0f;
  }

  /** Moves past {@code n} bytes that must be there. */
  void skip(int n) throws WireException.Malformed {
    take(n);
  }

  /**
   * Reads a fixstr and returns the element of {@code keys} (each a fixstr's header and ASCII bytes)
   * it equals, or null when the next object is not one of them (how far it read is then unspecified).
   */
  byte[] fixstrKey(byte[][] keys) {
    if (pos >= end) return null;
    int b = buf[pos] & 0xff;
    if ((b & 0xe0) != 0xa0) return null;
    int n = (b & 0x1f) + 1;
    if (n > end - pos) return null;
    for (byte[] k : keys) {
      if (k.length == n && Arrays.equals(buf, pos, pos + n, k, 0, n)) {
        pos += n;
        return k;
      }
    }
    return null;
  }

  /**
   * The next value at depth 1, as {@link #value} reads it; a str (fixstr or str8) whose bytes are
   * {@code memo}'s last gives its remembered string, and any other fixstr or str8 is remembered
   * once it has decoded strictly. With no memo (null), {@link #value} itself.
   */
  Object memoValue(StringMemo memo) throws WireException.Malformed {
    if (memo != null && pos < end) {
      int b = buf[pos] & 0xff;
      int header = (b & 0xe0) == 0xa0 ? 1 : b == 0xd9 && pos + 1 < end ? 2 : 0;
      int n = header == 1 ? b & 0x1f : header == 2 ? buf[pos + 1] & 0xff : -1;
      if (header > 0 && n <= end - pos - header) {
        int from = pos + header;
        String known = memo.lookup(buf, from, from + n);
        if (known != null) {
          pos = from + n;
          return known;
        }
        Object v = value(1);
        if (v instanceof String s) memo.remember(buf, from, from + n, s);
        return v;
      }
    }
    return value(1);
  }

  Object value(int depth) throws WireException.Malformed {
    if (depth > Msgpack.MAX_DEPTH) throw new WireException.Malformed("nesting deeper than " + Msgpack.MAX_DEPTH);
    int b = u8();
    if (b <= 0x7f) return (long) b;
    if (b >= 0xe0) return (long) (byte) b;
    if (b <= 0x8f) return map(b & 0x0f, depth);
    if (b <= 0x9f) return array(b & 0x0f, depth);
    if (b <= 0xbf) return string(b & 0x1f);
    return switch (b) {
      case 0xc0 -> null;
      case 0xc1 -> throw new WireException.Malformed("byte 0xc1, which msgpack never uses");
      case 0xc2 -> Boolean.FALSE;
      case 0xc3 -> Boolean.TRUE;
      case 0xc4 -> bytes(u8());
      case 0xc5 -> bytes(u16());
      case 0xc6 -> bytes(u32());
      case 0xc7 -> ext(u8());
      case 0xc8 -> ext(u16());
      case 0xc9 -> ext(u32());
      case 0xca -> Float.intBitsToFloat(i32());
      case 0xcb -> Double.longBitsToDouble(i64());
      case 0xcc -> (long) u8();
      case 0xcd -> (long) u16();
      case 0xce -> (long) i32() & 0xffff_ffffL;
      case 0xcf -> uint64(i64());
      case 0xd0 -> (long) (byte) u8();
      case 0xd1 -> (long) (short) u16();
      case 0xd2 -> (long) i32();
      case 0xd3 -> i64();
      case 0xd4 -> ext(1);
      case 0xd5 -> ext(2);
      case 0xd6 -> ext(4);
      case 0xd7 -> ext(8);
      case 0xd8 -> ext(16);
      case 0xd9 -> string(u8());
      case 0xda -> string(u16());
      case 0xdb -> string(u32());
      case 0xdc -> array(u16(), depth);
      case 0xdd -> array(u32(), depth);
      case 0xde -> map(u16(), depth);
      case 0xdf -> map(u32(), depth);
      default -> throw new WireException.Malformed("unknown msgpack byte 0x" + Integer.toHexString(b));
    };
  }

  private static Object uint64(long v) {
    return v >= 0 ? (Object) v : new BigInteger(Long.toUnsignedString(v));
  }

  private List<Object> array(int n, int depth) throws WireException.Malformed {
    checkCount(n);
    List<Object> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) list.add(value(depth + 1));
    return list;
  }

  private Map<Object, Object> map(int n, int depth) throws WireException.Malformed {
    checkCount(n);
    Map<Object, Object> map = LinkedHashMap.newLinkedHashMap(n);
    for (int i = 0; i < n; i++) {
      Object k = value(depth + 1);
      map.put(k, value(depth + 1));
    }
    return map;
  }

  /**
   * A string, strictly. ASCII (every key and uuid of the protocol) is copied straight; anything
   * else goes through a decoder that reports invalid UTF-8 instead of replacing it.
   */
  private String string(int n) throws WireException.Malformed {
    take(n);
    int start = pos - n;
    for (int i = start; i < pos; i++) {
      if (buf[i] < 0) {
        try {
          return StandardCharsets.UTF_8.newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(buf, start, n))
              .toString();
        } catch (CharacterCodingException e) {
          throw new WireException.Malformed("a string that is not valid UTF-8", e);
        }
      }
    }
    return new String(buf, start, n, StandardCharsets.ISO_8859_1);
  }

  private byte[] bytes(int n) throws WireException.Malformed {
    take(n);
    return Arrays.copyOfRange(buf, pos - n, pos);
  }

  private Ext ext(int n) throws WireException.Malformed {
    byte type = (byte) u8();
    return new Ext(type, bytes(n));
  }

  /** Every element takes at least one byte: a count beyond the bytes left is a lie. */
  private void checkCount(int n) throws WireException.Malformed {
    if (n < 0 || n > end - pos) {
      throw new WireException.Malformed("length " + Integer.toUnsignedString(n) + " exceeds the frame");
    }
  }

  /** Moves past {@code n} bytes that must be there. */
  private void take(int n) throws WireException.Malformed {
    if (n < 0 || n > end - pos) {
      throw new WireException.Malformed("length " + Integer.toUnsignedString(n) + " exceeds the frame");
    }
    pos += n;
  }

  private int u8() throws WireException.Malformed {
    take(1);
    return buf[pos - 1] & 0xff;
  }

  private int u16() throws WireException.Malformed {
    take(2);
    return ((buf[pos - 2] & 0xff) << 8) | (buf[pos - 1] & 0xff);
  }

  /** A 32-bit length or int; as a length, one of 2^31 or more is refused by the check that follows. */
  private int u32() throws WireException.Malformed {
    return i32();
  }

  private int i32() throws WireException.Malformed {
    take(4);
    int p = pos - 4;
    return ((buf[p] & 0xff) << 24) | ((buf[p + 1] & 0xff) << 16) | ((buf[p + 2] & 0xff) << 8) | (buf[p + 3] & 0xff);
  }

  private long i64() throws WireException.Malformed {
    long hi = i32() & 0xffff_ffffL;
    long lo = i32() & 0xffff_ffffL;
    return (hi << 32) | lo;
  }
}
