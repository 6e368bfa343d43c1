package io.jtractor.wire;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one side says first on a new connection: its uid, and optionally a map of capabilities.
 *
 * <p>tractor sends {@code [name, uuid]} and reads the peer's as "an array of at least two
 * elements", ignoring anything after them. That leaves room for a third element that plain
 * tractor peers skip: a Java peer puts its capabilities there (a protocol revision and the nonce
 * of {@link SecretAuth}), so two jtractor peers can agree on more without breaking a Python peer.
 * With no capabilities the frame is exactly tractor's.
 *
 * @param uid the sender's identity
 * @param capabilities extra capabilities, empty for a plain tractor hello
 */
public record Hello(Uid uid, Map<String, Object> capabilities) implements WireValue {
  public Hello {
    capabilities = Map.copyOf(capabilities);
  }

  /** A plain tractor hello: just the uid. */
  public static Hello plain(Uid uid) {
    return new Hello(uid, Map.of());
  }

  /** Reads a hello as tractor does (and picks up a jtractor peer's capabilities map, if any). */
  public static Hello fromWire(Object wire) {
    Uid uid = Uid.fromWire(wire);
    List<?> l = (List<?>) wire;
    Map<String, Object> caps = new LinkedHashMap<>();
    if (l.size() > 2 && l.get(2) instanceof Map<?, ?> m) {
      for (var e : m.entrySet()) {
        if (e.getKey() instanceof String k && e.getValue() != null) caps.put(k, e.getValue());
      }
    }
    return new Hello(uid, caps);
  }

  @Override
  public Object toWire() {
    List<Object> l = new ArrayList<>(uid.toWire());
    if (!capabilities.isEmpty()) l.add(capabilities);
    return l;
  }
}
