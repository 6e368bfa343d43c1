package io.jtractor.wire;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * An actor's identity: a name (not unique) and a uuid4 string (unique). On the wire a 2-element
 * array {@code [name, uuid]}. Prior art: tractor's uid tuple.
 *
 * @param name the actor's name
 * @param uuid a uuid4 string, 36 lowercase hyphenated characters for uids we make
 */
public record Uid(String name, String uuid) implements WireValue {
  public Uid {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uuid, "uuid");
  }

  /** A new uid with a random uuid4. */
  public static Uid random(String name) {
    return new Uid(name, UUID.randomUUID().toString());
  }

  /**
   * Reads a uid as tractor does: any array of at least two elements, each turned into a string.
   *
   * @throws IllegalArgumentException if {@code wire} is not such an array
   */
  public static Uid fromWire(Object wire) {
    if (wire instanceof List<?> l && l.size() >= 2 && l.get(0) != null && l.get(1) != null) {
      return new Uid(String.valueOf(l.get(0)), String.valueOf(l.get(1)));
    }
    String shown = String.valueOf(wire);
    if (shown.length() > 120) shown = shown.substring(0, 120) + "...";
    throw new IllegalArgumentException("not a uid (an array of at least 2 elements): " + printable(shown));
  }

  @Override
  public List<Object> toWire() {
    return List.of(name, uuid);
  }

  /**
   * Python's repr of the uid tuple, {@code ('name', 'uuid')}, as tractor prints it (control
   * characters escaped, as Python's repr does: a peer's name cannot forge lines in a log).
   */
  public String pythonRepr() {
    return "('" + printable(name) + "', '" + printable(uuid) + "')";
  }

  @Override
  public String toString() {
    return printable(name) + "@" + printable(uuid.length() > 8 ? uuid.substring(0, 8) : uuid);
  }

  /** {@code s} with control characters written as escapes ({@code \n}, {@code \x1b}, ...). */
  static String printable(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != 0x7f) {
        if (b != null) b.append(c);
        continue;
      }
      if (b == null) b = new StringBuilder(s.length() + 8).append(s, 0, i);
      switch (c) {
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> b.append(String.format("\\x%02x", (int) c));
      }
    }
    return b == null ? s : b.toString();
  }
}
