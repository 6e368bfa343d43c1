package io.jtractor.runtime;

import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registrars serving in this JVM, by the address they listen at, so that an actor in the same
 * JVM (an in-process actor, or a root beside its registrar) registers and unregisters with a
 * direct call instead of a connection, a handshake and a call of its own each time: on the spawn
 * of an in-process actor that was the largest part of its boot (docs/design.md, "In-process
 * actors").
 *
 * <p>Semantics kept: the registrar's own authorization decides, with the caller proven exactly
 * when the wire would have proven it (the same tree secret: the handshake's proof is an HMAC
 * with it); a registrar that is stopping is not used (the wire path then says what it says).
 * Entries are the same immutable values (uid, address) that the wire would have decoded.
 *
 * <p>Threads: any; the map is concurrent, entries are added by a registrar's serving task as it
 * registers itself and removed as it stops.
 */
final class LocalRegistrars {
  private static final Map<InetSocketAddress, Actor> BY_ADDRESS = new ConcurrentHashMap<>();

  private LocalRegistrars() {}

  /** {@code registrar} (an actor that is the registrar) listens at {@code address}. */
  static void serving(Actor registrar, InetSocketAddress address) {
    BY_ADDRESS.put(address, registrar);
  }

  /** {@code registrar} stops: actors in this JVM reach it (or its successor) over the wire again. */
  static void stopping(Actor registrar) {
    BY_ADDRESS.values().remove(registrar);
  }

  /**
   * The registry of the registrar at {@code address} if it serves in this JVM and shares {@code
   * caller}'s tree secret, else null (the caller goes over the wire).
   */
  static Registrar sameTree(InetSocketAddress address, Actor caller) {
    if (address == null) return null;
    Actor r = BY_ADDRESS.get(address);
    if (r == null || r == caller || r.isStopping()) return null;
    Registrar registry = r.membership().registrar();
    if (registry == null) return null;
    byte[] theirs = r.security().secret().bytes();
    byte[] ours = caller.security().secret().bytes();
    return MessageDigest.isEqual(theirs, ours) ? registry : null;
  }
}
