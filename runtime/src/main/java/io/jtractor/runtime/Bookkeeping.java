package io.jtractor.runtime;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sizes of everything an actor keeps about things that come and go — connections, calls,
 * contexts, RPC tasks, children, warm JVMs, registry entries, the service nursery's records of
 * finished tasks. Once those things have gone, each returns to its baseline: a long-lived actor
 * (a daemon spawning and cancelling workers for days) stays at a flat live heap. For leak tests
 * and diagnostics; a snapshot, each figure read without stopping the actor.
 *
 * @param peers peers with at least one open connection
 * @param channels open connections
 * @param inboxes calls and contexts waiting for messages, over all connections
 * @param rpcTasks tasks peers started here that are still running, over all connections
 * @param readers threads in the connections' relays of readers, over all connections
 * @param expectedChildren children spawned that have not connected back yet
 * @param childProcesses child processes not yet reaped
 * @param warmIdle pre-started JVMs waiting in warm pools
 * @param warmStarting JVMs being started to refill warm pools
 * @param serviceTasks tasks running in the service nursery (message loops, RPC tasks, writers)
 * @param serviceRetainedThreads threads of finished service tasks still held (see {@link
 *     io.jtractor.sc.Nursery#retainedThreadCount()})
 * @param registryEntries actors in this actor's registry (0 unless it is the registrar)
 * @param registryWaiters names that {@code wait_for_actor} calls are waiting for
 * @param teardownCleanups cleanups registered to run at teardown
 */
public record Bookkeeping(
    int peers,
    int channels,
    int inboxes,
    int rpcTasks,
    int readers,
    int expectedChildren,
    int childProcesses,
    int warmIdle,
    int warmStarting,
    int serviceTasks,
    int serviceRetainedThreads,
    int registryEntries,
    int registryWaiters,
    int teardownCleanups) {

  /** Reads {@code actor}'s figures now. */
  static Bookkeeping of(
      Actor actor,
      Map<?, List<PeerChannel>> peers,
      int expected,
      int childProcesses,
      List<WarmPool> pools,
      Registrar registrar,
      int teardownCleanups) {
    int channels = 0;
    int inboxes = 0;
    int rpcTasks = 0;
    int readers = 0;
    for (List<PeerChannel> l : peers.values()) {
      for (PeerChannel pc : l) {
        channels++;
        inboxes += pc.inboxCount();
        rpcTasks += pc.rpcTaskCount();
        readers += pc.readerCount();
      }
    }
    int idle = 0;
    int starting = 0;
    for (WarmPool p : pools) {
      idle += p.idleCount();
      starting += p.startingCount();
    }
    io.jtractor.sc.Nursery service = actor.serviceOrNull();
    return new Bookkeeping(
        peers.size(),
        channels,
        inboxes,
        rpcTasks,
        readers,
        expected,
        childProcesses,
        idle,
        starting,
        service == null ? 0 : service.activeCount(),
        service == null ? 0 : service.retainedThreadCount(),
        registrar == null ? 0 : registrar.size(),
        registrar == null ? 0 : registrar.waitedNames(),
        teardownCleanups);
  }

  /** These figures by name, in declaration order (msgpack-friendly: for a test function to return). */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    for (var c : Bookkeeping.class.getRecordComponents()) {
      try {
        m.put(c.getName(), ((Integer) c.getAccessor().invoke(this)).longValue());
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    return m;
  }
}
