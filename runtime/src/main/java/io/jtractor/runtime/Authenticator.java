package io.jtractor.runtime;

import io.jtractor.config.Security;
import io.jtractor.config.TreeSecret;
import io.jtractor.wire.HandshakeAuth;
import io.jtractor.wire.Hello;
import io.jtractor.wire.SecretAuth;
import io.jtractor.wire.Uid;
import io.jtractor.wire.WireChannel;
import io.jtractor.wire.WireException;
import java.util.Collection;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * An actor's handshake: jtractor's capabilities, the tree secret's challenge–response ({@link
 * SecretAuth}), and the policy for peers that cannot prove a secret.
 *
 * <ul>
 *   <li>A jtractor peer (its hello names jtractor) must prove the secret; one that does not is
 *       refused.
 *   <li>A plain tractor peer is refused unless the user allowed them ({@link
 *       Security#allowTractorPeers()}), and then accepted only over loopback or a Unix domain
 *       socket, or over TLS (which authenticated it by certificate).
 *   <li>A tractor peer may not claim the uid of this actor, of one of its ancestors, or of one of
 *       its children (spawned or about to connect): those are jtractor actors, which would have
 *       proved the secret, and a child's uid would hand the impostor the child's place.
 * </ul>
 *
 * <p>Refusals are {@link WireException.Refused}; the caller closes the connection and logs.
 */
final class Authenticator {
  private Authenticator() {}

  /**
   * The handshake of an actor.
   *
   * @param self the actor's uid
   * @param ancestors the actor's ancestors, read at each handshake (they are known once it booted)
   * @param ownChild whether a uid is one of the actor's children, spawned or expected
   */
  static HandshakeAuth of(TreeSecret secret, Security security, Uid self, Supplier<? extends Collection<Uid>> ancestors,
      Predicate<Uid> ownChild) {
    SecretAuth.PeerPolicy tractorPeers = (ch, peer) -> admitTractorPeer(ch, peer, security, self, ancestors.get(), ownChild);
    return Capabilities.announcing(new SecretAuth(secret.bytes(), tractorPeers));
  }

  private static void admitTractorPeer(WireChannel ch, Hello peer, Security security, Uid self, Collection<Uid> ancestors,
      Predicate<Uid> ownChild) throws WireException.Refused {
    if (peer.capabilities().containsKey(Capabilities.JTRACTOR)) {
      throw new WireException.Refused("the jtractor peer " + peer.uid() + " offered no proof of the tree secret");
    }
    if (!security.allowTractorPeers()) {
      throw new WireException.Refused("the plain tractor peer " + peer.uid() + " is refused: tractor peers cannot prove"
          + " the tree secret; allow them with -D" + Security.ALLOW_TRACTOR_PEERS_PROPERTY + "=true or "
          + Security.ALLOW_TRACTOR_PEERS_ENV + "=1");
    }
    if (!ch.connection().peerIsLocal() && !ch.connection().transport().encrypted()) {
      throw new WireException.Refused("the plain tractor peer " + peer.uid() + " at " + ch.remoteAddress()
          + " is refused: tractor peers are accepted on loopback only, unless over TLS");
    }
    if (peer.uid().equals(self) || ancestors.contains(peer.uid()) || ownChild.test(peer.uid())) {
      throw new WireException.Refused("the plain tractor peer " + peer.uid() + " claims the uid of a jtractor actor of this tree");
    }
  }
}
