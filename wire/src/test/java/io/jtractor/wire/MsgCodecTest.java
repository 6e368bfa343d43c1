package io.jtractor.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The direct codec is the generic one, only cheaper: the same bytes out, the same message (or the
 * same failure) in, for the capture, every message kind, both key orders and hostile bytes.
 */
@DisplayName("MsgCodec: the per-item codec equals the generic path")
class MsgCodecTest {

  /** What the generic path makes of a body: its message re-encoded, or its failure's kind. */
  private static String generic(byte[] body) {
    try {
      return "msg " + HexFormat.of().formatHex(Msgpack.encode(withoutIdentities(Msg.fromWire(Msgpack.decode(body))).toWire()));
    } catch (WireException e) {
      return "fails " + e.getClass().getSimpleName();
    }
  }

  /** Shared by every decode of one test, as a connection's is by all its messages. */
  private final StringMemo cids = new StringMemo();

  /** What the direct path makes of a body, the same with and without the cid memo. */
  private String direct(byte[] body) {
    String plain = direct(body, null);
    assertThat(direct(body, cids)).as("with the cid memo").isEqualTo(plain);
    return plain;
  }

  /** The direct path, the same whether the body is an array of its own or lies in a reader's buffer. */
  private static String direct(byte[] body, StringMemo memo) {
    String own = described(() -> MsgCodec.decode(body, memo));
    assertThat(described(() -> inPlace(body, memo))).as("decoded where it lies, stream items apart").isEqualTo(own);
    return own;
  }

  /**
   * {@code body} decoded from the middle of a larger buffer, as a reader decodes it, with a stream
   * item read into a slot rather than a record (made here to compare). The bytes around are nils:
   * a read beyond the body would take them for more of it.
   */
  private static Msg inPlace(byte[] body, StringMemo memo) throws WireException {
    byte[] buf = new byte[body.length + 7];
    java.util.Arrays.fill(buf, (byte) 0xc0);
    System.arraycopy(body, 0, buf, 3, body.length);
    MsgCodec.Item item = new MsgCodec.Item();
    Msg m = MsgCodec.decode(buf, 3, 3 + body.length, memo, item);
    return m != null ? m : item.kind.record(item.cid, item.value);
  }

  /**
   * {@code m}, with the identity hashes that the string form of an array or an ext in a caller's
   * uid carries ({@code [B@1b6d3586}) masked: two decodings of the same bytes differ there only.
   */
  private static Msg withoutIdentities(Msg m) {
    if (!(m instanceof Msg.Cmd c)) return m;
    Uid u = c.caller();
    return new Msg.Cmd(c.ns(), c.func(), c.kwargs(), new Uid(masked(u.name()), masked(u.uuid())), c.cid());
  }

  private static String masked(String s) {
    return s.replaceAll("\\[B@[0-9a-f]+", "[B@?");
  }

  private interface Decoding {
    Msg run() throws WireException;
  }

  private static String described(Decoding d) {
    try {
      return "msg " + HexFormat.of().formatHex(MsgCodec.encode(withoutIdentities(d.run())));
    } catch (WireException e) {
      return "fails " + e.getClass().getSimpleName();
    }
  }

  private static List<Msg> everyKind() {
    Uid caller = new Uid("caller", "7d1a3f5e-2a10-4c4e-9f1c-3b6b1e9f0a11");
    Map<String, Object> kwargs = new LinkedHashMap<>();
    kwargs.put("x", 1L);
    kwargs.put("s", "é");
    List<Object> nested = List.of(1L, -40L, 300L, 70000L, 5_000_000_000L, 1.5, "long string ".repeat(5), new byte[] {1, 2}, Map.of("k", true));
    return List.of(
        new Msg.Yield("c1", 42L),
        new Msg.Yield("c1", nested),
        new Msg.Yield("c1", null),
        new Msg.Return("c2", "done"),
        new Msg.Started("c3", Map.of("a", 1L)),
        new Msg.Stop("c4"),
        new Msg.Functype("c5", Msg.ASYNCGEN),
        new Msg.Credit("c6", 1),
        new Msg.Credit("c6", Integer.MAX_VALUE),
        new Msg.Cmd("self", "cancel", kwargs, caller, "c7"),
        new Msg.Cmd("mod", "f", NamedValues.of(new String[] {"ctx", "x", "s"}, 1, 1L, "é"), caller, "c7"),
        new Msg.Error("c8", new ErrorInfo(Map.of("tb_str", "trace", "type_str", "ValueError"))),
        new Msg.Error(null, new ErrorInfo(Map.of("tb_str", "trace", "type_str", "ValueError"))),
        Msg.SENTINEL,
        new Msg.Other(caller.toWire()),
        new Msg.Other(Map.of("unknown", 1L, "cid", "c9")));
  }

