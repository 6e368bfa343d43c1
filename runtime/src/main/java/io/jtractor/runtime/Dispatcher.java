package io.jtractor.runtime;

import io.jtractor.errors.AttributeError;
import io.jtractor.errors.ModuleNotExposed;
import io.jtractor.errors.TypeError;
import io.jtractor.runtime.debug.Debugger;
import io.jtractor.sc.Cancelled;
import io.jtractor.sc.Sc;
import io.jtractor.wire.ErrorInfo;
import io.jtractor.wire.Msg;
import io.jtractor.wire.Uid;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving side of one {@link PeerChannel}: turns the peer's {@code cmd}s into registered,
 * ready calls (plain calls, contexts, streams, and the {@code self} namespace), runs them, and
 * sends their outcomes. Prior art: tractor's {@code Actor._invoke} and its runtime methods.
 *
 * <p>Threads: {@link #prepare} runs on the connection's current reader, before it reads the next
 * message (so a later {@code _cancel_task} always finds the task). A prepared call runs on that
 * reader or on whichever thread the reader relay hands it to; {@link #cancelRpcTasks} from any
 * thread. {@link #rpcTasks} is concurrent; the call-time average tolerates lost updates.
 */
final class Dispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(PeerChannel.class);

  /** The {@code self} methods the message loop answers itself. */
  private static final Set<String> RUNTIME_METHODS = Set.of("cancel", "_cancel_task");

  private final PeerChannel ch;
  private final Actor actor;
  private final Uid peer;
  private final Outbox outbox;
  private final CancelAnswers cancels;
  /**
   * Plain calls run on the reader while they have lately taken less than this ({@link
   * Tuning#inlineIfShorterThanNanos}); a long one would keep the connection unread until {@link
   * InlineCallWatch} hands it over, so long calls are handed over at once.
   */
  private final long inlineBelowNanos;
  /** RPC tasks started by this channel, by cid. Any thread. */
  private final ConcurrentHashMap<String, RpcTask> rpcTasks = new ConcurrentHashMap<>();
  /**
   * The ContextCancelled that answered the last cancel of a context here, with what it was made
   * for ({@link LinkedCalls}): a context of the same function cancelled by the same actor is
   * answered with the same immutable error, not one built anew (its trace text, its fields; a
   * C1 child's work on every cancel). Racy by design, like the codec's memos: an entry is
   * immutable and replaced whole, and a task that misses makes its own.
   */
  LinkedCalls.CancelledAnswer lastCancelled;
  /**
   * A running average of how long plain calls on this connection took (updated by whichever thread
   * ran one; a lost update only blurs the average).
   */
  private volatile long recentCallNanos;

  Dispatcher(PeerChannel ch) {
    this.ch = ch;
    this.actor = ch.actor;
    this.peer = ch.peer;
    this.outbox = ch.outbox;
    this.cancels = ch.cancels;
    this.inlineBelowNanos = ch.tuning.inlineIfShorterThanNanos();
  }

  /**
   * The reader: resolves and registers a {@code cmd}, or answers it at once ({@code self.cancel},
   * {@code _cancel_task}, or a refusal).
   *
   * @return the call to run; null if there is none; {@link #END} if the loop must end (this actor
   *     was asked to cancel itself)
   */
  PreparedCall prepare(Msg.Cmd cmd) {
    if (!"self".equals(cmd.ns())) return prepareCall(cmd);
    if (!RUNTIME_METHODS.contains(cmd.func())) return prepareSelfCall(cmd);
    return handleSelf(cmd) ? null : END;
  }

  /** {@link #prepare}'s answer when the message loop must end. */
  static final PreparedCall END = new PreparedCall(null, null, null, null, null, null, false);

  /** Whether {@code call} should run on the reader: a plain call, while such calls are short. */
  boolean runsInline(PreparedCall call) {
    return call.isPlain() && recentCallNanos < inlineBelowNanos;
  }

  /** A call ran long on the reader: the next plain calls go to another thread until they prove short. */
  void markCallsLong() {
    recentCallNanos = 10 * inlineBelowNanos;
  }

  /**
   * Records how long a plain call's function ran. Only the function: the reply's write is ours and
   * short, but on a busy CPU it often lets the woken peer run first (docs/design.md).
   */
  private void recordCallTime(long nanos) {
    long took = Math.min(nanos, 10 * inlineBelowNanos);
    long avg = recentCallNanos;
    recentCallNanos = avg + (took - avg) / 4;
  }

  /** Runs a prepared call; a failure inside the runtime is logged, never thrown at the reader. */
  void run(PreparedCall call) {
    try {
      if (call.selfBody != null) {
        // tractor answers runtime methods with functype at once; wait_for_actor may block long.
        outbox.sendQuietly(functype(call.cmd.cid()));
        runRpc(call.cmd, call.selfBody, call.task, true);
      } else if (call.link == null) {
        runRpc(call.cmd, () -> {
          long t0 = System.nanoTime();
          try {
            return ForeignCalls.invoke(actor, call.target, call.args, null);
          } finally {
            recordCallTime(System.nanoTime() - t0);
          }
        }, call.task, call.functypeSent);
      } else {
        LinkedCalls.run(this, call);
      }
    } catch (RuntimeException e) {
      LOG.error("an RPC on " + peer + " failed inside the runtime", e);
    }
  }

  /**
   * Resolves a call and registers it (before the next message is read, so a later {@code
   * _cancel_task} always finds it).
   *
   * @return the call to run, or null if it was refused (the error has been sent)
   */
  private PreparedCall prepareCall(Msg.Cmd cmd) {
    String cid = cmd.cid();
    Modules.Target target;
    Object[] args;
    try {
      target = actor.modules().resolve(cmd.ns(), cmd.func());
      args = target.bind(cmd.kwargs());
    } catch (ModuleNotExposed | AttributeError | TypeError e) {
      // As tractor: refused before it started, so no functype precedes the error.
      outbox.sendQuietly(new Msg.Error(cid, ErrorBoxing.pack(e, actor.uid())));
      return null;
    }
    RpcTask task = new RpcTask(cid);
    ContextLink link = null;
    boolean functypeSent = false;
    if (!target.isLinked() && !ch.peerIsJtractor) {
      // tractor sends a plain call's functype as it starts it, before reading on; a jtractor
      // caller gets it with the outcome, in one write (nothing waits on it alone).
      outbox.sendQuietly(functype(cid));
      functypeSent = true;
    }
    if (target.isLinked()) {
      // Registered before the next message is read: the caller's stream items may follow at once.
      link = new ContextLink(ch, cid, false, cmd.func(), ch.peerIsJtractor);
      link.beforeEachSend(() -> cancels.sendOwedCancelFunctype(task));
      if (target.injection() != null) args[0] = target.injection().view().apply(link);
      ch.calls.register(cid, link);
    }
    rpcTasks.put(cid, task);
    return new PreparedCall(cmd, target, args, task, link, null, functypeSent);
  }

  /**
   * Resolves any other {@code self} method (a registrar's registry methods) into a call run like
   * an RPC task: {@code wait_for_actor} blocks, and {@code _cancel_task} or the caller's sentinel
   * cancels it.
   *
   * @return the call to run, or null if it was refused (the error has been sent)
   */
  private PreparedCall prepareSelfCall(Msg.Cmd cmd) {
    Callable<Object> body;
    try {
      body = selfMethod(cmd.func(), cmd.kwargs(), ch.caller());
    } catch (AttributeError | TypeError e) {
      outbox.sendQuietly(new Msg.Error(cmd.cid(), ErrorBoxing.pack(e, actor.uid())));
      return null;
    }
    RpcTask task = new RpcTask(cmd.cid());
    rpcTasks.put(cmd.cid(), task);
    return new PreparedCall(cmd, null, null, task, null, body, false);
  }

  /**
   * The runtime methods of the {@code self} namespace that the loop answers itself.
   *
   * @return false if the loop must end (this actor is cancelling itself)
   */
  private boolean handleSelf(Msg.Cmd cmd) {
    String cid = cmd.cid();
    switch (cmd.func()) {
      case "cancel" -> {
        Authorization.Caller who = ch.caller();
        if (!actor.security().authorization().mayCancel(who)) {
          String why = actor.security().authorization().cancelRefusal(who);
          LOG.warn(why);
          outbox.sendQuietly(new Msg.Error(cid, ErrorBoxing.pack(new SecurityException(why), actor.uid())));
          return true;
        }
        Log.CANCEL.debug("{} asked actor {} to cancel itself", peer, actor.uid());
        outbox.sendQuietly(new Msg.Functype(cid, Msg.ASYNCFUNC));
        actor.cancelRuntime(peer);
        // Gone from the registry before the canceller hears back: once cancelActor() returns,
        // nobody finds this actor by name any more.
        actor.membership().unregisterRemotely();
        outbox.sendQuietly(new Msg.Return(cid, true));
        actor.cancelService();
        return false;
      }
      case "_cancel_task" -> {
        if (!(cmd.kwargs().get("cid") instanceof String target)) {
          outbox.sendQuietly(new Msg.Error(cid, ErrorBoxing.pack(new TypeError("_cancel_task() needs a 'cid' string"), actor.uid())));
          return true;
        }
        Log.CANCEL.debug("{} cancels task {} of actor {}", peer, target, actor.uid());
        cancels.cancelTask(rpcTasks.get(target), cid);
        return true;
      }
      default -> throw new IllegalStateException("not a runtime method: " + cmd.func());
    }
  }

  /**
   * Resolves a remotely callable runtime method other than {@code cancel} and {@code
   * _cancel_task} (the task dump, the debugger's, a registrar's registry methods) into the work
   * its task runs.
   *
   * @throws AttributeError if this actor has no such method (tractor's answer)
   */
  private Callable<Object> selfMethod(String name, Map<String, Object> kwargs, Authorization.Caller caller) {
    if (!caller.proven() && Capabilities.JTRACTOR_ONLY_SELF_METHODS.contains(name)) {
      throw new AttributeError("'Actor' object has no attribute '" + name + "'"); // as tractor, to a tractor peer
    }
    if (name.equals(TaskDump.SELF_METHOD)) return () -> TaskDump.of(actor);
    Callable<Object> debug = Debugger.selfMethod(actor, name, kwargs);
    if (debug != null) return debug;
    Registrar r = actor.membership().registrar();
    if (r != null) return r.method(name, kwargs, caller);
    throw new AttributeError("'Actor' object has no attribute '" + name + "'");
  }

  static Msg.Functype functype(String cid) {
    return new Msg.Functype(cid, Msg.ASYNCFUNC);
  }

  /**
   * Runs one plain call and sends its {@code functype} together with the outcome, in one write:
   * tractor's order (functype first) is kept, and the caller's side is woken once instead of
   * twice. For a plain call nothing waits on the functype alone (a caller, tractor's included,
   * reads it and then waits for the result), so sending it late costs nothing; contexts and
   * streams, whose functype is followed by traffic before the result, send it at once.
   */
  private void runRpc(Msg.Cmd cmd, Callable<Object> body, RpcTask task, boolean functypeSent) {
    String cid = cmd.cid();
    try {
      Object value;
      try {
        value = task.scope.call(s -> body.call());
      } catch (Cancelled c) {
        // The whole actor is going down: tell a jtractor caller instead of going silent (a tractor
        // caller expects nothing, as tractor sends).
        if (ch.peerIsJtractor) {
          reply(task, functypeSent, new Msg.Error(cid, ErrorBoxing.contextCancelled(
              cmd.func() + "() was cancelled: its actor is shutting down", actor.uid(), actor.cancelRequester())));
        }
        throw c;
      } catch (Throwable t) {
        Log.RUNTIME.debug("RPC " + cmd.ns() + "." + cmd.func() + " failed", t);
        reply(task, functypeSent, new Msg.Error(cid, packSafely(t)));
        return;
      }
      if (task.scope.cancelledCaught()) {
        // A tractor caller whose call was cancelled with the rest (its sentinel, a self.cancel)
        // gets nothing for it, as from tractor; its functype went out when the call started.
        if (!ch.peerIsJtractor && task.cancelledWithTheRest) return;
        // A deviation: tractor sends nothing for a cancelled plain call (docs/design.md).
        Uid by = task.cancelRequester;
        reply(task, functypeSent, new Msg.Error(cid, ErrorBoxing.contextCancelled(
            cmd.func() + "() was remotely cancelled by " + (by == null ? "its caller" : by.pythonRepr()), actor.uid(), by)));
        return;
      }
      byte[][] answer;
      try {
        answer = outbox.encodeAnswer(cid, value, !functypeSent); // no record: its bytes only
      } catch (IllegalArgumentException unencodable) {
        reply(task, functypeSent, new Msg.Error(cid, packSafely(unencodable)));
        return;
      }
      cancels.sendLastWords(task, answer);
    } finally {
      finishTask(task);
    }
  }

  /** Sends a plain call's outcome, preceded by its functype unless that was sent already. */
  private void reply(RpcTask task, boolean functypeSent, Msg outcome) {
    if (functypeSent) cancels.sendLastWords(task, outcome);
    else cancels.sendLastWords(task, functype(outcome.cid()), outcome);
  }

  /** Ends a task: answers a cancel still owed (no last words went out), then marks it done. */
  void finishTask(RpcTask task) {
    cancels.answerStillOwed(task);
    rpcTasks.remove(task.cid, task);
    task.done.set();
    var timer = task.giveUpTimer;
    if (timer != null) timer.cancel();
  }

  /** Boxes an error; an error that cannot even be described is boxed as that. */
  ErrorInfo packSafely(Throwable t) {
    try {
      return ErrorBoxing.pack(t, actor.uid());
    } catch (RuntimeException broken) {
      return ErrorInfo.of(
          "a " + t.getClass().getName() + " that could not be described: " + broken, t.getClass().getSimpleName(), actor.uid());
    }
  }

  /** Cancels the RPC tasks this channel started and waits for them; {@code by} is who asked. */
  void cancelRpcTasks(Uid by) {
    for (RpcTask t : List.copyOf(rpcTasks.values())) {
      if (t.cancelRequester == null) t.cancelRequester = by;
      t.cancelledWithTheRest = true;
      t.scope.cancel();
    }
    for (RpcTask t : List.copyOf(rpcTasks.values())) awaitBounded(t);
  }

  private void awaitBounded(RpcTask t) {
    Sc.shielded(
        s -> {
          s.setRelativeDeadline(cancels.cancelWait);
          t.done.await();
        });
    if (!t.done.isSet()) {
      LOG.warn("a task of " + peer + " did not finish within " + cancels.cancelWait + " of being cancelled");
    }
  }

  /** RPC tasks the peer started here that have not finished (for {@link Bookkeeping}). */
  int rpcTaskCount() {
    return rpcTasks.size();
  }

  PeerChannel channel() {
    return ch;
  }

  Actor actor() {
    return actor;
  }

  Outbox outbox() {
    return outbox;
  }

  CancelAnswers cancels() {
    return cancels;
  }

  /** A resolved, registered call, ready to run. Immutable. */
  record PreparedCall(
      Msg.Cmd cmd,
      Modules.Target target,
      Object[] args,
      RpcTask task,
      ContextLink link,
      /* The work of a {@code self} method, or null for a call of an exposed function. */
      Callable<Object> selfBody,
      /* Whether a plain call's functype went out already (to a tractor peer, as it started). */
      boolean functypeSent) {

    /** Whether this is a plain call of a plain function (no context, stream, self method or future to await). */
    boolean isPlain() {
      return selfBody == null && link == null && target.shape() == Modules.Target.Shape.PLAIN;
    }
  }
}
