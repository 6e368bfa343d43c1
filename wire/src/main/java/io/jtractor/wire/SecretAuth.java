package io.jtractor.wire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * Mutual challenge–response over a shared secret, carried so that a plain tractor peer sees
 * exactly tractor's handshake.
 *
 * <ol>
 *   <li>Each side's hello carries a fresh 32-byte nonce in its capabilities ({@value #NONCE}).
 *       tractor reads a hello as "at least two elements" and never looks at the third.
 *   <li>Only if the peer's hello carried a nonce too, the sides exchange one more frame each,
 *       {@code {"auth_proof": HMAC-SHA256(secret, transcript)}}, checked in constant time: the
 *       initiator proves first, and the acceptor answers with its own proof only once the
 *       initiator's holds, so whoever connects without the secret gets nothing to guess the secret
 *       from offline. The transcript binds a role label (initiator or acceptor: a proof cannot be
 *       reflected back), both uids and both nonces (a proof cannot be replayed, nor a uid swapped
 *       by someone who does not hold the secret), and the connection itself ({@link
 *       Connection#channelBinding}: its TCP endpoints, or keying material of its TLS session), so a
 *       proof made on one connection fails on any other: a party that makes one member connect to
 *       it and connects to another member cannot relay their proofs across.
 *   <li>A peer whose hello carried no nonce never receives a proof; {@link PeerPolicy} decides
 *       whether it is accepted (a tractor peer, when the user allows them).
 * </ol>
 *
 * <p>Nothing the peer sends after its hello is read as a message before this returns: the channel
 * is handed to a message loop only after {@link #verify} accepted it.
 *
 * <p>What it does not do: protect the bytes after the handshake from a party on the path between
 * two members (one who can read and rewrite their packets): beyond loopback use TLS. And an
 * initiator's proof, sent to whoever it connected to, can be guessed at offline if the secret is
 * weak; a key file's secret is 32 random bytes, and a secret given as text is stretched
 * ({@code TreeSecret}).
 */
public final class SecretAuth implements HandshakeAuth {
  /** The hello capability that carries the nonce. */
  public static final String NONCE = "auth";
  /** The key of the proof frame. */
  public static final String PROOF = "auth_proof";
  /** Bytes of a nonce. */
  public static final int NONCE_BYTES = 32;

  private static final String LABEL = "jtractor-auth-v1";

  /** Decides about a peer that offered no proof of the secret. */
  @FunctionalInterface
  public interface PeerPolicy {
    /**
     * @throws WireException.Refused to refuse the peer
     */
    void admit(WireChannel channel, Hello peer) throws WireException.Refused;

    /** Refuses every peer that does not authenticate. */
    PeerPolicy REFUSE = (ch, peer) -> {
      throw new WireException.Refused("the peer " + peer.uid() + " did not authenticate");
    };
  }

  private final byte[] key;
  private final PeerPolicy unauthenticated;

  /**
   * @param secret the shared secret (at least 16 bytes; copied)
   * @param unauthenticated what to do with a peer that offers no proof
   */
  public SecretAuth(byte[] secret, PeerPolicy unauthenticated) {
    Objects.requireNonNull(secret, "secret");
    if (secret.length < 16) throw new IllegalArgumentException("a secret needs at least 16 bytes, got " + secret.length);
    this.key = secret.clone();
    this.unauthenticated = Objects.requireNonNull(unauthenticated, "unauthenticated");
  }

  @Override
  public Map<String, Object> offer() {
    return Map.of(NONCE, Entropy.bytes(NONCE_BYTES));
  }

  @Override
  public void verify(WireChannel channel, Hello peer) throws WireException {
    Object theirs = peer.capabilities().get(NONCE);
    if (theirs == null) {
      unauthenticated.admit(channel, peer);
      return;
    }
    Hello mine = channel.localHello();
    if (mine == null || !(mine.capabilities().get(NONCE) instanceof byte[] ourNonce)) {
      throw new IllegalStateException("verify() runs inside this auth's own handshake");
    }
    if (!(theirs instanceof byte[] theirNonce) || theirNonce.length != NONCE_BYTES) {
      throw new WireException.Refused("the peer " + peer.uid() + " sent a malformed nonce");
    }
    if (HmacSha256.equalsInConstantTime(theirNonce, ourNonce)) {
      throw new WireException.Refused("the peer " + peer.uid() + " sent our own nonce back");
    }
    boolean initiator = channel.connection().initiator();
    byte[] binding;
    try {
      binding = channel.connection().channelBinding();
    } catch (java.io.IOException e) {
      throw new WireException.Refused("cannot bind the proof to the connection: " + e.getMessage());
    }
    Hello init = initiator ? mine : peer;
    Hello acc = initiator ? peer : mine;
    byte[] initNonce = initiator ? ourNonce : theirNonce;
    byte[] accNonce = initiator ? theirNonce : ourNonce;
    byte[] ownProof = proof(initiator ? "initiator" : "acceptor", init.uid(), initNonce, acc.uid(), accNonce, binding);
    byte[] expected = proof(initiator ? "acceptor" : "initiator", init.uid(), initNonce, acc.uid(), accNonce, binding);
    if (initiator) {
      channel.sendValue(Map.of(PROOF, ownProof));
      checkProof(channel, peer, expected);
    } else {
      checkProof(channel, peer, expected); // nothing of ours before theirs holds
      channel.sendValue(Map.of(PROOF, ownProof));
    }
    channel.markPeerAuthenticated();
  }

  /** Reads the peer's proof frame and checks it against {@code expected}. */
  private static void checkProof(WireChannel channel, Hello peer, byte[] expected) throws WireException {
    Object reply;
    try {
      reply = channel.receiveValue();
    } catch (WireException.TransportClosed e) {
      throw new WireException.Refused("the peer " + peer.uid() + " closed the connection instead of proving that it holds"
          + " the shared secret (it may hold another one)");
    }
    if (!(reply instanceof Map<?, ?> m) || !(m.get(PROOF) instanceof byte[] got) || !HmacSha256.equalsInConstantTime(got, expected)) {
      throw new WireException.Refused("the peer " + peer.uid() + " failed to prove that it holds the shared secret");
    }
  }

  /**
   * HMAC-SHA256 over the label, the prover's role, both sides' uid and nonce, and the connection's
   * binding, each length-prefixed.
   */
  private byte[] proof(String role, Uid initiator, byte[] initNonce, Uid acceptor, byte[] accNonce, byte[] binding) {
    ByteArrayOutputStream t = new ByteArrayOutputStream(256);
    for (byte[] field : new byte[][] {
        utf8(LABEL), utf8(role), utf8(initiator.name()), utf8(initiator.uuid()), initNonce,
        utf8(acceptor.name()), utf8(acceptor.uuid()), accNonce, binding}) {
      t.write(field.length >>> 24);
      t.write(field.length >>> 16);
      t.write(field.length >>> 8);
      t.write(field.length);
      t.writeBytes(field);
    }
    return HmacSha256.mac(key, t.toByteArray());
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "SecretAuth[HMAC-SHA256]";
  }
}
