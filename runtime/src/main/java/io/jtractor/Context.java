package io.jtractor;

import io.jtractor.errors.ConnectionLost;
import io.jtractor.errors.ContextCancelled;
import io.jtractor.errors.RemoteActorError;
import io.jtractor.errors.TypeError;
import io.jtractor.runtime.ContextLink;
import io.jtractor.runtime.ContextOpening;
import io.jtractor.runtime.Injectables;
import io.jtractor.runtime.PeerChannel;
import io.jtractor.runtime.Values;
import io.jtractor.sc.CancelScope;
import io.jtractor.sc.ClosedResourceError;
import io.jtractor.wire.Msg;
import io.jtractor.wire.Uid;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Objects;

/**
 * One side of a pairing between a task in this actor and a task in another: tractor's {@code
 * Context}. The caller opens it with {@link Portal#openContext}; the callee is a public static
 * method whose first parameter is a {@code Context}:
 *
 * <pre>{@code
 * public static String echoServer(Context ctx, int greeting) {
 *   ctx.started(greeting + 1);
 *   try (MsgStream stream = ctx.openStream()) {
 *     for (Object msg : stream) stream.send(msg);
 *   }
 *   return "done";
 * }
 * }</pre>
 *
 * <p>Semantics kept from tractor (spec §4.6): the callee calls {@link #started} exactly once
 * before anything else reaches the caller; an error in the callee cancels the caller's body at its
 * next checkpoint and is raised when the body ends (from {@code openContext}) or from {@link
 * #result()}; {@link #cancel()} cancels the remote task, which answers {@link ContextCancelled}
 * naming this actor as {@link ContextCancelled#canceller()}, and a caller is never handed its own
 * cancellation as a failure. Where we deviate (docs/design.md, "Deviations"): a callee that cancels itself gives
 * the caller a {@code ContextCancelled} (not a type error), and a context whose connection dies
 * fails promptly with {@link ConnectionLost}.
 *
 * <p>Threads: any task of the owning side may use it.
 */
public final class Context {
  static {
    Injectables.register(Context.class, Msg.CONTEXT, link -> new Context(link, Object.class));
  }

  private final ContextLink link;
  /** The declared result type of the remote function (caller side), for {@link #result()}. */
  private final Type resultType;
  /** The stream opened on this side, if any. Guarded by this. */
  private MsgStream stream;
  /** Caller side: the callee's {@code started} value; set before the body runs. */
  private volatile Object first;

  private Context(ContextLink link, Type resultType) {
    this.link = link;
    this.resultType = resultType;
  }

  /** The actor at the other end. */
  public Uid peer() {
    return link.peer();
  }

  /** The id of this context (the cid of the call that opened it). */
  public String cid() {
    return link.cid();
  }

  /** Whether this is the caller's side (the side that opened it). */
  public boolean isCaller() {
    return link.isCallerSide();
  }

  /** Whether this side asked for cancellation ({@link #cancel()}, or a failing caller body). */
  public boolean cancelCalled() {
    return link.cancelCalled();
  }

  /** The actor whose error or cancellation cancelled this side, or null (tractor's {@code cancel_called_remote}). */
  public Uid cancelCalledRemote() {
    return link.cancelledByRemote();
  }

  /** {@link #started(Object)} with no value. */
  public void started() {
    started(null);
  }

  /**
   * Callee only: sends the first value, which the caller's {@code openContext} receives as {@code
   * first}. Exactly once, before opening a stream.
   *
   * @throws IllegalStateException on the caller's side, or if called twice
   * @throws TypeError if msgpack cannot carry {@code value}
   */
  public void started(Object value) {
    if (isCaller()) throw new IllegalStateException("the caller side of context " + link + " cannot call started()");
    if (!link.markStarted()) throw new IllegalStateException("started() was called twice on context " + link);
    link.sendStarted(value);
  }

  /**
   * Caller side: the value the callee passed to {@link #started(Object)} (also handed to the
   * {@code openContext} body as {@code first}); null on the callee's side.
   */
  public Object first() {
    return first;
  }

  /**
   * This side's stream as a {@link io.jtractor.sc.Scoped} resource (opened with {@code options},
   * closed after the block), for {@link Jtractor#gatherContexts} and {@link
   * Jtractor#maybeOpenContext}.
   */
  public io.jtractor.sc.Scoped<MsgStream> stream(StreamOptions options) {
    Objects.requireNonNull(options, "options");
    return body -> {
      try (MsgStream s = openStream(options)) {
        body.run(s);
      }
    };
  }

