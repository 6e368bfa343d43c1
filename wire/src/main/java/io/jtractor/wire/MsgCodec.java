package io.jtractor.wire;

import java.util.Map;

/**
 * The message catalogue straight to and from msgpack, with no map per message: the per-item path
 * of stream items, calls and their answers, and the errors that answer a cancel.
 *
 * <p>The contract is equality with the generic path, which stays the specification: {@link
 * #encode} gives exactly the bytes of {@code Msgpack.encode(msg.toWire())}, and {@link #decode}
 * exactly what {@code Msg.fromWire(Msgpack.decode(body))} gives, the same message or the same
 * kind of failure. Only the common shapes are taken directly: a two-entry map of one known key
 * (an error's included) and a string {@code cid}, in either order, and a one-entry map of {@code
 * cmd} with its five-element array, with fixstr keys and fix headers (msgspec's choice for short
 * ones). Everything else (hellos, maps with other keys, keys or headers in a longer form, bad
 * values) falls back to the generic path, which then decides, so a hostile frame meets the same
 * checks either way.
 *
 * <p>Threads: stateless, any thread; but an {@link Encoder} is used by one thread at a time, and an
 * {@link Item} is confined to the thread decoding with it.
 */
public final class MsgCodec {
  private MsgCodec() {}

  /** Messages are small: an encoding starts with this many bytes and grows as needed. */
  private static final int INITIAL_CAPACITY = 64;
  /** An error carries a trace: its encoding starts larger, not doubling four times on the way. */
  private static final int ERROR_CAPACITY = 1024;
  /**
   * A {@code cmd} carries a cid, a uid and names: 140-200 bytes with a few small arguments. Its
   * encoding starts there rather than doubling twice from {@link #INITIAL_CAPACITY}.
   */
  private static final int CMD_CAPACITY = 256;

  private static final byte[] CID = key("cid");
  private static final byte[] YIELD = key("yield");
  private static final byte[] RETURN = key("return");
  private static final byte[] STARTED = key("started");
  private static final byte[] STOP = key("stop");
  private static final byte[] FUNCTYPE = key("functype");
  private static final byte[] CREDIT = key("credit");
  private static final byte[] ERROR = key("error");

  /** A key as its fixstr bytes: header, then ASCII. */
  private static byte[] key(String k) {
    byte[] out = new byte[k.length() + 1];
    out[0] = (byte) (0xa0 | k.length());
    for (int i = 0; i < k.length(); i++) out[i + 1] = (byte) k.charAt(i);
    return out;
  }

  /**
   * Encodes one message, byte for byte as the generic path does.
   *
   * @throws IllegalArgumentException if a value inside has no msgpack form
   */
  public static byte[] encode(Msg msg) {
    MsgpackWriter w = new MsgpackWriter(switch (msg) {
      case Msg.Error e -> ERROR_CAPACITY;
      case Msg.Cmd c -> CMD_CAPACITY;
      default -> INITIAL_CAPACITY;
    });
    write(w, msg);
    return w.toByteArray();
  }

  private static void write(MsgpackWriter w, Msg msg) {
    switch (msg) {
      case Msg.Yield y -> pair(w, YIELD, y.value(), y.cid());
      case Msg.Return r -> pair(w, RETURN, r.value(), r.cid());
      case Msg.Started s -> pair(w, STARTED, s.value(), s.cid());
      case Msg.Stop s -> pair(w, STOP, Boolean.TRUE, s.cid());
      case Msg.Functype f -> pair(w, FUNCTYPE, f.kind(), f.cid());
      case Msg.Credit c -> pair(w, CREDIT, c.n(), c.cid());
      // An error's fields go as they are: a cancel's answer carries one, with no map around it.
      case Msg.Error e when e.cid() != null -> pair(w, ERROR, e.info().fields(), e.cid());
      case Msg.Cmd c -> cmd(w, c.ns(), c.func(), c.kwargs(), c.caller(), c.cid());
      // Rare, or shaped otherwise: the message's own map, written by the generic encoder.
      case Msg.Error e -> w.value(e.toWire(), 0);
      case Msg.Sentinel s -> w.value(null, 0);
      case Msg.Other o -> w.value(o.raw(), 0);
    }
  }

