package io.jtractor.wire;

import java.util.Map;

/**
 * The hook where authentication of a new connection goes, after the hellos are exchanged and
 * before any message is processed. {@link #NONE} accepts every peer and advertises nothing, as
 * tractor does (what a plain tractor peer's handshake looks like); {@link SecretAuth} is the
 * shared-secret challenge–response every jtractor actor uses.
 */
public interface HandshakeAuth {

  /** Capabilities to advertise in our hello (empty: a plain tractor hello). */
  Map<String, Object> offer();

  /**
   * Decides whether to trust the peer, possibly exchanging more frames on {@code channel}.
   *
   * @throws WireException to refuse the peer; the channel is then closed
   */
  void verify(WireChannel channel, Hello peer) throws WireException;

  /** Accepts everyone and advertises nothing: exactly tractor's handshake. */
  HandshakeAuth NONE =
      new HandshakeAuth() {
        @Override
        public Map<String, Object> offer() {
          return Map.of();
        }

        @Override
        public void verify(WireChannel channel, Hello peer) {}
      };
}
