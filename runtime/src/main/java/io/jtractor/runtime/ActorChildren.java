package io.jtractor.runtime;

import io.jtractor.wire.Uid;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An actor's children as its runtime sees them: the children expected to connect back, the child
 * processes alive now (for the handshake's "is this my child?" and emergency cleanup), and the
 * warm pools of pre-started child JVMs.
 *
 * <p>Threads: any thread; every collection is concurrent.
 */
final class ActorChildren {
  private final Actor actor;
  /** Children we spawned that have not connected back yet, by their uid. */
  private final Map<Uid, OneShot<PeerChannel>> expected = new ConcurrentHashMap<>();
  /** Pre-started child JVMs, by command line. */
  private final Map<List<String>, WarmPool> warmPools = new ConcurrentHashMap<>();
  /** Child processes alive now, for emergency cleanup at JVM shutdown. */
  private final Set<ChildProcess> children = ConcurrentHashMap.newKeySet();

  ActorChildren(Actor actor) {
    this.actor = actor;
  }

  /** Prepares to receive a connection from a child about to be spawned with {@code childUid}. */
  OneShot<PeerChannel> expect(Uid childUid) {
    OneShot<PeerChannel> slot = new OneShot<>();
    expected.put(childUid, slot);
    return slot;
  }

  void forget(Uid childUid) {
    expected.remove(childUid);
  }

  /** A peer that proved the tree secret connected: if it is a child we wait for, it has come. */
  void connected(PeerChannel pc) {
    OneShot<PeerChannel> waiter = expected.remove(pc.peer());
    if (waiter != null) waiter.set(pc);
  }

  /** The warm pool for children started with {@code command}, created (and filled) on first use. */
  WarmPool warmPool(List<String> command, int size) {
    return warmPools.computeIfAbsent(List.copyOf(command), c -> new WarmPool(actor, c, size));
  }

  /** Kills every pre-started child JVM; new spawns start cold. */
  void closeWarmPools() {
    for (WarmPool p : warmPools.values()) p.close();
  }

  void adopt(ChildProcess child) {
    children.add(child);
  }

  void release(ChildProcess child) {
    children.remove(child);
  }

  /** Whether {@code id} is a child of this actor, spawned or about to connect. */
  boolean isOwnChild(Uid id) {
    if (expected.containsKey(id)) return true;
    for (ChildProcess c : children) {
      if (c.uid().equals(id)) return true;
    }
    return false;
  }

  /** Child processes alive now. */
  Set<ChildProcess> live() {
    return Set.copyOf(children);
  }

  int expectedCount() {
    return expected.size();
  }

  int liveCount() {
    return children.size();
  }

  List<WarmPool> pools() {
    return List.copyOf(warmPools.values());
  }
}
