package io.jtractor.wire;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * tractor's message catalogue (commit c72026091e). A message is a msgpack map whose kind is
 * given by which key is present (there is no type tag), or the bare nil sentinel. {@link
 * #toWire()} builds the map with tractor's key order, so a decoded message re-encodes byte for
 * byte; {@link #fromWire(Object)} reads one.
 *
 * <p>Values ({@code kwargs}, results, stream items) are plain decoded values (see {@link
 * Msgpack}).
 */
public sealed interface Msg extends WireValue {

  /** The function kinds a {@code functype} reply names. */
  String ASYNCFUNC = "asyncfunc";
  String ASYNCGEN = "asyncgen";
  String CONTEXT = "context";

  /**
   * A request to run a function: {@code {'cmd': [ns, func, kwargs, caller_uid, cid]}}. No
   * top-level {@code cid}.
   */
  record Cmd(String ns, String func, Map<String, Object> kwargs, Uid caller, String cid) implements Msg {
    public Cmd {
      Objects.requireNonNull(ns, "ns");
      Objects.requireNonNull(func, "func");
      Objects.requireNonNull(kwargs, "kwargs");
      Objects.requireNonNull(caller, "caller");
      Objects.requireNonNull(cid, "cid");
    }

    @Override
    public Object toWire() {
      return Map.of("cmd", List.of(ns, func, kwargs, caller.toWire(), cid));
    }

    @Override
    public String cid() {
      return cid;
    }
  }

  /** The first reply to a started {@code cmd}: {@code {'functype': kind, 'cid': cid}}. */
  record Functype(String cid, String kind) implements Msg {
    @Override
    public Object toWire() {
      return pair("functype", kind, cid);
    }
  }

  /** A function's final result: {@code {'return': value, 'cid': cid}}. */
  record Return(String cid, Object value) implements Msg {
    @Override
    public Object toWire() {
      return pair("return", value, cid);
    }
  }

  /** A context callee's first value: {@code {'started': value, 'cid': cid}}. */
  record Started(String cid, Object value) implements Msg {
    @Override
    public Object toWire() {
      return pair("started", value, cid);
    }
  }

  /** One stream item, either direction: {@code {'yield': value, 'cid': cid}}. */
  record Yield(String cid, Object value) implements Msg {
    @Override
    public Object toWire() {
      return pair("yield", value, cid);
    }
  }

  /** End of a stream, either direction: {@code {'stop': True, 'cid': cid}}. */
  record Stop(String cid) implements Msg {
    @Override
    public Object toWire() {
      return pair("stop", Boolean.TRUE, cid);
    }
  }

  /**
   * A boxed remote exception: {@code {'error': {...}, 'cid': cid}}, or without {@code cid} (null
   * here) for a runtime error not tied to a call.
   */
  record Error(String cid, ErrorInfo info) implements Msg {
    public Error {
      Objects.requireNonNull(info, "info");
    }

    @Override
    public Object toWire() {
      if (cid == null) return Map.of("error", info.toWire());
      return pair("error", info.toWire(), cid);
    }
  }

  /** The bare nil: "stop the message loop for this channel". */
  record Sentinel() implements Msg {
    @Override
    public Object toWire() {
      return null;
    }

    @Override
    public String cid() {
      return null;
    }
  }

  /**
   * Anything else: the handshake uid, the spawn init map, or a map with none of the known keys
   * (tractor ignores the latter). Re-encodes exactly as it came.
   */
  record Other(Object raw) implements Msg {
    @Override
    public Object toWire() {
      return raw;
    }

    @Override
    public String cid() {
      return null;
    }
  }

  /** The call id this message belongs to, or null if it has none. */
  String cid();

  /**
   * jtractor's extension for flow control between two jtractor peers: {@code {'credit': n, 'cid':
   * cid}} lets the peer send {@code n} more stream items for this context. Sent only to a peer
   * whose hello announced jtractor (a tractor peer would queue it as a stream message).
   */
  record Credit(String cid, int n) implements Msg {
    public Credit {
      Objects.requireNonNull(cid, "cid");
      if (n <= 0) throw new IllegalArgumentException("credit must be positive: " + n);
    }

    @Override
    public Object toWire() {
      return pair("credit", n, cid);
    }
  }

  /** The one sentinel instance. */
  Sentinel SENTINEL = new Sentinel();

  private static Map<String, Object> pair(String key, Object value, String cid) {
    Map<String, Object> m = new LinkedHashMap<>(4);
    m.put(key, value);
    m.put("cid", cid);
    return m;
  }

  /**
   * Reads a decoded value as a message, dispatching on which key is present, as tractor's
   * message loop does.
   *
   * @throws WireException.Malformed if a known key is present but the message is ill-formed (a
   *     {@code cmd} that is not a 5-element array, a non-string {@code cid}, ...)
   */
  static Msg fromWire(Object value) throws WireException.Malformed {
    if (value == null) {
      return SENTINEL;
    }
    if (!(value instanceof Map<?, ?> m)) {
      return new Other(value);
    }
    try {
      if (m.containsKey("cmd") && !m.containsKey("cid")) {
        if (!(m.get("cmd") instanceof List<?> c) || c.size() != 5) {
          throw new WireException.Malformed("cmd must be a 5-element array: " + m.get("cmd"));
        }
        if (!(c.get(2) instanceof Map<?, ?> kwargs)) {
          throw new WireException.Malformed("cmd kwargs must be a map: " + c.get(2));
        }
        Map<String, Object> kw = new LinkedHashMap<>();
        for (var e : kwargs.entrySet()) {
          if (!(e.getKey() instanceof String k)) {
            throw new WireException.Malformed("cmd kwargs keys must be strings: " + e.getKey());
          }
          kw.put(k, e.getValue());
        }
        return new Cmd(str(c.get(0), "ns"), str(c.get(1), "func"), kw, Uid.fromWire(c.get(3)), str(c.get(4), "cid"));
      }
      Object cidValue = m.get("cid");
      String cid = cidValue == null ? null : str(cidValue, "cid");
      if (m.containsKey("error")) {
        if (!(m.get("error") instanceof Map<?, ?> err)) {
          throw new WireException.Malformed("error must be a map: " + m.get("error"));
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (var e : err.entrySet()) fields.put(String.valueOf(e.getKey()), e.getValue());
        return new Error(cid, new ErrorInfo(fields));
      }
      if (cid == null) {
        return new Other(value);
      }
      if (m.containsKey("functype")) return new Functype(cid, str(m.get("functype"), "functype"));
      if (m.containsKey("return")) return new Return(cid, m.get("return"));
      if (m.containsKey("started")) return new Started(cid, m.get("started"));
      if (m.containsKey("yield")) return new Yield(cid, m.get("yield"));
      if (m.containsKey("stop")) return new Stop(cid);
      if (m.get("credit") instanceof Number n && n.longValue() > 0 && n.longValue() <= Integer.MAX_VALUE) {
        return new Credit(cid, n.intValue());
      }
      return new Other(value);
    } catch (IllegalArgumentException e) {
      throw new WireException.Malformed(e.getMessage(), e);
    }
  }

  private static String str(Object v, String what) throws WireException.Malformed {
    if (v instanceof String s) return s;
    throw new WireException.Malformed(what + " must be a string: " + v);
  }
}
