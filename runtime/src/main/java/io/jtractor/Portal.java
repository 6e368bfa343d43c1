package io.jtractor;

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
 */
public final class Portal {
  private final PeerChannel channel;
  /** The child's handle if this portal is to a child of a local nursery, else null. */
  private final ActorNursery.Child child;

  Portal(PeerChannel channel, ActorNursery.Child child) {
    this.channel = Objects.requireNonNull(channel, "channel");
    this.child = child;
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
    return Boolean.TRUE.equals(channel.callShielded("self", "cancel", Map.of(), timeout));
  }

  @Override
  public String toString() {
    return "Portal[" + uid() + "]";
  }
}
