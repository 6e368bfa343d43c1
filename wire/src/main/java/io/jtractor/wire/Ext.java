package io.jtractor.wire;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A msgpack extension value, kept as it came (tractor itself sends none; msgspec would send a
 * timestamp as type -1).
 *
 * @param type the extension type
 * @param data its payload
 */
public record Ext(byte type, byte[] data) {
  public Ext {
    data = data.clone();
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Ext e && e.type == type && Arrays.equals(e.data, data);
  }

  @Override
  public int hashCode() {
    return 31 * type + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Ext[" + type + ", " + HexFormat.of().formatHex(data) + "]";
  }
}
