package io.jtractor.wire;

import java.util.Map;

/**
 * The hook where authentication of a new connection goes, after the hellos are exchanged and
 * before any message is processed. {@link #NONE} accepts every peer, as tractor does; a later
 * issue adds one that Java peers require by default, while plain tractor peers (which offer no
 * capabilities) are accepted only when authentication is off.
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
