package io.jtractor;

import io.jtractor.config.SpawnOptions;
import io.jtractor.errors.ActorFailure;
import io.jtractor.errors.ConnectionLost;
import io.jtractor.errors.ContextCancelled;
import io.jtractor.errors.RemoteActorError;
import io.jtractor.runtime.Actor;
import io.jtractor.runtime.ChildProcess;
import io.jtractor.runtime.Sneaky;
import io.jtractor.runtime.Values;
import io.jtractor.runtime.debug.Debugger;
import io.jtractor.sc.Block;
import io.jtractor.sc.Event;
import io.jtractor.sc.Nursery;
import io.jtractor.sc.Sc;
import io.jtractor.sc.ValueBlock;
import io.jtractor.wire.Uid;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Spawns child actors (each a JVM) and supervises them with one-cancels-all: an error in any
 * child — a {@code runInActor} function raising, a daemon dying, a child failing to boot — or in
 * the body cancels the body and every sibling, and is raised when all have been torn down: one
 * failure as itself (a {@link RemoteActorError}, an {@link ActorFailure}), several as an {@link
 * io.jtractor.sc.ExceptionGroup}. Nothing outlives the nursery: every child process is gone when
 * it returns. Prior art: tractor's {@code ActorNursery} ({@code open_nursery}).
 *
 * <p>Where we deviate from tractor, on purpose (docs/design.md, "Deviations"): a failing {@code runInActor} child
 * cancels its siblings at once instead of after the body ends and every sibling has finished
 * (tractor bug #287); a child that fails to boot is an error of this nursery, not a crash of the
 * parent's runtime; children die with their parent.
 *
 * <p>As in tractor, daemons ({@link #startActor}) run until someone cancels them ({@link
 * Portal#cancelActor()} or {@link #cancel()}); the nursery waits for them.
 *
 * <p>Opened with {@link Jtractor#openNursery(Block)} (or {@link Root#openNursery(Block)}); the
 * body runs on the calling thread, the supervision of each child in a task of its own.
 */
public final class ActorNursery {
  private final Actor actor;
  private final Nursery tasks;
  /**
   * The children not yet reaped, in spawn order: each is removed once its process is gone, so a
   * long-lived nursery keeps nothing of a child that has finished (its portal keeps its result).
   * Any thread.
   */
  private final List<NurseryChild> children = new CopyOnWriteArrayList<>();
  private volatile boolean cancelled;
  private volatile SpawnOptions spawnOptions = SpawnOptions.inherited();
  /** Debug mode for the children spawned from now on; null: the actor's own. */
  private volatile Boolean debugMode;

  private ActorNursery(Actor actor, Nursery tasks) {
    this.actor = actor;
    this.tasks = tasks;
  }

  static <R> R open(Actor actor, ValueBlock<? super ActorNursery, R> body) {
    Objects.requireNonNull(body, "body");
    try {
      return Nursery.call(n -> {
        ActorNursery an = new ActorNursery(actor, n);
        try (AutoCloseable tracked = actor.trackNursery(an::cancel)) {
          return body.call(an);
        }
      });
    } catch (Throwable t) {
      // A root in debug mode opens the REPL over its own error, once its children are down.
      throw Sneaky.raise(Debugger.rootCrashed(actor, t));
    }
  }

  /** Options for the children spawned from now on (JVM flags, timeouts, grace periods). */
  public ActorNursery withSpawnOptions(SpawnOptions options) {
    this.spawnOptions = Objects.requireNonNull(options, "options");
    return this;
  }

  /**
   * Debug mode for the children spawned from now on (tractor's per-child {@code debug_mode}): on,
   * their crashes and {@link Jtractor#pause()}s stop under the debugger even if this actor's tree is
   * not in debug mode; off, they run without it even if it is. By default children inherit this
   * actor's mode.
   */
  public ActorNursery withDebugMode(boolean on) {
    this.debugMode = on;
    return this;
  }

  // ----------------------------------------------------------------------------------------------
  // Spawning

  /**
   * Spawns a daemon actor that serves RPC to {@code modules} until cancelled, and returns a portal
   * to it once it has connected back (and been sent its init message, as tractor's). A child that
   * dies or never connects is raised here as an {@link ActorFailure}; one that fails later while
   * booting (loading its classes) reports a {@link RemoteActorError} that fails this nursery.
   */
  public Portal startActor(String name, Class<?>... modules) {
    return spawn(name, List.of(modules), null, spawnOptions);
  }

  /**
   * {@link #startActor(String, Class...)} with options for this child only: e.g. {@code
   * SpawnOptions.inherited().infected()} for an infected daemon (tractor's {@code
   * start_actor(..., infect_asyncio=True)}). For {@code runInActor}, set the nursery's options
   * with {@link #withSpawnOptions}.
   */
  public Portal startActor(String name, SpawnOptions options, Class<?>... modules) {
    return spawn(name, List.of(modules), null, Objects.requireNonNull(options, "options"));
  }

  /**
   * Spawns an actor that runs {@code fn(args)} and exits: tractor's {@code run_in_actor}. The
   * result arrives through {@link Portal#result()}; a failure cancels the whole nursery. The child
   * is named after the function; {@code fn}'s class is exposed, plus {@code extraModules}.
   */
  public <R> Portal runInActor(Remote.Fn0<R> fn) {
    return runMain(null, Remote.resolve(fn));
  }

  public <A, R> Portal runInActor(Remote.Fn1<A, R> fn, A a) {
    return runMain(null, Remote.resolve(fn), a);
  }

  public <A, B, R> Portal runInActor(Remote.Fn2<A, B, R> fn, A a, B b) {
    return runMain(null, Remote.resolve(fn), a, b);
  }

  public <A, B, C, R> Portal runInActor(Remote.Fn3<A, B, C, R> fn, A a, B b, C c) {
    return runMain(null, Remote.resolve(fn), a, b, c);
  }

  /** {@code runInActor} with the child's name given. */
  public <R> Portal runInActor(String name, Remote.Fn0<R> fn) {
    return runMain(name, Remote.resolve(fn));
  }

  public <A, R> Portal runInActor(String name, Remote.Fn1<A, R> fn, A a) {
    return runMain(name, Remote.resolve(fn), a);
  }

  public <A, B, R> Portal runInActor(String name, Remote.Fn2<A, B, R> fn, A a, B b) {
    return runMain(name, Remote.resolve(fn), a, b);
  }

  /** {@code runInActor} of a function of three arguments, with the child's name given. */
  public <A, B, C, R> Portal runInActor(String name, Remote.Fn3<A, B, C, R> fn, A a, B b, C c) {
    return runMain(name, Remote.resolve(fn), a, b, c);
  }

  /** {@code runInActor} of a procedure (a {@code void} method): {@link Portal#result()} is null. */
  public Portal runInActor(Remote.Proc0 fn) {
    return runMain(null, Remote.resolve(fn));
  }

  public <A> Portal runInActor(Remote.Proc1<A> fn, A a) {
    return runMain(null, Remote.resolve(fn), a);
  }

  public <A, B> Portal runInActor(Remote.Proc2<A, B> fn, A a, B b) {
    return runMain(null, Remote.resolve(fn), a, b);
  }

  public Portal runInActor(String name, Remote.Proc0 fn) {
    return runMain(name, Remote.resolve(fn));
  }

  public <A> Portal runInActor(String name, Remote.Proc1<A> fn, A a) {
    return runMain(name, Remote.resolve(fn), a);
  }

  public <A, B> Portal runInActor(String name, Remote.Proc2<A, B> fn, A a, B b) {
    return runMain(name, Remote.resolve(fn), a, b);
  }

  private Portal runMain(String name, Remote.Ref ref, Object... args) {
    MainCall call = new MainCall(ref.ns(), ref.func(), ref.kwargs(args), ref.method().getGenericReturnType());
    return spawn(name != null ? name : ref.func(), List.of(ref.owner()), call, spawnOptions);
  }

  /**
   * {@code runInActor} by name: the child exposes {@code modules} and runs {@code ns.func(**kwargs)}.
   */
  public Portal runInActor(String name, String ns, String func, Map<String, ?> kwargs, Class<?>... modules) {
    return spawn(name, List.of(modules), new MainCall(ns, func, Map.copyOf(kwargs), Object.class), spawnOptions);
  }

  record MainCall(String ns, String func, Map<String, ?> kwargs, Type resultType) {}

  private Portal spawn(String name, List<Class<?>> modules, MainCall main, SpawnOptions spawnOptions) {
    Objects.requireNonNull(name, "name");
    if (!tasks.isOpen()) throw new IllegalStateException("this actor nursery is closed");
    Sc.checkpointIfCancelled();
    Uid uid = Uid.random(name);
    Boolean debug = debugMode;
    ChildProcess proc = ChildProcess.spawn(actor, uid, modules, spawnOptions, debug != null ? debug : actor.config().debugMode());
    NurseryChild child = new NurseryChild(proc, main);
    Portal portal = new Portal(proc.channel(), child);
    child.portal = portal;
    children.add(child); // before its supervisor starts: that removes it when the child is gone
    try {
      tasks.startSoon("supervise:" + name, () -> supervise(child));
    } catch (RuntimeException e) {
      children.remove(child);
      Sc.shielded(s -> proc.reap(true));
      throw e;
    }
    if (cancelled) {
      // cancel() ran while this child was being spawned and could not see it
      child.markCancelRequested();
      child.scope.cancel();
    }
    return portal;
  }

  // ----------------------------------------------------------------------------------------------
  // Supervision

  private void supervise(NurseryChild child) {
    try {
      child.scope.run(
          s -> {
            if (child.main != null) {
              Debugger.cancelOnlyWhenQuiet(actor, child.process.uid(), () -> runMain(child));
            } else {
              awaitDaemonEnd(child);
            }
          });
    } finally {
      if (!child.resultReady.isSet()) {
        child.settle(new NurseryChild.Failed(
            new ActorFailure("actor " + child.process.uid() + " was cancelled before it returned a result")));
      }
      try {
        Sc.shielded(s -> child.process.reap(child.hardKill()));
      } finally {
        children.remove(child);
      }
    }
  }

  private void runMain(NurseryChild child) {
    MainCall m = child.main;
    Object value;
    try {
      value = Values.toJava(
          child.portal.runFromNs(m.ns(), m.func(), m.kwargs()), m.resultType());
    } catch (RuntimeException e) {
      if ((e instanceof ContextCancelled || e instanceof ConnectionLost) && (child.cancelRequested() || cancelled)) {
        // We asked for it (Portal.cancelActor, ActorNursery.cancel), maybe before the call even
        // ran: not a failure.
        child.settle(new NurseryChild.Failed(
            new ActorFailure("actor " + child.process.uid() + " was cancelled before it returned a result", e)));
        return;
      }
      RuntimeException f = e;
      if (e instanceof ConnectionLost && !child.process.process().isAlive()) {
        f = new ActorFailure("actor " + child.process.uid() + " died (" + child.process.exitDescription() + ") before it returned", e);
      }
      child.settle(new NurseryChild.Failed(f));
      throw f; // one-cancels-all, at once
    }
    child.settle(new NurseryChild.Returned(value));
    child.markCancelRequested();
    // Done: ask it to go, as tractor does after a result (the reaper waits for the exit).
  }

  private void awaitDaemonEnd(NurseryChild child) {
    Event ended = child.process.channel().ended();
    // Wait until the connection or the process ends, whichever comes first.
    Nursery.run(
        n -> {
          n.startSoon(() -> {
            ended.await();
            n.cancel();
          });
          n.startSoon(() -> {
            child.process.exited().await();
            n.cancel();
          });
        });
    if (child.cancelRequested() || cancelled) return;
    // The connection and the process end a moment apart, in either order (an in-process child
    // ends at once): give the other that moment, so that a boot failure the connection carried
    // has been read.
    Sc.moveOnAfter(Duration.ofSeconds(1), s -> {
      ended.await();
      child.process.exited().await();
    });
    RemoteActorError boot = child.process.channel().peerFailure();
    if (boot != null) throw boot;
    Sc.checkpointIfCancelled();
    String how = child.process.process().isAlive()
        ? "closed its connection"
        : child.process.exitDescription();
    throw new ActorFailure("actor " + child.process.uid() + " " + how + " without being asked to");
  }

  // ----------------------------------------------------------------------------------------------
  // Cancellation

  /** Cancels every child gracefully (a {@code self.cancel} request, then signals); returns at once. */
  public void cancel() {
    cancel(false);
  }

  /**
   * Cancels every child; with {@code hardKill} the processes are sent SIGTERM straight away (then
   * SIGKILL after the grace period) instead of being asked first.
   */
  public void cancel(boolean hardKill) {
    cancelled = true;
    for (NurseryChild c : children) {
      if (hardKill) c.markHardKill();
      else c.markCancelRequested();
      c.scope.cancel();
    }
  }

  /** Whether {@link #cancel} was called. */
  public boolean isCancelled() {
    return cancelled;
  }

  /**
   * Portals to the children that are still running (or being torn down), in spawn order. A child
   * whose process is gone is no longer listed, as tractor's nursery forgets a reaped child.
   */
  public List<Portal> portals() {
    List<Portal> out = new ArrayList<>();
    for (NurseryChild c : children) out.add(c.portal);
    return out;
  }

  /** Threads of finished supervisors this nursery still holds (for leak tests). */
  int retainedThreadCount() {
    return tasks.retainedThreadCount();
  }

  /** The actor this nursery belongs to. */
  public Uid owner() {
    return actor.uid();
  }
}
