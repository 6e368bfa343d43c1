package io.jtractor.wire;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The body of an {@code error} message: tractor's boxed exception. Keeps every field it came with,
 * in wire order (a relayed error may carry extra ones, and a {@code ContextCancelled} carries
 * {@code canceller}), so that it can be forwarded unchanged.
 *
 * <p>Standard fields, in tractor's order: {@code tb_str} (the remote stack trace as text), {@code
 * type_str} (the bare class name as the remote side names it), {@code src_actor_uid}, and for a
 * context cancellation {@code canceller} (a uid or nil).
 *
 * @param fields the error map, in wire order (copied, unmodifiable; a {@link NamedValues}, immutable
 *     already, is kept as it is)
 */
public record ErrorInfo(Map<String, Object> fields) implements WireValue {
  public static final String TB_STR = "tb_str";
  public static final String TYPE_STR = "type_str";
  public static final String SRC_ACTOR_UID = "src_actor_uid";
  public static final String CANCELLER = "canceller";

  public ErrorInfo {
    Objects.requireNonNull(fields, "fields");
    if (!(fields instanceof NamedValues)) fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields)); // that one is immutable
  }

  /** An error map with the three standard fields. */
  public static ErrorInfo of(String tbStr, String typeStr, Uid srcActorUid) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(TB_STR, tbStr);
    m.put(TYPE_STR, typeStr);
    m.put(SRC_ACTOR_UID, srcActorUid);
    return new ErrorInfo(m);
  }

  /** This error with a {@code canceller} field (a uid, or null for nil), as ContextCancelled carries. */
  public ErrorInfo withCanceller(Uid canceller) {
    Map<String, Object> m = new LinkedHashMap<>(fields);
    m.put(CANCELLER, canceller);
    return new ErrorInfo(m);
  }

  /** The remote stack trace text ("" if absent). */
  public String tbStr() {
    return fields.get(TB_STR) instanceof String s ? s : "";
  }

  /** The remote exception's class name ("" if absent). */
  public String typeStr() {
    return fields.get(TYPE_STR) instanceof String s ? s : "";
  }

  /** The actor where the error was raised, or null if absent or not a uid. */
  public Uid srcActorUid() {
    return uidOrNull(fields.get(SRC_ACTOR_UID));
  }

  /** Whether a {@code canceller} field is present (even if nil). */
  public boolean hasCanceller() {
    return fields.containsKey(CANCELLER);
  }

  /** The actor that requested the cancellation, or null. */
  public Uid canceller() {
    return uidOrNull(fields.get(CANCELLER));
  }

  private static Uid uidOrNull(Object v) {
    if (v instanceof Uid u) return u;
    try {
      return v == null ? null : Uid.fromWire(v);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public Map<String, Object> toWire() {
    return fields;
  }
}