  @Test
  void encodesEveryKindByteForByteAsTheGenericPath() {
    for (Msg m : everyKind()) {
      assertThat(MsgCodec.encode(m)).as(m.toString()).isEqualTo(Msgpack.encode(m.toWire()));
    }
  }

  @Test
  void anEncoderKeptForManyMessagesGivesEachTheBytesOfItsOwnEncoding() {
    MsgCodec.Encoder encoder = new MsgCodec.Encoder();
    List<Msg> messages = new ArrayList<>(everyKind());
    messages.add(new Msg.Yield("big", "x".repeat(MsgCodec.Encoder.KEPT_CAPACITY + 10))); // grows past what is kept
    messages.addAll(everyKind());
    for (Msg m : messages) {
      assertThat(encoder.encode(m)).as(m.toString()).isEqualTo(MsgCodec.encode(m));
      assertThatThrownBy(() -> encoder.encode(new Msg.Return("c", new Object()))).as("unencodable")
          .isInstanceOf(IllegalArgumentException.class);
      if (m instanceof Msg.Cmd c) {
        assertThat(encoder.encodeCmd(c.ns(), c.func(), c.kwargs(), c.caller(), c.cid())).isEqualTo(MsgCodec.encode(m))
            .isEqualTo(MsgCodec.Encoder.forFew().encodeCmd(c.ns(), c.func(), c.kwargs(), c.caller(), c.cid()));
      }
    }
  }

  @Test
  void aCallsAnswerWithNoRecordIsItsRecordsBytes() {
    MsgCodec.Encoder encoder = new MsgCodec.Encoder();
    String cid = "7d1a3f5e-2a10-4c4e-9f1c-3b6b1e9f0a11";
    for (Object v : java.util.Arrays.asList(42L, null, "text", List.of(1L, Map.of("k", "v")), "x".repeat(70_000))) {
      assertThat(encoder.encodeAnswer(cid, v, true)).isDeepEqualTo(new byte[][] {
          MsgCodec.encode(new Msg.Functype(cid, Msg.ASYNCFUNC)), MsgCodec.encode(new Msg.Return(cid, v))});
      assertThat(encoder.encodeAnswer(cid, v, false)).isDeepEqualTo(new byte[][] {MsgCodec.encode(new Msg.Return(cid, v))});
    }
    assertThatThrownBy(() -> encoder.encodeAnswer(cid, new Object(), true)).isInstanceOf(IllegalArgumentException.class);
    assertThat(encoder.encodeAnswer(cid, 1L, false)).as("whole after a refusal")
        .isDeepEqualTo(new byte[][] {MsgCodec.encode(new Msg.Return(cid, 1L))});
  }

  @Test
  void aCommandWithNoRecordIsRefusedAsItsRecordIsAndLeavesTheEncoderWhole() {
    MsgCodec.Encoder encoder = new MsgCodec.Encoder();
    Uid caller = new Uid("caller", "7d1a3f5e-2a10-4c4e-9f1c-3b6b1e9f0a11");
    assertThatThrownBy(() -> encoder.encodeCmd("m", "f", Map.of(), caller, null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> MsgCodec.Encoder.forFew().encodeCmd("m", null, Map.of(), caller, "c")).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> encoder.encodeCmd("m", "f", Map.of("x", new Object()), caller, "c"))
        .isInstanceOf(IllegalArgumentException.class);
    Msg.Cmd next = new Msg.Cmd("m", "f", Map.of("x", 1L), caller, "c");
    assertThat(encoder.encodeCmd("m", "f", Map.of("x", 1L), caller, "c")).isEqualTo(MsgCodec.encode(next));
  }

  @Test
  void decodesEveryKindAsTheGenericPath() {
    for (Msg m : everyKind()) {
      byte[] body = Msgpack.encode(m.toWire());
      assertThat(direct(body)).as(m.toString()).isEqualTo(generic(body));
    }
  }