  /** {@link #stream(StreamOptions)} with the default options. */
  public io.jtractor.sc.Scoped<MsgStream> stream() {
    return stream(StreamOptions.DEFAULT);
  }

  /** {@link #openStream(StreamOptions)} with the default options. */
  public MsgStream openStream() {
    return openStream(StreamOptions.DEFAULT);
  }

  /**
   * Opens this side's stream; sends nothing. One per side and context; close it (try-with-
   * resources) to tell the peer this side is done.
   *
   * @throws ContextCancelled if this side already cancelled the context
   * @throws IllegalStateException on the callee's side before {@link #started}
   * @throws ClosedResourceError if a stream was already opened on this side
   * @throws ConnectionLost if the connection is gone
   */
  public synchronized MsgStream openStream(StreamOptions options) {
    Objects.requireNonNull(options, "options");
    if (link.cancelCalled()) {
      throw link.localCancelled("context around " + link.func() + "() was already cancelled");
    }
    if (!isCaller() && !link.startedCalled()) {
      throw new IllegalStateException("Context.started() must be called before opening a stream");
    }
    if (stream != null) throw new ClosedResourceError("a stream was already opened on " + link + " (streams are one-shot)");
    if (link.connectionLost()) throw new ConnectionLost("the connection to " + peer() + " is gone");
    link.openStream(options.msgBufferSize(), options.allowOverruns());
    MsgStream s = new MsgStream(link, options, true, null);
    link.onStreamOpened(s::close);
    stream = s;
    return s;
  }

  /**
   * Cancels the context. Caller: asks the callee to cancel its task ({@code self._cancel_task}),
   * waiting at most 0.5 s for the answer, shielded; the callee answers {@link ContextCancelled}
   * with this actor as canceller, which {@link #result()} returns instead of raising. Callee:
   * cancels its own task, and the caller gets a {@code ContextCancelled} naming the callee.
   */
  public void cancel() {
    link.cancel();
  }

  /**
   * Caller only: waits for the callee's return value and returns it, converted to the remote
   * function's declared type. Returns null if this side (or this actor, with {@link
   * Portal#cancelActor()}) cancelled the callee before it returned; {@link #cancellation()} then
   * holds the {@link ContextCancelled}.
   *
   * @throws RemoteActorError if the callee failed, or was cancelled by someone else
   * @throws ConnectionLost if the connection ended first
   * @throws IllegalStateException on the callee's side
   */
  @SuppressWarnings("unchecked")
  public <R> R result() {
    if (!isCaller()) throw new IllegalStateException("result() is for the caller's side of a context");
    Object r = link.awaitResult();
    if (r instanceof ContextCancelled) return null;
    return (R) Values.toJava(r, resultType);
  }

  /**
   * The cancellation this side asked for, once the callee acknowledged it (after {@link
   * #result()} returned null), else null. It was returned, not raised, so its local stack trace
   * is empty; its {@link ContextCancelled#remoteTraceback()} tells where the callee stopped.
   */
  public ContextCancelled cancellation() {
    return link.remoteError() instanceof ContextCancelled cc && !link.hasResult() ? cc : null;
  }

  @Override
  public String toString() {
    return link.toString();
  }

  // ----------------------------------------------------------------------------------------------
  // Opening (the caller's side)

  /**
   * tractor's {@code Portal.open_context}: starts the remote context function, waits for its
   * {@code started}, runs {@code body}, then waits for the callee's result; on a failing body the
   * callee is cancelled first. What goes over the wire is {@link ContextOpening}'s.
   */
  static <T> T open(PeerChannel chan, String ns, String func, Map<String, Object> kwargs, Type resultType, ContextBody<T> body) {
    Objects.requireNonNull(body, "body");
    ContextLink link = chan.openContextLink(func);
    try {
      Object first = ContextOpening.start(chan, link, ns, func, kwargs, Msg.CONTEXT, true);
      Context ctx = new Context(link, resultType);
      ctx.first = first;
      CancelScope scope = CancelScope.create();
      link.bindScope(scope);
      T out;
      try {
        out = scope.call(s -> body.run(ctx, first));
      } catch (ContextCancelled cc) {
        if (!link.cancelCalled()) throw cc;
        return null; // our own cancellation, coming back to us: not a failure (spec §4.6)
      } catch (Throwable t) {
        ContextOpening.bodyFailed(link, t);
        throw t;
      }
      ContextOpening.awaitOutcome(link);
      return out;
    } finally {
      ContextOpening.close(chan, link);
    }
  }
}
