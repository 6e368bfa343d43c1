package io.jtractor.runtime;

import io.jtractor.errors.ContextCancelled;
import io.jtractor.errors.RemoteActorError;
import io.jtractor.sc.Cancelled;
import io.jtractor.wire.ErrorInfo;
import io.jtractor.wire.Msg;
import io.jtractor.wire.Uid;

/**
 * How the {@link Dispatcher} runs a context function or a streaming function (tractor's {@code
 * @context} and async generators): {@code functype} (to a jtractor caller, a context's with the
 * function's first frame; otherwise at once), then whatever the function sends,
 * then its outcome — {@code return} (context) or {@code stop} (stream) — or its error. A cancelled
 * context answers {@code ContextCancelled} naming who cancelled it; a cancelled stream sends
 * {@code stop}.
 *
 * <p>Threads: runs on the thread the call was handed to, one per call; it shares nothing but the
 * call's {@link RpcTask} and {@link ContextLink}, which order their own state.
 */
final class LinkedCalls {
  private LinkedCalls() {}

  static void run(Dispatcher d, Dispatcher.PreparedCall call) {
    Msg.Cmd cmd = call.cmd();
    RpcTask task = call.task();
    ContextLink link = call.link();
    Modules.Target target = call.target();
    Actor actor = d.actor();
    CancelAnswers cancels = d.cancels();
    String cid = cmd.cid();
    boolean isContext = Msg.CONTEXT.equals(target.functype());
    try {
      if (isContext && d.channel().peerIsJtractor) {
        link.functypeWithFirstFrame(new Msg.Functype(cid, Msg.CONTEXT)); // leaves with started, or the outcome
      } else {
        // At once: a stream's caller opens its end on it, and a tractor caller cancelled before the
        // functype arrived would leave this task running (its start_remote_task expects it at once).
        link.sendAtOnce(new Msg.Functype(cid, target.functype()));
      }
      ContextSends.Write lastWords = msgs -> cancels.sendLastWords(task, msgs);
      link.bindScope(task.scope);
      Object value = null;
      Throwable failure = null;
      try {
        value = task.scope.call(s -> ForeignCalls.invoke(actor, target, call.args(), link));
      } catch (Cancelled c) {
        // The whole actor is going down.
        link.closeStream();
        link.lastWords(lastWords, isContext
            ? new Msg.Error(cid, ErrorBoxing.contextCancelled(
                describe(actor, cmd) + " was cancelled: its actor is shutting down", actor.uid(), actor.cancelRequester()))
            : new Msg.Stop(cid));
        throw c;
      } catch (Throwable t) {
        failure = t;
      }
      if (failure == null && task.scope.cancelledCaught()) {
        link.closeStream();
        RemoteActorError remote = link.remoteError();
        if (remote != null && !(remote instanceof ContextCancelled)) {
          failure = remote.raisedHere(); // e.g. a StreamOverrun the peer answered: pass it back, boxed again
        } else if (!isContext) {
          link.lastWords(lastWords, new Msg.Stop(cid));
          return;
        } else {
          link.lastWords(lastWords, new Msg.Error(cid, cancelledBody(d, cmd, task, link)));
          return;
        }
      }
      if (failure != null) {
        Log.RUNTIME.debug("RPC " + cmd.ns() + "." + cmd.func() + " failed", failure);
        link.closeStream();
        link.lastWords(lastWords, new Msg.Error(cid, d.packSafely(failure)));
        return;
      }
      link.closeStream();
      try {
        link.lastWords(lastWords, isContext ? new Msg.Return(cid, value) : new Msg.Stop(cid));
      } catch (IllegalArgumentException unencodable) {
        link.lastWords(lastWords, new Msg.Error(cid, d.packSafely(unencodable)));
      }
    } finally {
      d.channel().forget(link);
      d.finishTask(task);
    }
  }

  private static String describe(Actor actor, Msg.Cmd cmd) {
    return "`" + cmd.func() + "()`@" + actor.uidRepr();
  }

  /**
   * tractor's ContextCancelled for a callee, naming who cancelled it (itself included). What it
   * says follows from the function, whether it cancelled itself and who else did: the same three
   * as the last one's give that very (immutable) error again ({@link Dispatcher#lastCancelled}).
   */
  private static ErrorInfo cancelledBody(Dispatcher d, Msg.Cmd cmd, RpcTask task, ContextLink link) {
    Actor actor = d.actor();
    boolean itself = link.cancelCalled();
    Uid by = itself ? actor.uid() : task.cancelRequester != null ? task.cancelRequester : link.cancelledByRemote();
    CancelledAnswer last = d.lastCancelled;
    if (last != null && last.itself == itself && last.func.equals(cmd.func()) && java.util.Objects.equals(last.by, by)) {
      return last.info;
    }
    String how = itself ? " cancelled itself" : " was remotely cancelled by " + (by == null ? "an unknown actor"
        : by.equals(d.channel().peer()) ? "its caller " + d.channel().peerRepr : "remote actor " + by.pythonRepr());
    ErrorInfo info = ErrorBoxing.contextCancelled(describe(actor, cmd) + how, actor.uid(), by);
    d.lastCancelled = new CancelledAnswer(cmd.func(), itself, by, info);
    return info;
  }

  /** A ContextCancelled made for a function's context cancelled by {@code by}, or by {@code itself}. */
  record CancelledAnswer(String func, boolean itself, Uid by, ErrorInfo info) {}
}