  /**
   * Encodes messages one after another into a buffer it keeps, each copied out at its exact size:
   * {@link #encode(Msg)}'s bytes, with no buffer made and grown per message. For a connection's
   * messages sent at once, whose sender takes it for the time of an encoding.
   *
   * <p>Threads: one at a time; its owner hands it from one to the next.
   */
  public static final class Encoder {
    /** A buffer grown past this by a large message is let go after it, not kept for the next. */
    static final int KEPT_CAPACITY = 64 << 10;

    private MsgpackWriter w;

    /** An encoder to keep: its buffer starts large enough for an error with its trace. */
    public Encoder() {
      this(ERROR_CAPACITY);
    }

    private Encoder(int initialCapacity) {
      w = new MsgpackWriter(initialCapacity);
    }

    /** An encoder for a message or two, its buffer starting as small as {@link MsgCodec#encode}'s. */
    public static Encoder forFew() {
      return new Encoder(INITIAL_CAPACITY);
    }

    /**
     * {@link MsgCodec#encode(Msg)}'s bytes for {@code msg}.
     *
     * @throws IllegalArgumentException if a value inside has no msgpack form
     */
    public byte[] encode(Msg msg) {
      w.truncate(0);
      try {
        write(w, msg);
        return w.toByteArray();
      } finally {
        letGoIfGrown();
      }
    }

    /** Lets go of a buffer a large message grew past {@link #KEPT_CAPACITY}; after every encoding. */
    private void letGoIfGrown() {
      if (w.buffer().length > KEPT_CAPACITY) w = new MsgpackWriter(ERROR_CAPACITY);
    }

    /**
     * A call's answer with no record made for it: the bytes of {@code encode(new
     * Msg.Functype(cid, "asyncfunc"))} then of {@code encode(new Msg.Return(cid, value))}, or the
     * latter alone without {@code functype}.
     *
     * @throws IllegalArgumentException if {@code value} has no msgpack form (nothing is returned)
     */
    public byte[][] encodeAnswer(String cid, Object value, boolean functype) {
      java.util.Objects.requireNonNull(cid, "cid");
      try {
        w.truncate(0);
        pair(w, RETURN, value, cid);
        byte[] returned = w.toByteArray();
        if (!functype) return new byte[][] {returned};
        w.truncate(0);
        pair(w, FUNCTYPE, Msg.ASYNCFUNC, cid);
        return new byte[][] {w.toByteArray(), returned};
      } finally {
        letGoIfGrown();
      }
    }

    /**
     * A call's {@code cmd}, byte for byte {@code encode(new Msg.Cmd(ns, func, kwargs, caller,
     * cid))}, with no record made for it.
     *
     * @throws NullPointerException if an argument is null, as {@link Msg.Cmd} refuses it
     * @throws IllegalArgumentException if an argument's value has no msgpack form
     */
    public byte[] encodeCmd(String ns, String func, Map<String, Object> kwargs, Uid caller, String cid) {
      java.util.Objects.requireNonNull(ns, "ns");
      java.util.Objects.requireNonNull(func, "func");
      java.util.Objects.requireNonNull(kwargs, "kwargs");
      java.util.Objects.requireNonNull(caller, "caller");
      java.util.Objects.requireNonNull(cid, "cid");
      w.truncate(0);
      try {
        cmd(w, ns, func, kwargs, caller, cid);
        return w.toByteArray();
      } finally {
        letGoIfGrown();
      }
    }
  }

  /**
   * {@code {'cmd': [ns, func, kwargs, [name, uuid], cid]}} at the depths the generic path nests
   * them, with no list or map made for it (the uid as its two strings, {@link MsgpackWriter}).
   */
  private static void cmd(MsgpackWriter w, String ns, String func, Map<String, Object> kwargs, Uid caller, String cid) {
    w.mapHeader(1);
    w.encoded(CMD);
    w.encoded(CMD_ARRAY);
    w.value(ns, 2);
    w.value(func, 2);
    w.value(kwargs, 2);
    w.value(caller, 2);
    w.value(cid, 2);
  }

  /** The header of a {@code cmd}'s five-element array. */
  private static final byte[] CMD_ARRAY = {(byte) 0x95};

