package io.jtractor.bench;

import io.jtractor.wire.Ext;
import io.jtractor.wire.WireException;
import io.jtractor.wire.WireValue;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.math.BigInteger;
import java.nio.charset.CodingErrorAction;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;

/**
 * The msgpack codec jtractor had before its own ({@code io.jtractor.wire.Msgpack}), on msgpack-core:
 * kept here only as the baseline of {@link CodecBench}.
 */
final class MsgpackCoreCodec {
  private MsgpackCoreCodec() {}

  /** Nesting deeper than this is refused as malformed, so a hostile frame cannot overflow the stack. */
  static final int MAX_DEPTH = 256;

  /**
   * Messages are small: start each encoding with a 256-byte buffer (it grows as needed) instead of
   * msgpack-core's default 8 KiB, which every call allocated and zeroed twice.
   */
  private static final MessagePack.PackerConfig PACKER = new MessagePack.PackerConfig().withBufferSize(256);

  private static final MessagePack.UnpackerConfig UNPACKER =
      new MessagePack.UnpackerConfig()
          .withActionOnMalformedString(CodingErrorAction.REPORT)
          .withActionOnUnmappableString(CodingErrorAction.REPORT);

  /**
   * Decodes exactly one msgpack object from {@code body}.
   *
   * @throws WireException.Malformed if the bytes are not exactly one valid object
   */
  static Object decode(byte[] body) throws WireException.Malformed {
    try (MessageUnpacker u = UNPACKER.newUnpacker(body)) {
      if (!u.hasNext()) {
        throw new WireException.Malformed("empty frame");
      }
      Object v = read(u, 0, body.length);
      if (u.hasNext()) {
        throw new WireException.Malformed("trailing bytes after the msgpack object");
      }
      return v;
    } catch (MessagePackException | IOException e) {
      throw new WireException.Malformed("not valid msgpack: " + e.getMessage(), e);
    }
  }

  /**
   * Reads a string, strictly: invalid UTF-8 is malformed input. ASCII (every key and uuid of the
   * protocol) takes a fast path; msgpack-core's own strict decoding goes through a CharsetDecoder
   * per string, which was the largest cost of receiving a small message.
   */
  private static String readString(MessageUnpacker u) throws IOException, WireException.Malformed {
    int n = u.unpackRawStringHeader();
    byte[] b = u.readPayload(n);
    for (byte x : b) {
      if (x < 0) {
        try {
          return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(b))
              .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
          throw new WireException.Malformed("a string that is not valid UTF-8", e);
        }
      }
    }
    return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  private static Object read(MessageUnpacker u, int depth, int limit) throws IOException, WireException.Malformed {
    if (depth > MAX_DEPTH) {
      throw new WireException.Malformed("nesting deeper than " + MAX_DEPTH);
    }
    MessageFormat f = u.getNextFormat();
    if (f == MessageFormat.NEVER_USED) {
      throw new WireException.Malformed("byte 0xc1, which msgpack never uses");
    }
    switch (f.getValueType()) {
      case NIL -> {
        u.unpackNil();
        return null;
      }
      case BOOLEAN -> {
        return u.unpackBoolean();
      }
      case INTEGER -> {
        if (f == MessageFormat.UINT64) {
          BigInteger big = u.unpackBigInteger();
          return big.bitLength() < 64 ? (Object) big.longValue() : big;
        }
        return u.unpackLong();
      }
      case FLOAT -> {
        return f == MessageFormat.FLOAT32 ? (Object) u.unpackFloat() : (Object) u.unpackDouble();
      }
      case STRING -> {
        return readString(u);
      }
      case BINARY -> {
        int n = u.unpackBinaryHeader();
        checkLength(n, limit);
        return u.readPayload(n);
      }
      case ARRAY -> {
        int n = u.unpackArrayHeader();
        checkLength(n, limit);
        List<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) list.add(read(u, depth + 1, limit));
        return list;
      }
      case MAP -> {
        int n = u.unpackMapHeader();
        checkLength(n, limit);
        Map<Object, Object> map = LinkedHashMap.newLinkedHashMap(n);
        for (int i = 0; i < n; i++) {
          Object k = read(u, depth + 1, limit);
          map.put(k, read(u, depth + 1, limit));
        }
        return map;
      }
      case EXTENSION -> {
        var h = u.unpackExtensionTypeHeader();
        checkLength(h.getLength(), limit);
        return new Ext(h.getType(), u.readPayload(h.getLength()));
      }
      default -> throw new WireException.Malformed("unknown msgpack format " + f);
    }
  }

  /** Every element takes at least one byte: a count beyond the frame is a lie, refused before allocating. */
  private static void checkLength(int n, int limit) throws WireException.Malformed {
    if (n < 0 || n > limit) {
      throw new WireException.Malformed("length " + Integer.toUnsignedString(n) + " exceeds the frame");
    }
  }

  /**
   * Encodes {@code value} as one msgpack object.
   *
   * @throws IllegalArgumentException if it holds something with no msgpack form
   */
  static byte[] encode(Object value) {
    try (MessageBufferPacker p = PACKER.newBufferPacker()) {
      write(p, value, 0);
      return p.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("in-memory packing failed", e);
    }
  }

  private static void write(MessageBufferPacker p, Object v, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("value nested deeper than " + MAX_DEPTH + " (a cycle?)");
    }
    switch (v) {
      case null -> p.packNil();
      case Boolean b -> p.packBoolean(b);
      case Long l -> p.packLong(l);
      case Integer i -> p.packLong(i);
      case Short s -> p.packLong(s);
      case Byte b -> p.packLong(b);
      case BigInteger b -> p.packBigInteger(b);
      case Double d -> p.packDouble(d);
      case Float f -> p.packFloat(f);
      case String s -> p.packString(s);
      case Character c -> p.packString(c.toString());
      case byte[] bytes -> {
        p.packBinaryHeader(bytes.length);
        p.writePayload(bytes);
      }
      case Ext e -> {
        byte[] data = e.data();
        p.packExtensionTypeHeader(e.type(), data.length);
        p.writePayload(data);
      }
      case WireValue w -> write(p, w.toWire(), depth + 1);
      case Enum<?> e -> p.packString(e.name());
      case Map<?, ?> m -> {
        p.packMapHeader(m.size());
        for (Map.Entry<?, ?> e : m.entrySet()) {
          write(p, e.getKey(), depth + 1);
          write(p, e.getValue(), depth + 1);
        }
      }
      case Collection<?> c -> {
        p.packArrayHeader(c.size());
        for (Object o : c) write(p, o, depth + 1);
      }
      case Object[] a -> {
        p.packArrayHeader(a.length);
        for (Object o : a) write(p, o, depth + 1);
      }
      case Record r -> writeRecord(p, r, depth);
      default ->
          throw new IllegalArgumentException(
              "cannot encode a " + v.getClass().getName() + " as msgpack: " + v);
    }
  }

  private static void writeRecord(MessageBufferPacker p, Record r, int depth) throws IOException {
    RecordComponent[] comps = r.getClass().getRecordComponents();
    p.packMapHeader(comps.length);
    for (RecordComponent c : comps) {
      p.packString(c.getName());
      Object value;
      try {
        var accessor = c.getAccessor();
        accessor.setAccessible(true);
        value = accessor.invoke(r);
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new IllegalArgumentException("cannot read record component " + c.getName() + " of " + r.getClass().getName(), e);
      }
      write(p, value, depth + 1);
    }
  }
}