  @Test
  void decodesEveryCapturedTractorFrameAsTheGenericPath() throws Exception {
    for (TractorFramesTest.Captured c : TractorFramesTest.frames()) {
      assertThat(direct(c.body())).as(c.toString()).isEqualTo(generic(c.body()));
    }
  }

  @Test
  void aRunOfOneContextsMessagesDecodesToOneCidString() throws Exception {
    String uuid = "7d1a3f5e-2a10-4c4e-9f1c-3b6b1e9f0a11"; // 36 characters: a str8, as tractor's cids
    Msg first = MsgCodec.decode(MsgCodec.encode(new Msg.Yield(uuid, 1L)), cids);
    Msg second = MsgCodec.decode(MsgCodec.encode(new Msg.Credit(uuid, 3)), cids);
    assertThat(second.cid()).isSameAs(first.cid()).isEqualTo(uuid);
    String neighbour = uuid.substring(0, 35) + "2"; // differs in its last byte only
    Msg other = MsgCodec.decode(MsgCodec.encode(new Msg.Yield(neighbour, 1L)), cids);
    assertThat(other.cid()).isEqualTo(neighbour).isNotSameAs(first.cid());
    for (String cid : List.of("c1", "é-cid", "c1", "é-cid", "é-cid")) { // fixstr, UTF-8, again
      assertThat(MsgCodec.decode(MsgCodec.encode(new Msg.Stop(cid)), cids)).isEqualTo(new Msg.Stop(cid));
    }
  }

  @Test
  void anImmutableItemsDecodedFormIsWhatTheCodecGivesAndEverythingElseHasNone() throws Exception {
    String cid = "7d1a3f5e-2a10-4c4e-9f1c-3b6b1e9f0a11";
    List<Object> immutable = new ArrayList<>(List.of(42L, Long.MIN_VALUE, 7, (short) -3, (byte) 9, true, 1.5, Double.NaN, 2.5f, "", "ascii", "é and ü", "x".repeat(1024)));
    immutable.add(null);
    for (Object v : immutable) {
      Msg.Yield y = new Msg.Yield(cid, v);
      Msg.Yield form = MsgCodec.decodedForm(y);
      assertThat(form).as("decoded form of %s", v).isEqualTo(MsgCodec.decode(MsgCodec.encode(y)));
      if (!(v instanceof Integer || v instanceof Short || v instanceof Byte)) assertThat(form).isSameAs(y);
      assertThat(MsgCodec.decodedValue(v)).as("decoded value of %s", v).isEqualTo(form.value());
    }
    List<Object> others = List.of(List.of(1L), Map.of("k", 1L), new byte[] {1}, new java.math.BigInteger("1"), 'c',
        "x".repeat(1025), "\ud83d\ude00", "lone \ud800", new Object());
    for (Object v : others) {
      assertThat(MsgCodec.decodedForm(new Msg.Yield(cid, v))).as("decoded form of %s", v).isNull();
      assertThat(MsgCodec.decodedValue(v)).as("decoded value of %s", v).isSameAs(MsgCodec.NO_DECODED_VALUE);
    }
    assertThat(MsgCodec.decodedForm(new Msg.Yield("c".repeat(65), 1L))).as("a cid longer than any of ours").isNull();
    assertThat(MsgCodec.hasDecodedForms("c".repeat(64))).isTrue();
    assertThat(MsgCodec.hasDecodedForms("c".repeat(65))).isFalse();
    assertThat(MsgCodec.hasDecodedForms(null)).isFalse();
  }