  /**
   * A stream item's body, byte for byte {@code encode(new Msg.Yield(cid, value))}, with no record
   * made for it: a lone item (a reply) on its way out.
   *
   * @throws IllegalArgumentException if {@code value} has no msgpack form
   */
  public static byte[] encodeYield(String cid, Object value) {
    MsgpackWriter w = new MsgpackWriter(INITIAL_CAPACITY);
    pair(w, YIELD, value, cid);
    return w.toByteArray();
  }

  /**
   * Appends a stream item's whole frame, length prefix and body, to {@code w}: the bytes of
   * {@code FrameWriter.frame(encode(new Msg.Yield(cid, value)))}, with no record and no array of
   * its own. On failure nothing is left appended.
   *
   * @throws IllegalArgumentException if {@code value} has no msgpack form
   */
  static void appendYieldFrame(MsgpackWriter w, String cid, Object value) {
    int start = w.size();
    try {
      int prefix = w.reserve(FrameWriter.PREFIX);
      pair(w, YIELD, value, cid);
      FrameWriter.putLength(w.buffer(), prefix, w.size() - prefix - FrameWriter.PREFIX);
    } catch (RuntimeException e) {
      w.truncate(start);
      throw e;
    }
  }

  /**
   * {@code {key: value, 'cid': cid}} at depth 0, its values at depth 1, as the generic path nests
   * them; {@code key} is one of this class's keys, encoded once.
   */
  private static void pair(MsgpackWriter w, byte[] key, Object value, String cid) {
    w.mapHeader(2);
    w.encoded(key);
    w.value(value, 1);
    w.encoded(CID);
    w.value(cid, 1);
  }

  /**
   * Decodes one frame body as a message, to what the generic path gives.
   *
   * @throws WireException.Malformed where the generic path throws it
   */
  public static Msg decode(byte[] body) throws WireException.Malformed {
    return decode(body, null);
  }

  /**
   * {@link #decode(byte[])}, with the {@code cid} of a directly read message taken from {@code
   * cids} when it is the one decoded last (the same string, its hash already computed); null for
   * none.
   */
  static Msg decode(byte[] body, StringMemo cids) throws WireException.Malformed {
    return decode(body, 0, body.length, cids, null);
  }

  /**
   * Where a stream item, a {@code return} or a {@code functype} goes that {@link #decode(byte[],
   * int, int, StringMemo, Item)} read without a record: its kind, cid and value, until the next
   * such decoding; the reader that decodes each frame given it; and what a run of calls repeats
   * (their strings, the caller's uid). Confined to the thread decoding.
   */
  static final class Item {
    /** What was read into this slot: a stream item, a call's return, or a functype (its kind the value). */
    WireChannel.Bare kind;
    String cid;
    Object value;
    /**
     * The strings a run of calls repeats (namespace, function, the caller's name and uuid), each
     * as decoded last at its place: a call from the caller of the last one to the same function
     * decodes none of them again.
     */
    final StringMemo ns = new StringMemo();
    final StringMemo func = new StringMemo();
    final StringMemo callerName = new StringMemo();
    final StringMemo callerUuid = new StringMemo();
    /** The caller's uid made last, given again while its two strings are the very same. */
    Uid caller;

    /** Reused for each frame: a frame read makes no object but its values. */
    final MsgpackReader reader = new MsgpackReader(new byte[0]);

    /** Holds what was read with no record; this slot itself, as the decoder's answer. */
    Item holding(WireChannel.Bare kind, String cid, Object value) {
      this.kind = kind;
      this.cid = cid;
      this.value = value;
      return this;
    }
  }

  /**
   * Decodes the frame body {@code buf[from, to)}, which nothing decoded shares. With {@code item}, a
   * stream item, a {@code return} or a {@code functype} of the common shape is put there instead
   * and null returned: no record ({@link WireChannel.Bare}); one of any other shape is still
   * returned as its record.
   */
  static Msg decode(byte[] buf, int from, int to, StringMemo cids, Item item) throws WireException.Malformed {
    if (to > from && (buf[from] & 0xff) == 0x82) {
      Object direct = pairOrNull(reader(buf, from, to, item), cids, item);
      if (direct != null) return direct == item ? null : (Msg) direct;
    } else if (to > from && (buf[from] & 0xff) == 0x81) {
      Msg direct = cmdOrNull(reader(buf, from, to, item), cids, item);
      if (direct != null) return direct;
    }
    return Msg.fromWire(Msgpack.decode(buf, from, to));
  }

