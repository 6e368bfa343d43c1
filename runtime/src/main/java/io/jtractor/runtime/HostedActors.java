package io.jtractor.runtime;

import io.jtractor.config.SpawnOptions;
import io.jtractor.sc.Sc;
import java.util.concurrent.Executor;

/**
 * Which actor a thread belongs to, when several serve in one JVM.
 *
 * <p>A JVM has one process actor (a root, or the actor of a child JVM), which {@link
 * Actor#current()} falls back to. An actor running inside its parent's JVM ({@link InProcessChild})
 * binds itself here on the task that serves it, before its service nursery opens. The binding is
 * sc's task tag ({@link Sc#taskTag()}), which every task of that nursery inherits, and every task
 * of the nurseries those open (its connections' loops, its RPC tasks, their nurseries and
 * portals), whichever thread starts them (a connection's reading is handed over by a shared watch
 * thread, for one). A plain thread started by such a task inherits it as an inheritable
 * thread-local. A thread outside any in-process actor sees none, and so the process's actor.
 *
 * <p>Cost: one thread-local read where the current actor is asked for ({@code Jtractor}'s
 * current-actor methods, the debugger, task dumps), never on the message path; and one map entry
 * copied per thread start. Shared service threads started lazily (sc's deadline timer, the inline
 * call watch) do not inherit bindings, so that they hold on to no actor.
 *
 * <p>Thread rule: each thread reads and writes only its own binding.
 */
final class HostedActors {
  /** For threads that are no sc task: plain threads started from an actor's task. */
  private static final InheritableThreadLocal<Actor> BOUND = new InheritableThreadLocal<>();

  /** This process's actor (a root, or a child JVM's actor) while one serves; written by serving actors. */
  private static volatile Actor processActor;

  private HostedActors() {}

  /** The actor the calling thread belongs to: its in-process actor, else the process's; or null. */
  static Actor current() {
    Actor hosted = bound();
    return hosted != null ? hosted : processActor;
  }

  /** {@code actor}, now serving, becomes the process's actor; returns the one it replaces. */
  static Actor becomeProcessActor(Actor actor) {
    Actor before = processActor;
    processActor = actor;
    return before;
  }

  /**
   * {@code actor} stops serving: the actor it replaced comes back unless that one is stopping too
   * (a second root in one process replaces the first while it runs, as tractor allows).
   */
  static void stepDown(Actor actor, Actor replaced) {
    if (processActor == actor) processActor = replaced != null && !replaced.isStopping() ? replaced : null;
  }

  private static final SpawnOptions.Backend JVM_DEFAULT =
      "in-process".equalsIgnoreCase(System.getProperty(SpawnOptions.BACKEND_PROPERTY, "").strip())
          ? SpawnOptions.Backend.IN_PROCESS
          : SpawnOptions.Backend.PROCESS;

  /**
   * {@code options} with an {@link SpawnOptions.Backend#INHERITED inherited} backend decided for
   * a spawn from the calling task: in-process inside an in-process actor, else this JVM's default.
   */
  static SpawnOptions resolveBackend(SpawnOptions options) {
    if (options.backend() != SpawnOptions.Backend.INHERITED) return options;
    return options.withBackend(bound() != null ? SpawnOptions.Backend.IN_PROCESS : JVM_DEFAULT);
  }

  /** The in-process actor the calling thread runs for, or null. */
  static Actor bound() {
    return Sc.taskTag() instanceof Actor a ? a : BOUND.get();
  }

  /**
   * Binds the calling task, every task of the nurseries it opens from now on, and every thread it
   * starts, to {@code actor}.
   */
  static void bind(Actor actor) {
    Sc.setTaskTag(actor);
    BOUND.set(actor);
  }

  /**
   * {@code loop}, with everything it runs bound to {@code actor}. An infected actor's loop is a
   * plain thread started by whichever thread first submits to it (a {@code ThreadPoolExecutor}
   * starts its worker lazily): it would inherit that thread's binding, or none, and its work would
   * then see another actor as current, or the process's.
   */
  static Executor bindingTo(Actor actor, Executor loop) {
    return new Executor() {
      @Override
      public void execute(Runnable command) {
        java.util.Objects.requireNonNull(command, "command");
        loop.execute(() -> runBound(actor, command));
      }

      @Override
      public String toString() {
        return loop.toString();
      }
    };
  }

  private static void runBound(Actor actor, Runnable command) {
    Actor before = BOUND.get();
    BOUND.set(actor);
    try {
      command.run();
    } finally {
      if (before == null) BOUND.remove();
      else BOUND.set(before);
    }
  }

  /** Drops the calling thread's binding. */
  static void unbind() {
    Sc.setTaskTag(null);
    BOUND.remove();
  }
}
