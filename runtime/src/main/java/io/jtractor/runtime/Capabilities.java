package io.jtractor.runtime;

import io.jtractor.wire.HandshakeAuth;
import io.jtractor.wire.Hello;
import io.jtractor.wire.WireChannel;
import io.jtractor.wire.WireException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a jtractor actor announces in its hello beyond tractor's uid: {@value #JTRACTOR} with the
 * protocol revision. Two jtractor peers then use the extensions (credit flow control for
 * streams); a tractor peer ignores the extra element of the hello and gets tractor's protocol.
 */
public final class Capabilities {
  private Capabilities() {}

  /** The key of jtractor's protocol revision in the hello's capabilities. */
  public static final String JTRACTOR = "jtractor";
  /** The current revision: 1 = credit flow control ({@code {'credit': n, 'cid': cid}}). */
  public static final int REVISION = 1;

  /** {@code auth}'s handshake, with jtractor's capabilities added to what it offers. */
  public static HandshakeAuth announcing(HandshakeAuth auth) {
    return new HandshakeAuth() {
      @Override
      public Map<String, Object> offer() {
        Map<String, Object> m = new LinkedHashMap<>(auth.offer());
        m.put(JTRACTOR, REVISION);
        return m;
      }

      @Override
      public void verify(WireChannel channel, Hello peer) throws WireException {
        auth.verify(channel, peer);
      }
    };
  }
}
