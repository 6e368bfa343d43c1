package io.jtractor.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MsgpackTest {

  record Point(int x, String label) {}

  private static String hex(Object v) {
    return HexFormat.of().formatHex(Msgpack.encode(v));
  }

  @Test
  void encodesAsMsgspecDoes() {
    assertThat(hex(null)).isEqualTo("c0");
    assertThat(hex(true)).isEqualTo("c3");
    assertThat(hex(42)).isEqualTo("2a");
    assertThat(hex(-1L)).isEqualTo("ff");
    assertThat(hex(300)).isEqualTo("cd012c");
    assertThat(hex(1.5)).isEqualTo("cb3ff8000000000000");
    assertThat(hex("root")).isEqualTo("a4726f6f74");
    assertThat(hex("x".repeat(36))).startsWith("d924");
    assertThat(hex(new byte[] {1, 2})).isEqualTo("c4020102");
    assertThat(hex(List.of(1, 2))).isEqualTo("920102");
    assertThat(hex(Uid.random("a"))).startsWith("92a161d924");
  }

  @Test
  void aStringIsItsUtf8BytesBehindItsSmallestHeaderWhicheverWayItIsCopied() {
    // ASCII strings up to a limit are copied straight into the buffer; others go through UTF-8.
    for (int n : new int[] {0, 1, 31, 32, 36, 47, 48, 49, 255, 256, 4095, 4096, 4097, 65535, 65536}) {
      for (String s : List.of("c".repeat(n), "é" + "c".repeat(Math.max(0, n - 1)), "c".repeat(Math.max(0, n - 1)) + "\u20ac")) {
        byte[] utf8 = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int m = utf8.length;
        String header = m < 32 ? String.format("%02x", 0xa0 | m)
            : m < 0x100 ? String.format("d9%02x", m)
            : m < 0x10000 ? String.format("da%04x", m)
            : String.format("db%08x", m);
        assertThat(hex(s)).as("a string of %d chars", s.length()).isEqualTo(header + HexFormat.of().formatHex(utf8));
      }
    }
  }

  @Test
  void aUidIsItsTwoElementArrayEveryTimeItIsWrittenAndAtEveryDepth() {
    Uid a = new Uid("actor", "7d1a3f5e-2a10-4c4e-9f1c-3b6b1e9f0a11");
    Uid b = new Uid("é-actor", "7d1a3f5e-2a10-4c4e-9f1c-3b6b1e9f0a11"); // the same slot, another uid
    for (int round = 0; round < 3; round++) { // first written, then found again, then after the other
      for (Uid u : List.of(a, b, new Uid("actor", a.uuid()))) {
        assertThat(Msgpack.encode(u)).as(u + " round " + round).isEqualTo(Msgpack.encode(u.toWire()));
        assertThat(Msgpack.encode(List.of(u, Map.of("k", u)))).isEqualTo(Msgpack.encode(List.of(u.toWire(), Map.of("k", u.toWire()))));
      }
    }
    Object deep = a;
    for (int i = 0; i < Msgpack.MAX_DEPTH - 2; i++) deep = List.of(deep);
    assertThat(Msgpack.encode(deep)).as("at the deepest a uid's strings may be").isNotEmpty();
    Object deeper = List.of(deep);
    assertThatThrownBy(() -> Msgpack.encode(deeper)).as("one level deeper, as its list would be")
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deeper");
  }

  @Test
  void everyLengthAndIntegerTakesItsSmallestForm() throws Exception {
    assertThat(hex(127)).isEqualTo("7f");
    assertThat(hex(128)).isEqualTo("cc80");
    assertThat(hex(65535)).isEqualTo("cdffff");
    assertThat(hex(65536L)).isEqualTo("ce00010000");
    assertThat(hex(4294967296L)).isEqualTo("cf0000000100000000");
    assertThat(hex(-32)).isEqualTo("e0");
    assertThat(hex(-33)).isEqualTo("d0df");
    assertThat(hex(-129)).isEqualTo("d1ff7f");
    assertThat(hex(-32769)).isEqualTo("d2ffff7fff");
    assertThat(hex(Long.MIN_VALUE)).isEqualTo("d38000000000000000");
    assertThat(hex(new BigInteger("18446744073709551615"))).isEqualTo("cfffffffffffffffff");
    assertThat(hex(1.5f)).isEqualTo("ca3fc00000");
    assertThat(hex("x".repeat(31))).startsWith("bf");
    assertThat(hex("x".repeat(255))).startsWith("d9ff");
    assertThat(hex("x".repeat(256))).startsWith("da0100");
    assertThat(hex("é")).isEqualTo("a2c3a9");
    assertThat(hex(new byte[256])).startsWith("c50100");
    assertThat(hex(java.util.Collections.nCopies(16, 0))).startsWith("dc0010");
    Map<Long, Long> sixteen = new LinkedHashMap<>();
    for (long i = 0; i < 16; i++) sixteen.put(i, i);
    assertThat(hex(sixteen)).startsWith("de0010");
    assertThat(hex(new Ext((byte) 5, new byte[] {1}))).isEqualTo("d40501");
    assertThat(hex(new Ext((byte) 5, new byte[3]))).isEqualTo("c70305000000");
    for (Object v : List.of(0L, -1L, 200L, -200L, 70000L, -70000L, 5000000000L, -5000000000L, "héllo", List.of(), Map.of())) {
      assertThat(Msgpack.decode(Msgpack.encode(v))).isEqualTo(v);
    }
  }

  @Test
  void aTruncatedObjectIsMalformed() {
    for (String h : List.of("cd01", "a3616263".substring(0, 6), "92c0", "de0001c0", "cb3ff8", "c70305")) {
      assertThatThrownBy(() -> Msgpack.decode(HexFormat.of().parseHex(h))).as(h).isInstanceOf(WireException.Malformed.class);
    }
  }

  @Test
  void recordsEncodeAsMapsInDeclarationOrder() throws Exception {
    Object back = Msgpack.decode(Msgpack.encode(new Point(3, "p")));
    assertThat(back).isEqualTo(Map.of("x", 3L, "label", "p"));
    List<Object> keys = List.copyOf(((Map<?, ?>) back).keySet());
    assertThat(keys).containsExactly("x", "label");
  }

  @Test
  void decodesEveryKind() throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("n", null);
    m.put("big", new BigInteger("18446744073709551615"));
    m.put("f32", 1.5f);
    m.put("ext", new Ext((byte) -1, new byte[] {1, 2, 3, 4}));
    m.put("bin", new byte[] {9});
    Object back = Msgpack.decode(Msgpack.encode(m));
    Map<?, ?> b = (Map<?, ?>) back;
    assertThat(b.get("n")).isNull();
    assertThat(b.get("big")).isEqualTo(new BigInteger("18446744073709551615"));
    assertThat(b.get("f32")).isEqualTo(1.5f);
    assertThat(b.get("ext")).isEqualTo(new Ext((byte) -1, new byte[] {1, 2, 3, 4}));
    assertThat((byte[]) b.get("bin")).containsExactly(9);
  }

  @Test
  void malformedBytesAreRefusedCleanly() {
    assertThatThrownBy(() -> Msgpack.decode(new byte[0])).isInstanceOf(WireException.Malformed.class);
    assertThatThrownBy(() -> Msgpack.decode(new byte[] {(byte) 0xc1})).isInstanceOf(WireException.Malformed.class);
    // an array claiming 4 billion elements in a 5-byte frame
    assertThatThrownBy(() -> Msgpack.decode(HexFormat.of().parseHex("ddffffffff"))).isInstanceOf(WireException.Malformed.class);
    // invalid UTF-8 in a string
    assertThatThrownBy(() -> Msgpack.decode(HexFormat.of().parseHex("a2c328"))).isInstanceOf(WireException.Malformed.class);
    // two objects in one frame
    assertThatThrownBy(() -> Msgpack.decode(HexFormat.of().parseHex("c0c0"))).isInstanceOf(WireException.Malformed.class);
    // nesting deeper than the limit
    byte[] deep = new byte[Msgpack.MAX_DEPTH + 10];
    Arrays.fill(deep, (byte) 0x91);
    deep[deep.length - 1] = (byte) 0xc0;
    assertThatThrownBy(() -> Msgpack.decode(deep)).isInstanceOf(WireException.Malformed.class);
  }

  @Test
  void unsupportedValuesAreRefusedAtTheSender() {
    assertThatThrownBy(() -> Msgpack.encode(new Object())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void illFormedMessagesAreMalformed() {
    assertThatThrownBy(() -> Msg.fromWire(Map.of("cmd", List.of("ns", "f")))).isInstanceOf(WireException.Malformed.class);
    assertThatThrownBy(() -> Msg.fromWire(Map.of("return", 1L, "cid", 5L))).isInstanceOf(WireException.Malformed.class);
  }

  @Test
  void aMapWithNoKnownKeyIsOther() throws Exception {
    assertThat(Msg.fromWire(Map.of("bogus", 1L))).isInstanceOf(Msg.Other.class);
    assertThat(Msg.fromWire(null)).isSameAs(Msg.SENTINEL);
  }
}
