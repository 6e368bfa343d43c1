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
    throw new IllegalArgumentException("not a uid (an array of at least 2 elements): " + wire);
  }

  @Override
  public List<Object> toWire() {
    return List.of(name, uuid);
  }

  /** Python's repr of the uid tuple, {@code ('name', 'uuid')}, as tractor prints it. */
  public String pythonRepr() {
    return "('" + name + "', '" + uuid + "')";
  }

  @Override
  public String toString() {
    return name + "@" + (uuid.length() > 8 ? uuid.substring(0, 8) : uuid);
  }
}
