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

  TaskContext(Thread thread, CancelScope parentScope) {
    this.thread = thread;
    this.root = CancelScope.newRoot(this, parentScope);
    this.innermost = root;
  }

  /** The calling thread's context, created (with no enclosing scope) on first use. */
  static TaskContext current() {
    TaskContext c = CURRENT.get();
    if (c == null) {
      c = new TaskContext(Thread.currentThread(), null);
      CURRENT.set(c);
    }
    return c;
  }

  /** Installs a task's context on the thread that runs it; called first thing by the task. */
  void install() {
    CURRENT.set(this);
  }

  /** The scope a checkpoint on this thread would raise {@link Cancelled} for, or null. */
  CancelScope cancelTarget() {
    return CancelScope.cancelTarget(innermost);
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
    if (error == null) {
      return null;
    }
    if (error instanceof Cancelled c) {
      Throwable r = c.replacement();
      return r != null ? r : c;
    }
    if (Interrupts.isInterruptLike(error)) {
      CancelScope target = cancelTarget();
      if (target != null) {
        return raise(target);
      }
    }
    return error;
  }

  Cancelled raise(CancelScope target) {
    thread.interrupt();
    Cancelled c = new Cancelled(target);
    lastCancelled = c;
    return c;
  }
}
