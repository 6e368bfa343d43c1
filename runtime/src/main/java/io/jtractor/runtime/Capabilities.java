package io.jtractor.runtime;

import io.jtractor.wire.HandshakeAuth;
import io.jtractor.wire.Hello;
import io.jtractor.wire.WireChannel;
import io.jtractor.wire.WireException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What a jtractor actor announces in its hello beyond tractor's uid: {@value #JTRACTOR} with the
 * protocol revision (and the authentication nonce, see {@code SecretAuth}). Two jtractor peers
 * then use the extensions (credit flow control for streams, jtractor-only {@code self} methods); a
 * tractor peer ignores the extra element of the hello and gets exactly tractor's protocol.
 */
public final class Capabilities {
  private Capabilities() {}

  /** The key of jtractor's protocol revision in the hello's capabilities. */
  public static final String JTRACTOR = "jtractor";
  /**
   * The current revision: 1 = credit flow control ({@code {'credit': n, 'cid': cid}}); 2 = the
   * tree secret proved in the handshake.
   */
  public static final int REVISION = 2;

  /**
   * {@code self} methods only jtractor actors have: never sent to a peer whose hello lacks the
   * jtractor capability (tractor's message loop dies on an unknown {@code self}
   * method), and served only to peers that proved the tree secret (to a tractor peer
   * they do not exist, as in tractor). The debugger's names are its own.
   */
  public static final Set<String> JTRACTOR_ONLY_SELF_METHODS =
      Set.of("registry_info", TaskDump.SELF_METHOD, "debug_attach", "debug_wait_quiet");

  /**
   * What {@code registry_info} would answer, built from a tractor registrar's {@code get_registry}
   * reply ({@code {'name.uuid': [host, port]}}): uids and addresses, no parents or pids.
   */
  static java.util.List<Object> registryInfoFrom(Object getRegistryReply) {
    java.util.List<Object> out = new java.util.ArrayList<>();
    if (getRegistryReply instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        String key = String.valueOf(e.getKey());
        int dot = key.lastIndexOf('.');
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("uid", java.util.List.of(dot < 0 ? key : key.substring(0, dot), dot < 0 ? "" : key.substring(dot + 1)));
        info.put("sockaddr", e.getValue());
        info.put("parent", null);
        info.put("pid", -1L);
        out.add(info);
      }
    }
    return out;
  }

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