  @Test
  void aStreamItemAReturnOrAFunctypeOfTheCommonShapeIsReadWithNoRecordAndEverythingElseIsOne() throws Exception {
    String cid = "7d1a3f5e-2a10-4c4e-9f1c-3b6b1e9f0a11";
    for (Object v : java.util.Arrays.asList(42L, null, "text", List.of(1L, "two"), new byte[] {3})) {
      for (Msg m : List.<Msg>of(new Msg.Yield(cid, v), new Msg.Return(cid, v))) {
        byte[] body = MsgCodec.encode(m);
        MsgCodec.Item item = new MsgCodec.Item();
        assertThat(MsgCodec.decode(body, 0, body.length, cids, item)).as("no record for %s", m).isNull();
        assertThat(item.kind).isEqualTo(m instanceof Msg.Yield ? WireChannel.Bare.YIELD : WireChannel.Bare.RETURN);
        assertThat(item.cid).isEqualTo(cid);
        assertThat(MsgCodec.encode(item.kind.record(item.cid, item.value))).isEqualTo(body);
      }
    }
    byte[] functype = MsgCodec.encode(new Msg.Functype(cid, Msg.ASYNCFUNC));
    MsgCodec.Item slot = new MsgCodec.Item();
    assertThat(MsgCodec.decode(functype, 0, functype.length, cids, slot)).isNull();
    assertThat(slot.kind).isEqualTo(WireChannel.Bare.FUNCTYPE);
    assertThat(slot.value).isEqualTo(Msg.ASYNCFUNC);
    assertThat(slot.kind.record(slot.cid, slot.value)).isEqualTo(new Msg.Functype(cid, Msg.ASYNCFUNC));
    for (Msg m : everyKind()) {
      if (m instanceof Msg.Yield || m instanceof Msg.Return || m instanceof Msg.Functype) continue;
      byte[] body = MsgCodec.encode(m);
      MsgCodec.Item item = new MsgCodec.Item();
      assertThat(MsgCodec.decode(body, 0, body.length, null, item)).as(m.toString()).isEqualTo(MsgCodec.decode(body));
      assertThat(item.cid).as("nothing put in the slot for " + m).isNull();
    }
    byte[] str8Key = HexFormat.of().parseHex("82d9057969656c6401a3636964a163"); // "yield" as str8: the generic path's
    assertThat(MsgCodec.decode(str8Key, 0, str8Key.length, null, new MsgCodec.Item())).isEqualTo(new Msg.Yield("c", 1L));
  }

  @Test
  void whatIsDecodedWhereItLiesSharesNoByteWithTheBuffer() throws Exception {
    byte[] buf = MsgCodec.encode(new Msg.Yield("c1", List.of(new byte[] {1, 2, 3}, "abc", Map.of("k", "v"))));
    MsgCodec.Item item = new MsgCodec.Item();
    assertThat(MsgCodec.decode(buf, 0, buf.length, cids, item)).isNull();
    Object before = Msgpack.decode(Msgpack.encode(item.value)); // a copy of what was decoded
    java.util.Arrays.fill(buf, (byte) 0); // the reader's next read overwrites its buffer
    assertThat(Msgpack.encode(item.value)).isEqualTo(Msgpack.encode(before));
    assertThat(item.cid).isEqualTo("c1");
  }