  /**
   * The two-entry shape read directly, or null where the generic path must decide (including
   * every case where it would fail); {@code item} itself, filled in, for a stream item read into it.
   */
  private static Object pairOrNull(MsgpackReader r, StringMemo cids, Item item) throws WireException.Malformed {
    r.skip(1); // the map header 0x82
    byte[] first = r.fixstrKey(KEYS);
    if (first == null) return null;
    Object firstValue = first == CID ? r.memoValue(cids) : r.value(1);
    byte[] second = r.fixstrKey(KEYS);
    if (second == null) return null;
    Object secondValue = second == CID ? r.memoValue(cids) : r.value(1);
    if (!r.atEnd()) return null;
    byte[] kind;
    Object value;
    Object cid;
    if (second == CID && first != CID) {
      kind = first;
      value = firstValue;
      cid = secondValue;
    } else if (first == CID && second != CID) {
      kind = second;
      value = secondValue;
      cid = firstValue;
    } else {
      return null;
    }
    if (!(cid instanceof String c)) return null;
    if (kind == YIELD) return item == null ? new Msg.Yield(c, value) : item.holding(WireChannel.Bare.YIELD, c, value);
    if (kind == RETURN) return item == null ? new Msg.Return(c, value) : item.holding(WireChannel.Bare.RETURN, c, value);
    if (kind == STARTED) return new Msg.Started(c, value);
    if (kind == STOP) return new Msg.Stop(c);
    if (kind == FUNCTYPE) {
      if (!(value instanceof String s)) return null;
      return item == null ? new Msg.Functype(c, s) : item.holding(WireChannel.Bare.FUNCTYPE, c, s);
    }
    if (kind == CREDIT && value instanceof Long n && n > 0 && n <= Integer.MAX_VALUE) {
      return new Msg.Credit(c, n.intValue());
    }
    if (kind == ERROR && value instanceof Map<?, ?> fields) return new Msg.Error(c, new ErrorInfo(stringKeyed(fields)));
    return null;
  }

  /** A reader of {@code buf[from, to)}: {@code item}'s own, reset, where there is one. */
  private static MsgpackReader reader(byte[] buf, int from, int to, Item item) {
    return item != null ? item.reader.reset(buf, from, to) : new MsgpackReader(buf, from, to);
  }

  /**
   * {@code {'cmd': [ns, func, kwargs, [name, uuid], cid]}} read directly; null where the generic
   * path must decide. The kwargs' entries are read at the depth the generic path reads them; the
   * strings around them through their memos, which read at depth 1, but only a string is taken
   * from there (anything else, however deep, goes the generic way), so no depth limit can differ.
   */
  private static Msg cmdOrNull(MsgpackReader r, StringMemo cids, Item item) throws WireException.Malformed {
    r.skip(1); // the map header 0x81
    if (r.fixstrKey(CMD_KEYS) == null || !r.takeIf(0x95)) return null;
    Object ns = r.memoValue(item == null ? null : item.ns);
    Object func = r.memoValue(item == null ? null : item.func);
    NamedValues kwargs = kwargsOrNull(r);
    if (kwargs == null || !r.takeIf(0x92)) return null; // other shapes of either: the generic path
    Object name = r.memoValue(item == null ? null : item.callerName);
    Object uuid = r.memoValue(item == null ? null : item.callerUuid);
    Object cid = r.memoValue(cids);
    if (!r.atEnd() || !(ns instanceof String n) || !(func instanceof String f) || !(cid instanceof String c)
        || !(name instanceof String callerName) || !(uuid instanceof String callerUuid)) return null;
    Uid caller = item != null && item.caller != null && item.caller.name() == callerName && item.caller.uuid() == callerUuid
        ? item.caller
        : new Uid(callerName, callerUuid);
    if (item != null) item.caller = caller;
    return new Msg.Cmd(n, f, kwargs, caller, c);
  }

