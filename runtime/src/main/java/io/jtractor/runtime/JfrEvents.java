package io.jtractor.runtime;

import io.jtractor.errors.RemoteActorError;
import io.jtractor.wire.Uid;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * The runtime's JDK Flight Recorder events, each carrying the actor's uid and, where there is one,
 * the cid: an actor spawned and exited, a context opened and closed, a cancel requested and
 * acknowledged, a remote error received. Record them with {@code java
 * -XX:StartFlightRecording=filename=rec.jfr …} and read them with {@code jfr print --categories
 * jtractor rec.jfr}.
 *
 * <p>Free when not recorded: every helper first asks the event type whether it is enabled (a
 * field read JIT-compiled into a constant check); only then is an event built. Uids are written as
 * {@code name:uuid}.
 *
 * <p>Internal: public only for the runtime's other packages and the benchmarks.
 *
 * <p>Threads: any.
 */
public final class JfrEvents {
  private JfrEvents() {}

  private static String id(Uid uid) {
    return uid == null ? null : uid.name() + ":" + uid.uuid();
  }

  // ----------------------------------------------------------------------------------------------
  // Actors

  @Name("jtractor.ActorSpawned")
  @Label("Actor Spawned")
  @Category("jtractor")
  @Description("A child actor's JVM connected back to its parent; the duration is from its start")
  @StackTrace(false)
  public static final class ActorSpawned extends Event {
    @Label("Actor") String actor;
    @Label("Parent") String parent;
    @Label("Process Id") long pid;
  }

  /** Begins timing a spawn; null when the event is not recorded. */
  public static ActorSpawned spawnBegins() {
    ActorSpawned e = new ActorSpawned();
    if (!e.isEnabled()) return null;
    e.begin();
    return e;
  }

  public static void spawned(ActorSpawned e, Uid child, Uid parent, long pid) {
    if (e == null || !e.shouldCommit()) return;
    e.actor = id(child);
    e.parent = id(parent);
    e.pid = pid;
    e.commit();
  }

  @Name("jtractor.ActorExited")
  @Label("Actor Exited")
  @Category("jtractor")
  @Description("A child actor's process is gone and reaped")
  @StackTrace(false)
  public static final class ActorExited extends Event {
    @Label("Actor") String actor;
    @Label("Parent") String parent;
    @Label("Exit Code") int exitCode;
    @Label("Hard Kill") boolean hardKill;
  }

  public static void exited(Uid child, Uid parent, int exitCode, boolean hardKill) {
    ActorExited e = new ActorExited();
    if (!e.shouldCommit()) return;
    e.actor = id(child);
    e.parent = id(parent);
    e.exitCode = exitCode;
    e.hardKill = hardKill;
    e.commit();
  }

  // ----------------------------------------------------------------------------------------------
  // Contexts

  @Name("jtractor.ContextOpened")
  @Label("Context Opened")
  @Category("jtractor")
  @Description("One side of a context (or one-way stream) was opened")
  @StackTrace(false)
  public static final class ContextOpened extends Event {
    @Label("Actor") String actor;
    @Label("Peer") String peer;
    @Label("Cid") String cid;
    @Label("Function") String function;
    @Label("Caller Side") boolean callerSide;
  }

  public static void contextOpened(Uid actor, Uid peer, String cid, String function, boolean callerSide) {
    ContextOpened e = new ContextOpened();
    if (!e.shouldCommit()) return;
    e.actor = id(actor);
    e.peer = id(peer);
    e.cid = cid;
    e.function = function;
    e.callerSide = callerSide;
    e.commit();
  }

  @Name("jtractor.ContextClosed")
  @Label("Context Closed")
  @Category("jtractor")
  @Description("One side of a context (or one-way stream) is done: no more messages are routed to it")
  @StackTrace(false)
  public static final class ContextClosed extends Event {
    @Label("Actor") String actor;
    @Label("Peer") String peer;
    @Label("Cid") String cid;
    @Label("Function") String function;
    @Label("Caller Side") boolean callerSide;
    @Label("Outcome") String outcome;
  }

  public static void contextClosed(Uid actor, Uid peer, String cid, String function, boolean callerSide, String outcome) {
    ContextClosed e = new ContextClosed();
    if (!e.shouldCommit()) return;
    e.actor = id(actor);
    e.peer = id(peer);
    e.cid = cid;
    e.function = function;
    e.callerSide = callerSide;
    e.outcome = outcome;
    e.commit();
  }

  // ----------------------------------------------------------------------------------------------
  // Cancellation

  @Name("jtractor.CancelRequested")
  @Label("Cancel Requested")
  @Category("jtractor")
  @Description("This actor asked a peer to cancel a task (a context's cid) or itself (no cid)")
  @StackTrace(false)
  public static final class CancelRequested extends Event {
    @Label("Actor") String actor;
    @Label("Peer") String peer;
    @Label("Cid") String cid;
  }

  @Name("jtractor.CancelAcknowledged")
  @Label("Cancel Acknowledged")
  @Category("jtractor")
  @Description("A peer answered a cancel request; the duration is from the request")
  @StackTrace(false)
  public static final class CancelAcknowledged extends Event {
    @Label("Actor") String actor;
    @Label("Peer") String peer;
    @Label("Cid") String cid;
    @Label("Acknowledged") boolean acknowledged;
  }

  /** Records a cancel request and begins timing its acknowledgement; null when not recorded. */
  public static CancelAcknowledged cancelRequested(Uid actor, Uid peer, String cid) {
    CancelRequested r = new CancelRequested();
    CancelAcknowledged a = new CancelAcknowledged();
    if (r.shouldCommit()) {
      r.actor = id(actor);
      r.peer = id(peer);
      r.cid = cid;
      r.commit();
    }
    if (!a.isEnabled()) return null;
    a.begin();
    return a;
  }

  /** Records the answer to a cancel request ({@code acknowledged}: false if none came in time). */
  public static void cancelAnswered(CancelAcknowledged a, Uid actor, Uid peer, String cid, boolean acknowledged) {
    if (a == null || !a.shouldCommit()) return;
    a.actor = id(actor);
    a.peer = id(peer);
    a.cid = cid;
    a.acknowledged = acknowledged;
    a.commit();
  }

  // ----------------------------------------------------------------------------------------------
  // Errors

  @Name("jtractor.RemoteErrorReceived")
  @Label("Remote Error Received")
  @Category("jtractor")
  @Description("A peer sent an error: a call's or a context's (with its cid), or its runtime's")
  @StackTrace(false)
  public static final class RemoteErrorReceived extends Event {
    @Label("Actor") String actor;
    @Label("Peer") String peer;
    @Label("Cid") String cid;
    @Label("Type") String type;
    @Label("Message") String message;
  }

  /** {@code err}'s type and message are read only while the event is recorded: the message is made on demand. */
  public static void remoteError(Uid actor, Uid peer, String cid, RemoteActorError err) {
    RemoteErrorReceived e = new RemoteErrorReceived();
    if (!e.shouldCommit()) return;
    e.actor = id(actor);
    e.peer = id(peer);
    e.cid = cid;
    e.type = err.typeName();
    e.message = err.getMessage();
    e.commit();
  }
}
