package io.jtractor;

import io.jtractor.errors.ConnectionLost;
import io.jtractor.errors.RemoteActorError;
import io.jtractor.runtime.ContextLink;
import io.jtractor.runtime.ContextOpening;
import io.jtractor.runtime.PeerChannel;
import io.jtractor.runtime.Values;
import io.jtractor.wire.Uid;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A handle for calling functions in another actor. Prior art: tractor's {@code Portal}.
 *
 * <p>{@code run} calls a typed method reference ({@code portal.run(Funcs::add, 1, 2)}); {@link
 * #runFromNs} calls by name, for any tractor peer. A portal from {@link
 * ActorNursery#runInActor} also has the child's {@link #result()}. Any thread may use a portal;
 * every call is a checkpoint.
 *
 * <p>A portal from discovery ({@link Discovery#findActor}, {@link Discovery#waitForActor}, {@link
 * Discovery#getRegistrar}, {@link #connect}) has a connection of its own: close it when done
 * (try-with-resources). Closing a portal from a nursery does nothing: its connection belongs to the
 * nursery.
 */
public final class Portal implements AutoCloseable {
  private final PeerChannel channel;
  /** The child's handle if this portal is to a child of a local nursery, else null. */
  private final NurseryChild child;

  /** Whether this portal opened its connection (and closes it). */
  private final boolean ownsConnection;

  Portal(PeerChannel channel, NurseryChild child) {
    this(channel, child, false);
  }

  private Portal(PeerChannel channel, NurseryChild child, boolean ownsConnection) {
    this.channel = Objects.requireNonNull(channel, "channel");
    this.child = child;
    this.ownsConnection = ownsConnection;
  }

  /**
   * Connects the current actor to the actor listening at {@code address} and returns a portal
   * owning that connection (close it when done). tractor: {@code get_peer} / {@code open_portal}.
   *
   * @throws java.io.UncheckedIOException if nothing answers there or the handshake fails
   * @throws IllegalStateException if no actor runs in this process
   */
  public static Portal connect(java.net.InetSocketAddress address) {
    Objects.requireNonNull(address, "address");
    io.jtractor.runtime.Actor actor = Jtractor.requireActor();
    try {
      return new Portal(actor.connect(address), null, true);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("could not connect to the actor at " + address + ": " + e.getMessage(), e);
    }
  }

  /**
   * Closes the connection if this portal opened it (sending tractor's {@code None} sentinel
   * first, so the peer stops the tasks this portal started); otherwise does nothing. Idempotent.
   */
  @Override
  public void close() {
    if (ownsConnection) channel.close();
  }

  /** The uid of the actor at the other end. */
  public Uid uid() {
    return channel.peer();
  }

  /** Whether the connection is up. */
  public boolean isConnected() {
    return channel.isOpen();
  }

  PeerChannel channel() {
    return channel;
  }

  /**
   * Calls {@code ns.func(**kwargs)} on the remote actor and returns its result as decoded from the
   * wire (null, Boolean, Long, Double, String, byte[], List, Map).
   *
   * @throws RemoteActorError if it raised (its {@link RemoteActorError#type()} tells what)
   * @throws ConnectionLost if the connection ended first
   */
  public Object runFromNs(String ns, String func, Map<String, ?> kwargs) {
    Objects.requireNonNull(ns, "ns");
    Objects.requireNonNull(func, "func");
    return channel.call(ns, func, new LinkedHashMap<>(Objects.requireNonNull(kwargs, "kwargs")));
  }

  /** {@link #runFromNs} with no arguments. */
  public Object runFromNs(String ns, String func) {
    return runFromNs(ns, func, Map.of());
  }

  public <R> R run(Remote.Fn0<R> fn) {
    return call(Remote.resolve(fn));
  }

  public <A, R> R run(Remote.Fn1<A, R> fn, A a) {
    return call(Remote.resolve(fn), a);
  }

  public <A, B, R> R run(Remote.Fn2<A, B, R> fn, A a, B b) {
    return call(Remote.resolve(fn), a, b);
  }

  public <A, B, C, R> R run(Remote.Fn3<A, B, C, R> fn, A a, B b, C c) {
    return call(Remote.resolve(fn), a, b, c);
  }

  public <A, B, C, D, R> R run(Remote.Fn4<A, B, C, D, R> fn, A a, B b, C c, D d) {
    return call(Remote.resolve(fn), a, b, c, d);
  }

  /** Calls a remote procedure (a {@code void} method) and waits for it to finish. */
  public void run(Remote.Proc0 fn) {
    call(Remote.resolve(fn));
  }

  public <A> void run(Remote.Proc1<A> fn, A a) {
    call(Remote.resolve(fn), a);
  }

  public <A, B> void run(Remote.Proc2<A, B> fn, A a, B b) {
    call(Remote.resolve(fn), a, b);
  }

  public <A, B, C> void run(Remote.Proc3<A, B, C> fn, A a, B b, C c) {
    call(Remote.resolve(fn), a, b, c);
  }

  @SuppressWarnings("unchecked")
  private <R> R call(Remote.Ref ref, Object... args) {
    Object wire = channel.call(ref.ns(), ref.func(), ref.kwargs(args));
    return (R) Values.toJava(wire, ref.method().getGenericReturnType());
  }

  /**
   * The result of the function a {@code runInActor} child was started with: waits for it, returns
   * it (converted to the function's declared type), or raises its failure. Every later call
   * returns the same value, also after the nursery has closed.
   *
   * @throws IllegalStateException if this portal is not from {@code runInActor}
   */
  public <R> R result() {
    if (child == null || !child.isRunInActor()) {
      throw new IllegalStateException("no result is expected from " + uid() + ": it was not started with runInActor");
    }
    return child.awaitResult();
  }

  /**
   * Asks the remote actor to cancel itself (its tasks, its listener, then its process), waiting at
   * most 0.5 s for the answer. Shielded: it completes even if the caller is being cancelled.
   *
   * @return true if the actor confirmed, false if it did not answer in time or the connection is
   *     gone
   */
  public boolean cancelActor() {
    return cancelActor(Duration.ofMillis(500));
  }

  /** {@link #cancelActor()} with another time limit. */
  public boolean cancelActor(Duration timeout) {
    if (!channel.isOpen()) return false;
    if (child != null) child.markCancelRequested();
    return channel.cancelPeer(timeout);
  }

  // ----------------------------------------------------------------------------------------------
  // Contexts and streams

  /**
   * Opens a context with a remote context function (tractor's {@code open_context}): starts it,
   * waits for its {@link Context#started}, runs {@code body} with the {@link Context} and the
   * started value, then waits for the callee to return. If the body fails, the callee is
   * cancelled first and the body's failure propagates. If the callee fails, the body is cancelled
   * at its next checkpoint and the callee's error is raised here.
   *
   * @return what {@code body} returned (null if the body was cancelled by the callee's end)
   * @throws RemoteActorError if the callee failed, or was cancelled by an actor other than this one
   * @throws ConnectionLost if the connection ended
   */
  public <R, T> T openContext(Remote.Ctx0<R> fn, ContextBody<T> body) {
    return openRef(Remote.resolve(fn), body);
  }

  /**
   * The context {@code fn} as a {@link io.jtractor.sc.Scoped} resource, for {@link
   * Jtractor#gatherContexts} and {@link Jtractor#maybeOpenContext}: opening it opens the context;
   * the value is the {@link Context} (its first value is {@link Context#first()}).
   */
  public io.jtractor.sc.Scoped<Context> context(Remote.Ctx0<?> fn) {
    Objects.requireNonNull(fn, "fn");
    return body -> openContext(fn, (ctx, first) -> {
      body.run(ctx);
      return null;
    });
  }

  /** {@link #context(Remote.Ctx0)} for a function of one argument. */
  public <A> io.jtractor.sc.Scoped<Context> context(Remote.Ctx1<A, ?> fn, A a) {
    Objects.requireNonNull(fn, "fn");
    return body -> openContext(fn, a, (ctx, first) -> {
      body.run(ctx);
      return null;
    });
  }

  /** {@link #context(Remote.Ctx0)} for a context procedure. */
  public io.jtractor.sc.Scoped<Context> context(Remote.CtxProc0 fn) {
    Objects.requireNonNull(fn, "fn");
    return body -> openContext(fn, (ctx, first) -> {
      body.run(ctx);
      return null;
    });
  }

  /** {@link #openContext(Remote.Ctx0, ContextBody)} for a function of one argument. */
  public <A, R, T> T openContext(Remote.Ctx1<A, R> fn, A a, ContextBody<T> body) {
    return openRef(Remote.resolve(fn), body, a);
  }

  /** {@link #openContext(Remote.Ctx0, ContextBody)} for a function of two arguments. */
  public <A, B, R, T> T openContext(Remote.Ctx2<A, B, R> fn, A a, B b, ContextBody<T> body) {
    return openRef(Remote.resolve(fn), body, a, b);
  }

  /** {@link #openContext(Remote.Ctx0, ContextBody)} for a function of three arguments. */
  public <A, B, C, R, T> T openContext(Remote.Ctx3<A, B, C, R> fn, A a, B b, C c, ContextBody<T> body) {
    return openRef(Remote.resolve(fn), body, a, b, c);
  }

  /** {@link #openContext(Remote.Ctx0, ContextBody)} for a context procedure (returning nothing). */
  public <T> T openContext(Remote.CtxProc0 fn, ContextBody<T> body) {
    return openRef(Remote.resolve(fn), body);
  }

  /** {@link #openContext(Remote.Ctx0, ContextBody)} for a context procedure of one argument. */
  public <A, T> T openContext(Remote.CtxProc1<A> fn, A a, ContextBody<T> body) {
    return openRef(Remote.resolve(fn), body, a);
  }

  /** {@link #openContext(Remote.Ctx0, ContextBody)} for a context procedure of two arguments. */
  public <A, B, T> T openContext(Remote.CtxProc2<A, B> fn, A a, B b, ContextBody<T> body) {
    return openRef(Remote.resolve(fn), body, a, b);
  }

  /** Opens a context with a remote context function named by namespace and function name (any tractor peer). */
  public <T> T openContextFromNs(String ns, String func, Map<String, ?> kwargs, ContextBody<T> body) {
    Objects.requireNonNull(ns, "ns");
    Objects.requireNonNull(func, "func");
    return Context.open(channel, ns, func, new LinkedHashMap<>(Objects.requireNonNull(kwargs, "kwargs")), Object.class, body);
  }

  private <T> T openRef(Remote.Ref ref, ContextBody<T> body, Object... args) {
    return Context.open(channel, ref.ns(), ref.func(), ref.kwargsAfter(1, args), ref.method().getGenericReturnType(), body);
  }

  /**
   * Starts a remote streaming function (a public static method whose first parameter is an {@link
   * Emitter}; tractor's async generator) and returns the receive-only stream of what it emits.
   * Closing the stream (try-with-resources) sends {@code stop} and cancels the remote function if
   * it is still running.
   *
   * @throws RemoteActorError if the call was refused (not exposed, bad arguments, not a streaming function)
   */
  public <T> MsgStream openStreamFrom(Remote.Gen0<T> fn) {
    Remote.Ref ref = Remote.resolve(fn);
    return openStreamFromNs(ref.ns(), ref.func(), ref.kwargsAfter(1));
  }

  /** {@link #openStreamFrom(Remote.Gen0)} for a function of one argument. */
  public <T, A> MsgStream openStreamFrom(Remote.Gen1<T, A> fn, A a) {
    Remote.Ref ref = Remote.resolve(fn);
    return openStreamFromNs(ref.ns(), ref.func(), ref.kwargsAfter(1, a));
  }

  /** {@link #openStreamFrom(Remote.Gen0)} for a function of two arguments. */
  public <T, A, B> MsgStream openStreamFrom(Remote.Gen2<T, A, B> fn, A a, B b) {
    Remote.Ref ref = Remote.resolve(fn);
    return openStreamFromNs(ref.ns(), ref.func(), ref.kwargsAfter(1, a, b));
  }

  /** {@link #openStreamFrom(Remote.Gen0)} by namespace and function name (any tractor peer's async generator). */
  public MsgStream openStreamFromNs(String ns, String func, Map<String, ?> kwargs) {
    Objects.requireNonNull(ns, "ns");
    Objects.requireNonNull(func, "func");
    Map<String, Object> kw = new LinkedHashMap<>(Objects.requireNonNull(kwargs, "kwargs"));
    ContextLink link = ContextOpening.openStreamFrom(channel, ns, func, kw);
    return new MsgStream(link, StreamOptions.DEFAULT, false, () -> {
      try {
        link.cancel(); // tractor cancels the remote generator when its caller's stream closes
      } finally {
        ContextOpening.close(channel, link);
      }
    });
  }

  @Override
  public String toString() {
    return "Portal[" + uid() + "]";
  }
}