  /**
   * A {@code cmd}'s kwargs at depth 2 read into a {@link NamedValues}: a fixmap (up to 15 entries)
   * of string keys, none repeated; null for anything else, which the generic path then reads as its
   * map (where a repeated key keeps its last value).
   */
  private static NamedValues kwargsOrNull(MsgpackReader r) throws WireException.Malformed {
    int n = r.fixmapHeader();
    if (n < 0) return null;
    String[] names = new String[n];
    Object[] values = new Object[n];
    for (int i = 0; i < n; i++) {
      if (!(r.value(3) instanceof String k)) return null;
      for (int j = 0; j < i; j++) {
        if (names[j].equals(k)) return null;
      }
      names[i] = k;
      values[i] = r.value(3);
    }
    return NamedValues.decoded(names, values);
  }

  /** An error's fields as the generic path keys them: by each key's string form. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> stringKeyed(Map<?, ?> fields) {
    for (Object k : fields.keySet()) {
      if (!(k instanceof String)) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (var e : fields.entrySet()) m.put(String.valueOf(e.getKey()), e.getValue());
        return m;
      }
    }
    return (Map<String, Object>) fields; // ErrorInfo copies it
  }

  /** The longest string a stream item carries in its {@link #decodedForm}. */
  static final int DIRECT_STRING_MAX = 1024;
  /** The longest cid of a stream item in its {@link #decodedForm}. */
  static final int DIRECT_CID_MAX = 64;
  /**
   * A frame limit under which a receiving end takes no decoded forms: above every such item's
   * encoding (at most 3 bytes per char of its string, and its cid), so it would have read them.
   */
  static final int DIRECT_FRAME_MAX = 4096;

  /**
   * The stream item that decoding {@code y}'s encoding gives, where that is an immutable value
   * found without the codec: {@code y} itself for null, a boolean, a {@code Long}, a double, a
   * float or a string of up to {@link #DIRECT_STRING_MAX} chars and no surrogates (which the codec
   * could change); a copy holding a {@code Long} for a smaller integer, as the codec widens it.
   * Null for everything else (a collection, bytes, a record, a big integer): only the codec can
   * make a copy of those.
   */
  public static Msg.Yield decodedForm(Msg.Yield y) {
    if (!hasDecodedForms(y.cid())) return null;
    Object v = y.value();
    Object d = decodedValue(v);
    if (d == NO_DECODED_VALUE) return null;
    return d == v ? y : new Msg.Yield(y.cid(), d);
  }

  /**
   * Whether the stream items of context {@code cid} can have a {@link #decodedForm} at all: its cid
   * must be present and at most {@link #DIRECT_CID_MAX} chars long.
   */
  public static boolean hasDecodedForms(String cid) {
    return cid != null && cid.length() <= DIRECT_CID_MAX;
  }

  /** What {@link #decodedValue} returns for a value that has no decoded form. */
  public static final Object NO_DECODED_VALUE = new Object() {
    @Override
    public String toString() {
      return "NO_DECODED_VALUE";
    }
  };

  /**
   * The value that decoding {@code v}'s encoding gives, where that is an immutable value found
   * without the codec (see {@link #decodedForm}): {@code v} itself, or a {@code Long} for a smaller
   * integer; {@link #NO_DECODED_VALUE} for everything else.
   */
  public static Object decodedValue(Object v) {
    if (v == null || v instanceof Long || v instanceof Boolean || v instanceof Double || v instanceof Float) return v;
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) return ((Number) v).longValue();
    if (v instanceof String s && s.length() <= DIRECT_STRING_MAX && noSurrogates(s)) return v;
    return NO_DECODED_VALUE;
  }

  private static boolean noSurrogates(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isSurrogate(s.charAt(i))) return false;
    }
    return true;
  }

  /** The keys read directly; the array's elements are compared by identity after a match. */
  private static final byte[][] KEYS = {CID, YIELD, RETURN, STARTED, STOP, FUNCTYPE, CREDIT, ERROR};
  private static final byte[] CMD = key("cmd");
  private static final byte[][] CMD_KEYS = {CMD};
}
