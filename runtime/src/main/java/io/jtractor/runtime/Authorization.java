package io.jtractor.runtime;

import io.jtractor.wire.Uid;
import java.util.List;
import java.util.Objects;

/**
 * Who may do what to an actor, given who a connection's peer is. The handshake establishes that a
 * jtractor peer holds the tree secret, and binds the uid in its hello into the proof; a plain
 * tractor peer (accepted only when the user allowed them) proves nothing, so its uid is only
 * claimed.
 *
 * <ul>
 *   <li>{@code self.cancel}: from one of the actor's ancestors (its parent, ..., its tree's root)
 *       over an authenticated connection. An actor with no parent (a root, a daemon, a registrar)
 *       answers to every peer admitted to it: its tree's root is itself, and the programs that
 *       share its secret (or tractor peers the user allowed) are its peers. Anyone else gets an
 *       error reply and nothing is cancelled.
 *   <li>{@code _cancel_task}: only tasks started over the same connection (as tractor).
 *   <li>Registry writes: see {@link Registrar}.
 * </ul>
 *
 * <p>Where this stops: every member of a tree holds the same secret, so a member could claim
 * another member's uid. The rules keep members from cancelling what is not theirs by mistake, and
 * keep everyone without the secret out; they do not defend a tree against one of its own members.
 *
 * <p>Threads: immutable but for the ancestors, which are set once before the actor serves.
 */
final class Authorization {

  /**
   * A connection's peer.
   *
   * @param uid the uid in its hello
   * @param proven whether it proved the tree secret (a jtractor peer) or not (a tractor peer)
   */
  record Caller(Uid uid, boolean proven) {
    Caller {
      Objects.requireNonNull(uid, "uid");
    }
  }

  private final Uid self;
  /** The actor's ancestors, nearest first; empty for a root. Set before it serves. */
  private volatile List<Uid> ancestors = List.of();

  Authorization(Uid self) {
    this.self = self;
  }

  void ancestors(List<Uid> lineage) {
    this.ancestors = List.copyOf(lineage);
  }

  List<Uid> ancestors() {
    return ancestors;
  }

  /** Whether {@code caller} may cancel this actor. */
  boolean mayCancel(Caller caller) {
    List<Uid> a = ancestors;
    if (a.isEmpty()) return true; // a parentless actor: every admitted peer is of its tree
    return caller.proven() && (a.contains(caller.uid()) || caller.uid().equals(self));
  }

  /** Why {@code caller} may not cancel this actor (for the error reply). */
  String cancelRefusal(Caller caller) {
    return "actor " + self.pythonRepr() + " refused self.cancel from " + caller.uid().pythonRepr()
        + ": only its parent chain or its tree's root may cancel it";
  }
}
