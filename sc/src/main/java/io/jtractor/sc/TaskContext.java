package io.jtractor.sc;

/**
 * What this package knows about one thread: its stack of cancel scopes. Every task started by a
 * {@link Nursery} gets one before its body runs; any other thread that calls into this package
 * (a {@code main} thread, a JUnit thread) gets one on first use, with no enclosing scope.
 *
 * <p>The bottom of every stack is a hidden {@link #root} scope that is never cancelled itself.
 * For a task, the root hangs under the scope of the nursery that started it, which is how
 * cancellation travels from a nursery to its children; {@link Nursery#start} moves the root once,
 * when the task reports {@code started}.
 */
final class TaskContext {
  /** A task's context, bound for the whole run of the task (no per-thread map to create). */
  private static final ScopedValue<TaskContext> TASK = ScopedValue.newInstance();

  /** Any other thread's context, created on first use. */
  private static final ThreadLocal<TaskContext> CURRENT = new ThreadLocal<>();

  /** The thread this context belongs to. */
  final Thread thread;

  /** Bottom of this thread's scope stack; its parent is the spawning scope (null for foreign threads). */
  final CancelScope root;

  /**
   * Top of this thread's scope stack. Written only by {@link #thread}, always under {@link
   * CancelScope#TREE_LOCK}; read by that thread freely and by cancelling threads under the lock.
   */
  CancelScope innermost;

  /**
   * The last {@link Cancelled} raised on this thread. Written and read only by {@link #thread};
   * lets a try-with-resources {@link Nursery} find the cancellation that is unwinding its body.
   */
  Cancelled lastCancelled;

  /**
   * A failure that a try-with-resources {@link Nursery} raised from {@code close()} while the body
   * may have been unwinding by something Java would put it behind (an interrupt-like exception).
   * The next scope boundary on this thread consumes it: it replaces an interrupt-like exception or
   * a dead scope's {@link Cancelled}, and is dropped otherwise. Only {@link #thread} touches it.
   */
  Throwable pendingFailure;

  /**
   * Whether {@link #thread} is parked, or about to park, in one of this package's own waits
   * ({@link Waiting#park}): a cancellation then unparks it once the scope tree's lock is released,
   * instead of interrupting it under the lock. Written by {@link #thread}, read by cancelling
   * threads under {@link CancelScope#TREE_LOCK}. Volatile: the wait clears it and then looks for a
   * cancellation, the canceller cancels and then looks at it, so at least one of them sees the
   * other.
   */
  volatile boolean parkedHere;

  /** What this thread does with its waits ({@link Sc#setParkHook}); only {@link #thread} touches it. */
  Sc.ParkHook parkHook;

  /**
   * The task's tag ({@link Sc#taskTag()}): a task starts with the tag its nursery's owner had when
   * it opened the nursery. Written by the spawning thread before the task's thread starts, then
   * only by {@link #thread}; read by {@link #thread} (and by a nursery opened on it, on it).
   */
  Object tag;

  TaskContext(Thread thread, CancelScope parentScope) {
    this.thread = thread;
    this.root = CancelScope.newRoot(this, parentScope);
    this.innermost = root;
  }

  /** The calling thread's context, created (with no enclosing scope) on first use. */
  static TaskContext current() {
    if (TASK.isBound()) {
      return TASK.get();
    }
    TaskContext c = CURRENT.get();
    if (c == null) {
      c = new TaskContext(Thread.currentThread(), null);
      CURRENT.set(c);
    }
    return c;
  }

  /** The calling thread's tag, or null; creates no context for a thread that has none. */
  static Object currentTag() {
    if (TASK.isBound()) return TASK.get().tag;
    TaskContext c = CURRENT.get();
    return c == null ? null : c.tag;
  }

  /** Runs {@code body} as this task: {@link #current()} is this context inside it. */
  void runAs(Runnable body) {
    ScopedValue.where(TASK, this).run(body);
  }

  /**
   * The last walk that found nothing cancelled above a scope and no deadline on the way, with
   * {@link CancelScope#changes} as it was before that walk: while neither the scope nor the count
   * moved, a checkpoint needs no walk. Written and read by {@link #thread}; immutable, so a stray
   * reader on another thread sees a whole one or none.
   */
  private Clear clear;

  private record Clear(CancelScope from, long changes) {}

  /**
   * The scope a checkpoint on this thread would raise {@link Cancelled} for, or null. Walks the
   * stack of scopes only when something changed since the last walk that found it clear: a
   * checkpoint is paid on every item a task sends or takes, and its stack can be a dozen deep.
   */
  CancelScope cancelTarget() {
    CancelScope from = innermost;
    long changes = CancelScope.changes(); // before the walk: a change during it is seen next time
    Clear c = clear;
    if (c != null && c.from == from && c.changes == changes) return null;
    CancelScope target = CancelScope.cancelTargetOrClear(from);
    if (target != CancelScope.CLEAR) return target;
    clear = new Clear(from, changes);
    return null;
  }

  /**
   * A checkpoint: raises {@link Cancelled} if an enclosing scope is cancelled. Also sets the
   * interrupt flag, so that foreign blocking code in cleanup code sees the cancellation too.
   */
  void checkCancelled() {
    CancelScope target = cancelTarget();
    if (target != null) {
      throw raise(target);
    }
  }

  /**
   * What a scope boundary on this thread should make of {@code error}: a {@link Cancelled} for a
   * try-with-resources nursery that failed becomes that failure; an interrupt-like exception
   * (see {@link Interrupts#isInterruptLike}) thrown while this thread is inside a cancelled scope
   * becomes a {@code Cancelled}; anything else is itself. Null stays null.
   */
  Throwable classify(Throwable error) {
    Throwable pending = pendingFailure;
    pendingFailure = null;
    if (error == null) {
      return null;
    }
    Cancelled c = Interrupts.findCancelled(error);
    if (c != null) {
      Throwable r = c.replacement();
      if (r != null) return r;
      if (pending != null && c.scope().isDead()) return pending;
      return c;
    }
    if (pending != null && Interrupts.isInterruptLike(error)) {
      return pending;
    }
    if (Interrupts.isInterruptLike(error)) {
      CancelScope target = cancelTarget();
      if (target != null) {
        return raise(target);
      }
    }
    return error;
  }

  /**
   * For a blocking call of ours woken by an interrupt: raises {@link Cancelled} if a scope is
   * cancelled. An interrupt that no scope explains is ignored on a task's thread (it is stale: a
   * shield or a scope exit already accounted for it), but on any other thread it came from outside
   * this package (an executor shutting down, a test timeout), and it aborts the call: {@code
   * Cancelled} for the thread's bottom scope, which no scope absorbs, with the interrupt flag set
   * again.
   */
  void onInterrupt() {
    CancelScope target = cancelTarget();
    if (target != null) {
      throw raise(target);
    }
    if (root.parent == null) {
      throw raise(root);
    }
  }

  Cancelled raise(CancelScope target) {
    thread.interrupt();
    Cancelled c = new Cancelled(target);
    lastCancelled = c;
    return c;
  }
}