  @Test
  void aLoneItemEncodesWithNoRecordToTheSameBytes() {
    List<Object> values = new ArrayList<>(java.util.Arrays.asList(42L, -1L, 1.5, "text", "é", true, List.of(1L, "two"), Map.of("k", 3L), new byte[] {1}));
    values.add(null);
    for (String cid : List.of("c1", "7d1a3f5e-2a10-4c4e-9f1c-3b6b1e9f0a11")) {
      for (Object v : values) {
        assertThat(MsgCodec.encodeYield(cid, v)).as("%s", v).isEqualTo(MsgCodec.encode(new Msg.Yield(cid, v)));
      }
    }
    assertThatThrownBy(() -> MsgCodec.encodeYield("c1", new Object())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsTheCidFirstOrderToo() throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cid", "c1");
    m.put("yield", 7L);
    assertThat(MsgCodec.decode(Msgpack.encode(m))).isEqualTo(new Msg.Yield("c1", 7L));
  }

  @Test
  void leavesEveryOddPairToTheGenericPath() {
    List<Map<String, Object>> odd = new ArrayList<>();
    odd.add(ordered("functype", 5L, "cid", "c")); // not a string: malformed
    odd.add(ordered("credit", 0L, "cid", "c")); // not positive: an Other
    odd.add(ordered("credit", 3.0, "cid", "c")); // a float credit, as the generic path allows
    odd.add(ordered("yield", 1L, "cid", 5L)); // cid not a string: malformed
    odd.add(ordered("yield", 1L, "return", 2L)); // no cid
    odd.add(ordered("error", "not a map", "cid", "c"));
    for (Map<String, Object> m : odd) {
      byte[] body = Msgpack.encode(m);
      assertThat(direct(body)).as(m.toString()).isEqualTo(generic(body));
    }
    byte[] repeatedKey = HexFormat.of().parseHex("82a3636964a161a3636964a162"); // {cid: a, cid: b}
    assertThat(direct(repeatedKey)).isEqualTo(generic(repeatedKey));
    byte[] str8Key = HexFormat.of().parseHex("82d9057969656c6401a3636964a163"); // "yield" as str8
    assertThat(direct(str8Key)).isEqualTo(generic(str8Key)).startsWith("msg ");
  }

  @Test
  void refusesTrailingBytesAndTruncationAsTheGenericPathDoes() {
    byte[] body = Msgpack.encode(new Msg.Yield("c1", 1L).toWire());
    byte[] trailing = java.util.Arrays.copyOf(body, body.length + 1);
    assertThatThrownBy(() -> MsgCodec.decode(trailing)).isInstanceOf(WireException.Malformed.class);
    for (int n = 0; n < body.length; n++) {
      byte[] cut = java.util.Arrays.copyOf(body, n);
      assertThat(direct(cut)).as("first " + n + " bytes").isEqualTo(generic(cut));
    }
  }

  @Test
  void hostileBytesMeetTheSameChecks() {
    Random random = new Random(18);
    Uid caller = new Uid("caller", "7d1a3f5e-2a10-4c4e-9f1c-3b6b1e9f0a11");
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("tb_str", "trace");
    fields.put("type_str", "ContextCancelled");
    fields.put("src_actor_uid", caller);
    fields.put("canceller", caller);
    List<Msg> templates = List.of(
        new Msg.Yield("a-cid", List.of(1L, "two", Map.of("k", 3L))),
        new Msg.Cmd("self", "_cancel_task", Map.of("cid", "c2"), caller, "c1"),
        new Msg.Error("c3", new ErrorInfo(fields)));
    for (Msg m : templates) {
      byte[] template = Msgpack.encode(m.toWire());
      assertThat(direct(template)).isEqualTo(generic(template)).startsWith("msg ");
      for (int i = 0; i < 20_000; i++) {
        byte[] body = template.clone();
        int flips = 1 + random.nextInt(3);
        for (int f = 0; f < flips; f++) body[random.nextInt(body.length)] = (byte) random.nextInt(256);
        assertThat(direct(body)).as(HexFormat.of().formatHex(body)).isEqualTo(generic(body));
      }
    }
  }

  @Test
  void aCommandAndAnErrorAreReadDirectlyAsTheGenericPathReadsThem() throws Exception {
    Uid caller = new Uid("caller", "7d1a3f5e-2a10-4c4e-9f1c-3b6b1e9f0a11");
    Map<String, Object> kwargs = new LinkedHashMap<>();
    kwargs.put("cid", "c2");
    kwargs.put("nested", Map.of("k", List.of(1L, 2L)));
    for (Msg m : List.<Msg>of(
        new Msg.Cmd("self", "_cancel_task", kwargs, caller, "c1"),
        new Msg.Cmd("mod", "f", Map.of(), caller, "c1"),
        new Msg.Error("c3", new ErrorInfo(Map.of("tb_str", "t", "canceller", caller))))) {
      byte[] body = MsgCodec.encode(m);
      assertThat(MsgCodec.decode(body)).isEqualTo(Msg.fromWire(Msgpack.decode(body)));
    }
    byte[] cancel = MsgCodec.encode(new Msg.Cmd("self", "_cancel_task", kwargs, caller, "7d1a3f5e-2a10-4c4e-9f1c-3b6b1e9f0a99"));
    assertThat(MsgCodec.decode(cancel, cids).cid()).as("read directly: its cid through the memo")
        .isSameAs(MsgCodec.decode(cancel, cids).cid());
    // Keys that are not strings: a command's are refused, an error's are named by their string form.
    Map<Object, Object> oddKwargs = new LinkedHashMap<>();
    oddKwargs.put(1L, "x");
    byte[] cmd = Msgpack.encode(Map.of("cmd", List.of("ns", "f", oddKwargs, caller.toWire(), "c1")));
    assertThat(direct(cmd)).isEqualTo(generic(cmd)).startsWith("fails");
    byte[] err = Msgpack.encode(ordered("error", Map.of(7L, "seven"), "cid", "c"));
    assertThat(direct(err)).isEqualTo(generic(err)).startsWith("msg ");
    assertThat(((Msg.Error) MsgCodec.decode(err)).info().fields()).containsEntry("7", "seven");
  }

  @Test
  void aCommandsArgumentsAreReadIntoAnOrderedArrayMapAndOddShapesAreLeftToTheGenericPath() throws Exception {
    Uid caller = new Uid("caller", "7d1a3f5e-2a10-4c4e-9f1c-3b6b1e9f0a11");
    Map<String, Object> linked = new LinkedHashMap<>();
    linked.put("b", 2L);
    linked.put("a", null);
    linked.put("c", List.of("x"));
    NamedValues kw = NamedValues.of(new String[] {"b", "a", "c"}, 0, 2L, null, List.of("x"));
    byte[] body = MsgCodec.encode(new Msg.Cmd("m", "f", kw, caller, "c1"));
    assertThat(body).as("the same bytes as from a LinkedHashMap").isEqualTo(MsgCodec.encode(new Msg.Cmd("m", "f", linked, caller, "c1")));
    Msg.Cmd read = (Msg.Cmd) MsgCodec.decode(body);
    assertThat(read.kwargs()).isInstanceOf(NamedValues.class).isEqualTo(linked);
    assertThat(read.kwargs().keySet()).containsExactly("b", "a", "c");
    assertThat(read).isEqualTo(Msg.fromWire(Msgpack.decode(body)));
    // A repeated name (the generic path keeps its last value, at its first place), kwargs in a
    // map16 (more than a fixmap's 15 entries), and uids of other shapes.
    byte[] repeated = HexFormat.of().parseHex("81a3636d6495a16da16683a161 01 a162 02 a161 03 92a163a175a26331".replace(" ", ""));
    assertThat(direct(repeated)).isEqualTo(generic(repeated)).startsWith("msg ");
    assertThat(((Msg.Cmd) MsgCodec.decode(repeated)).kwargs()).containsExactly(Map.entry("a", 3L), Map.entry("b", 2L));
    Map<String, Object> many = new LinkedHashMap<>();
    for (int i = 0; i <= 32; i++) many.put("k" + i, (long) i);
    Map<String, Object> sixteen = new LinkedHashMap<>();
    for (int i = 0; i < 16; i++) sixteen.put("k" + i, (long) i);
    for (Map<String, Object> args : List.of(many, sixteen)) {
      byte[] b = MsgCodec.encode(new Msg.Cmd("m", "f", args, caller, "c1"));
      assertThat(direct(b)).isEqualTo(generic(b)).startsWith("msg ");
      assertThat(((Msg.Cmd) MsgCodec.decode(b)).kwargs()).isEqualTo(args).isNotInstanceOf(NamedValues.class);
    }
    for (Object uid : List.of(List.of("n", "u", "extra"), List.of("n", 7L), List.of("n"))) {
      byte[] b = Msgpack.encode(Map.of("cmd", List.of("m", "f", Map.of(), uid, "c1")));
      assertThat(direct(b)).as(uid.toString()).isEqualTo(generic(b));
    }
  }

  @Test
  void aRunOfCallsFromOneCallerMakesItsNamespaceFunctionAndUidOnce() throws Exception {
    MsgCodec.Item item = new MsgCodec.Item(); // a connection's, as its reader decodes with it
    Uid caller = new Uid("caller", "7d1a3f5e-2a10-4c4e-9f1c-3b6b1e9f0a11");
    Uid other = new Uid("caller", "7d1a3f5e-2a10-4c4e-9f1c-3b6b1e9f0a22");
    List<Msg.Cmd> calls = List.of(
        new Msg.Cmd("mod", "f", Map.of("x", 1L), caller, "c1"),
        new Msg.Cmd("mod", "f", Map.of("x", 2L), caller, "c2"),
        new Msg.Cmd("mod", "g", Map.of(), other, "c3"));
    List<Msg.Cmd> read = new ArrayList<>();
    for (Msg.Cmd c : calls) {
      byte[] body = MsgCodec.encode(c);
      read.add((Msg.Cmd) MsgCodec.decode(body, 0, body.length, cids, item));
      assertThat(read.getLast()).isEqualTo(c).isEqualTo(Msg.fromWire(Msgpack.decode(body)));
    }
    assertThat(read.get(1).ns()).isSameAs(read.get(0).ns());
    assertThat(read.get(1).func()).isSameAs(read.get(0).func());
    assertThat(read.get(1).caller()).isSameAs(read.get(0).caller());
    assertThat(read.get(2).ns()).isSameAs(read.get(0).ns());
    assertThat(read.get(2).caller()).as("another caller").isNotSameAs(read.get(0).caller()).isEqualTo(other);
  }

  private static Map<String, Object> ordered(String k1, Object v1, String k2, Object v2) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }
}
