package io.jtractor.sc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A region of code that can be cancelled as a unit, explicitly ({@link #cancel()}, from any
 * thread) or by a deadline, and that can shield its contents from cancellation outside it.
 *
 * <p>Prior art: trio's {@code CancelScope}. Semantics kept: cancellation is level-triggered (every
 * checkpoint inside a cancelled scope raises {@link Cancelled} until the code leaves it); {@code
 * Cancelled} unwinds to the outermost cancelled scope visible from where it was raised and is
 * absorbed there, neither earlier nor later; a scope cancelled before it is entered raises at the
 * first checkpoint inside it; tasks started in a nursery inside the scope are cancelled with it;
 * {@link #setShield(boolean) shield} hides cancellation of outer scopes from everything inside.
 *
 * <p>Where we deviate: a Java {@code try}-with-resources block cannot swallow the exception that
 * leaves its body, so a scope is entered by handing it a block: {@link #run(Block)} / {@link
 * #call(ValueBlock)}, or the helpers in {@link Sc} ({@code moveOnAfter}, {@code failAfter}). And
 * since the JVM has many threads, cancellation is delivered to blocked foreign code by interrupt
 * (see the package documentation). A scope may be entered once.
 *
 * <p>Deadlines are {@link Sc#currentTime()} values (monotonic nanoseconds); {@link #NO_DEADLINE}
 * means none. They can be set and changed before or while the scope runs.
 *
 * <p>Threads: {@code cancel}, the deadline and shield setters and all getters may be called from
 * any thread. The tree fields ({@code parent}, children, {@code owner}) change only under {@link
 * #TREE_LOCK}.
 */
public final class CancelScope {

  /** A deadline that never expires. */
  public static final long NO_DEADLINE = Long.MAX_VALUE;

  /**
   * Guards the scope tree of the whole JVM: links between scopes, each thread's innermost scope,
   * and the delivery of interrupts. Held only for short, non-blocking sections. One lock because a
   * cancellation walks across the stacks of many threads, and because an interrupt must never land
   * on a thread that has just left the scope it was meant for.
   */
  static final ReentrantLock TREE_LOCK = new ReentrantLock();

  /**
   * Counts the changes that can change what a checkpoint finds: a cancel, a deadline set, a
   * shield set on a running scope, a task's stack moved under another scope. Each is counted
   * after it is made, under TREE_LOCK (hence no lost update); read without it, so that a thread
   * that found nothing cancelled above a scope knows that answer holds while this count stays
   * ({@link TaskContext#cancelTarget}). Entering a scope or starting a task is no such change: the
   * new scope is on no one's walked stack yet, and its owner's innermost scope is a new one.
   */
  private static volatile long changes;

  /** Counts a change (TREE_LOCK held), once it is made. */
  private static void changed() {
    changes = changes + 1;
  }

  /** {@link #changes} now. */
  static long changes() {
    return changes;
  }

  /**
   * What {@link #cancelTargetOrClear} answers when nothing above the scope is cancelled and
   * nothing on the way has a deadline: an answer that holds until {@link #changes} moves. Never
   * entered, never linked.
   */
  static final CancelScope CLEAR = new CancelScope(false, "clear");

  private static final int NEW = 0;
  private static final int ENTERED = 1;
  private static final int EXITED = 2;

  // ---- configuration and status: any thread ----
  private volatile boolean cancelCalled;
  private volatile long deadline = NO_DEADLINE;
  private volatile boolean shield;
  /** Relative deadline given before entry, applied at entry; null if none. Guarded by TREE_LOCK. */
  private Duration pendingRelativeDeadline;
  /** Written once by the owner at exit; read by anyone after the scope is done. */
  private volatile boolean cancelledCaught;

  // ---- tree: guarded by TREE_LOCK (parent is volatile so that checkpoints can walk without it) ----
  private volatile int state = NEW;
  volatile CancelScope parent;
  private TaskContext owner;
  private CancelScope firstChild;
  private CancelScope prevSibling;
  private CancelScope nextSibling;
  private Deadlines.Timer timer;
  /** True for the hidden bottom scope of a thread, which is never cancelled itself. */
  private final boolean isRoot;
  private final String label;

  private CancelScope(boolean isRoot, String label) {
    this.isRoot = isRoot;
    this.label = label;
  }

  /** A new scope with no deadline, not yet entered. */
  public static CancelScope create() {
    return new CancelScope(false, null);
  }

  /**
   * A new scope with no deadline, shielded, not yet entered: what {@code create()} then {@code
   * setShield(true)} make, without the look at the tree that a change of shield needs once the
   * scope is entered ({@link Sc#shielded}: every socket write of the runtime is one).
   */
  static CancelScope createShielded() {
    CancelScope s = new CancelScope(false, null);
    s.shield = true; // on no one's stack yet: entering it reads the shield under the tree's lock
    return s;
  }

  /** A new scope with an absolute deadline (a {@link Sc#currentTime()} value). */
  public static CancelScope withDeadline(long deadline) {
    CancelScope s = create();
    s.deadline = deadline;
    return s;
  }

  /** A new scope whose deadline is {@code timeout} after the moment it is entered. */
  public static CancelScope withTimeout(Duration timeout) {
    CancelScope s = create();
    s.setRelativeDeadline(timeout);
    return s;
  }

  static CancelScope newRoot(TaskContext owner, CancelScope parentScope) {
    CancelScope s = new CancelScope(true, "root");
    s.owner = owner;
    s.state = ENTERED;
    if (parentScope != null) {
      TREE_LOCK.lock();
      try {
        if ((++parentScope.rootLinks & 63) == 0) parentScope.pruneDeadRoots();
        s.linkUnder(parentScope);
      } finally {
        TREE_LOCK.unlock();
      }
    }
    return s;
  }

  /** Roots linked under this scope so far; guarded by TREE_LOCK. */
  private int rootLinks;

  /**
   * Unlinks the roots of tasks that have ended. A task's end only marks its root dead (no lock:
   * the spawning thread and ending tasks would contend on it at every task), and the spawner
   * sweeps now and then (TREE_LOCK held).
   */
  private void pruneDeadRoots() {
    for (CancelScope c = firstChild; c != null; ) {
      CancelScope next = c.nextSibling;
      if (c.isRoot && c.state == EXITED) c.unlink();
      c = next;
    }
  }

  static CancelScope forNursery() {
    return new CancelScope(false, "nursery");
  }

  // --------------------------------------------------------------------------------------------
  // Running a block inside the scope

  /**
   * Enters this scope on the calling thread, runs {@code body}, and leaves the scope. A {@link
   * Cancelled} raised for this scope is absorbed here (see {@link #cancelledCaught()}); anything
   * else the body throws propagates unchanged (checked exceptions included).
   *
   * @throws IllegalStateException if this scope was entered before
   */
  public void run(Block<? super CancelScope> body) {
    Objects.requireNonNull(body, "body");
    call(
        s -> {
          body.run(s);
          return null;
        });
  }

  /**
   * Like {@link #run(Block)}, returning what the body returns, or null if the body was cancelled
   * and the cancellation absorbed here.
   */
  public <R> R call(ValueBlock<? super CancelScope, R> body) {
    Objects.requireNonNull(body, "body");
    TaskContext task = TaskContext.current();
    enter(task);
    R result = null;
    Throwable error = null;
    try {
      result = body.call(this);
    } catch (Throwable t) {
      error = t;
    }
    Throwable escaping = exit(task, task.classify(error));
    if (escaping != null) {
      throw Interrupts.sneakyThrow(escaping);
    }
    return result;
  }

  /** Pushes this scope on the calling thread's stack. */
  void enter(TaskContext task) {
    TREE_LOCK.lock();
    try {
      if (state != NEW) {
        throw new IllegalStateException(
            this + " was already entered; a cancel scope can be entered only once");
      }
      owner = task;
      linkUnder(task.innermost);
      task.innermost = this;
      state = ENTERED;
      if (pendingRelativeDeadline != null) {
        long d = saturatedAdd(System.nanoTime(), pendingRelativeDeadline);
        if (d < deadline) deadline = d;
        pendingRelativeDeadline = null;
      }
      rescheduleTimer();
      if (cancelTarget(this) != null) {
        task.thread.interrupt();
      } else if (shield) {
        Thread.interrupted(); // an interrupt meant for outside the shield is held back
      }
    } finally {
      TREE_LOCK.unlock();
    }
  }

  /**
   * Pops this scope from the owner's stack, deciding whether the exception leaving the body is a
   * cancellation absorbed here.
   *
   * @param escaping what leaves the body, already passed through {@link TaskContext#classify}
   *     while the scope was still on the stack
   * @return what must propagate: null if the body succeeded or its cancellation was absorbed
   */
  Throwable exit(TaskContext task, Throwable escaping) {
    TREE_LOCK.lock();
    try {
      if (task.innermost != this) {
        forceUnwindTo(task);
        throw new IllegalStateException(
            "cancel scopes exited out of order: " + this + " was not the innermost scope;"
                + " the scopes inside it were left by force");
      }
      boolean mine = cancelCalled || expired(System.nanoTime());
      CancelScope outer = cancelTarget(parent);
      leaveLocked(task);
      if (escaping instanceof Cancelled c && c.replacement() == null) {
        boolean visibleOuter = outer != null && !shield;
        if (mine || c.scope() == this) {
          if (visibleOuter) {
            escaping = task.raise(outer); // the outer cancelled scope absorbs it (trio's rule)
          } else {
            cancelledCaught = true;
            escaping = null;
          }
        } else if (c.scope().isDead() && !visibleOuter) {
          // The cancellation of a scope that was left without absorbing it (a
          // try-with-resources nursery whose own scope was cancelled): it ends here, but this
          // scope did not catch anything of its own.
          escaping = null;
        }
        if (escaping == null) {
          task.lastCancelled = null;
        }
      }
      // Keep the interrupt flag equal to "this thread is inside a cancelled scope".
      if (outer != null) {
        task.thread.interrupt();
      } else if (mine || shield) {
        Thread.interrupted();
      }
    } finally {
      TREE_LOCK.unlock();
    }
    return escaping;
  }

  /** Pops this scope (TREE_LOCK held, this scope innermost). */
  private void leaveLocked(TaskContext task) {
    unlink();
    task.innermost = parent;
    state = EXITED;
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  /**
   * Leaves, by force, every scope above this one on the owner's stack and then this one, so that a
   * thread on which scopes were misnested stays usable (TREE_LOCK held).
   */
  private void forceUnwindTo(TaskContext task) {
    boolean onStack = false;
    for (CancelScope s = task.innermost; s != null; s = s.parent) {
      if (s == this) {
        onStack = true;
        break;
      }
    }
    if (!onStack) {
      return;
    }
    while (task.innermost != this) {
      task.innermost.leaveLocked(task);
    }
    leaveLocked(task);
  }

  // --------------------------------------------------------------------------------------------
  // Cancellation

  /**
   * Cancels this scope: every checkpoint inside it raises {@link Cancelled} from now on, and every
   * thread blocked inside it (not behind a shield) is woken: interrupted, or unparked if it waits
   * in one of this package's own waits. Idempotent; any thread.
   */
  public void cancel() {
    if (cancelCalled) {
      return;
    }
    Wakes wakes = new Wakes();
    TREE_LOCK.lock();
    try {
      if (cancelCalled) {
        return;
      }
      cancelCalled = true;
      changed();
      if (state == ENTERED) {
        deliver(this, wakes);
      }
    } finally {
      TREE_LOCK.unlock();
    }
    wakes.unparkAll();
  }

  /**
   * Delivers a cancellation to every thread whose innermost scope is {@code s} or below it, shields
   * excepted: a thread parked in one of this package's waits ({@link TaskContext#parkedHere}) is
   * only noted in {@code wakes}, to be unparked once the lock is released; any other is
   * interrupted now, under the lock, so that the interrupt never lands after it left the scope.
   *
   * <p>Why the difference: a woken thread's way out of a cancelled scope takes this lock. Woken
   * under it, it would find the lock held by its waker and block at once, to be woken a second
   * time by the unlock: two switches more per cancel on one CPU, and on several another cross-CPU
   * wake-up (docs/design.md, "A cancel woke its task twice"). A parked waiter needs no interrupt
   * to see the cancel: it looks for one when its park ends ({@link Waiting#park}), and an unpark
   * that comes late, when it has left, is a spurious wake-up that every park tolerates.
   */
  private static void deliver(CancelScope s, Wakes wakes) {
    if (s.isRoot && s.state == EXITED) {
      return; // a task that has ended, not yet swept
    }
    if (s.owner != null && s.owner.innermost == s) {
      if (s.owner.parkedHere) {
        wakes.add(s.owner.thread);
      } else {
        s.owner.thread.interrupt();
      }
    }
    for (CancelScope c = s.firstChild; c != null; c = c.nextSibling) {
      if (!c.shield) {
        deliver(c, wakes);
      }
    }
  }

  /** Threads to unpark once {@link #TREE_LOCK} is released; confined to the cancelling thread. */
  private static final class Wakes {
    private Thread one;
    private List<Thread> more;

    void add(Thread t) {
      if (one == null) {
        one = t;
      } else {
        if (more == null) more = new ArrayList<>();
        more.add(t);
      }
    }

    void unparkAll() {
      if (one == null) return;
      LockSupport.unpark(one);
      if (more != null) more.forEach(LockSupport::unpark);
    }
  }

  /** Called by the deadline timer. */
  void expireIfDue() {
    if (expired(System.nanoTime())) {
      cancel();
    }
  }

  private boolean expired(long now) {
    long d = deadline;
    return d != NO_DEADLINE && d <= now;
  }

  /**
   * The outermost cancelled scope visible from {@code from}: walk outwards, stopping after a
   * shielded scope. Null if nothing is cancelled. Safe without the lock (volatile reads); a scope
   * whose deadline has passed is cancelled on the way.
   */
  static CancelScope cancelTarget(CancelScope from) {
    CancelScope target = cancelTargetOrClear(from);
    return target == CLEAR ? null : target;
  }

  /**
   * {@link #cancelTarget}, or {@link #CLEAR} where it would be null and no scope on the way has a
   * deadline (which could pass without a change being counted).
   */
  static CancelScope cancelTargetOrClear(CancelScope from) {
    CancelScope target = null;
    long now = 0;
    boolean deadlines = false;
    for (CancelScope s = from; s != null; s = s.parent) {
      if (s.cancelCalled) {
        target = s;
      } else if (s.deadline != NO_DEADLINE) {
        deadlines = true;
        if (now == 0) now = System.nanoTime();
        if (s.expired(now)) {
          s.cancel();
          target = s;
        }
      }
      if (s.shield) {
        break;
      }
    }
    return target == null && !deadlines ? CLEAR : target;
  }

  // --------------------------------------------------------------------------------------------
  // Tree links (TREE_LOCK held)

  private void linkUnder(CancelScope p) {
    parent = p;
    if (p != null) {
      nextSibling = p.firstChild;
      if (nextSibling != null) nextSibling.prevSibling = this;
      p.firstChild = this;
    }
  }

  private void unlink() {
    CancelScope p = parent;
    if (p == null) return;
    if (prevSibling != null) {
      prevSibling.nextSibling = nextSibling;
    } else if (p.firstChild == this) {
      p.firstChild = nextSibling;
    }
    if (nextSibling != null) nextSibling.prevSibling = prevSibling;
    prevSibling = null;
    nextSibling = null;
  }

  /**
   * Moves a task's root scope under another scope (at {@code started()}), unless the task is
   * cancelled where it is now; then re-delivers any cancellation of its new place.
   *
   * @return false if the task was left where it is because it is cancelled there
   */
  boolean reparentUnlessCancelled(CancelScope newParent) {
    TREE_LOCK.lock();
    try {
      if (cancelTarget(parent) != null) {
        return false;
      }
      unlink();
      linkUnder(newParent);
      changed(); // the task's whole stack now hangs elsewhere
      if (cancelTarget(owner.innermost) != null) {
        owner.thread.interrupt();
      }
      return true;
    } finally {
      TREE_LOCK.unlock();
    }
  }

  /**
   * Marks a finished task's root scope dead and unlinks it from the tree if the lock is free at
   * once; a task's end never waits for the lock (a spawning thread holds it at every spawn), and a
   * root left linked is swept by the next spawns under the same parent ({@link #pruneDeadRoots}).
   */
  void detachRoot() {
    state = EXITED;
    if (parent != null && TREE_LOCK.tryLock()) {
      try {
        unlink();
      } finally {
        TREE_LOCK.unlock();
      }
    }
  }

  /**
   * How many scopes are linked directly under this one: entered inner scopes, the root scopes of
   * tasks started in a nursery with this scope, and those of tasks that ended and are not yet
   * swept (at most 63 per parent). For tests.
   */
  int linkedChildCount() {
    TREE_LOCK.lock();
    try {
      int n = 0;
      for (CancelScope c = firstChild; c != null; c = c.nextSibling) n++;
      return n;
    } finally {
      TREE_LOCK.unlock();
    }
  }

  boolean isDead() {
    return state == EXITED;
  }

  // --------------------------------------------------------------------------------------------
  // Deadlines and shield

  /** The absolute deadline, or {@link #NO_DEADLINE}. */
  public long deadline() {
    return deadline;
  }

  /**
   * Sets the absolute deadline (a {@link Sc#currentTime()} value; {@link #NO_DEADLINE} for none).
   * Takes effect at once if the scope is running: a deadline already past cancels it.
   */
  public void setDeadline(long newDeadline) {
    TREE_LOCK.lock();
    try {
      deadline = newDeadline;
      changed();
      pendingRelativeDeadline = null;
      if (state == ENTERED) {
        rescheduleTimer();
      }
    } finally {
      TREE_LOCK.unlock();
    }
    if (state == ENTERED) {
      expireIfDue();
    }
  }

  /**
   * The deadline relative to now: before entry, the timeout given to {@link
   * #setRelativeDeadline}; once entered, the time left (negative once past). Null if there is no
   * deadline.
   */
  public Duration relativeDeadline() {
    TREE_LOCK.lock();
    try {
      if (pendingRelativeDeadline != null) return pendingRelativeDeadline;
    } finally {
      TREE_LOCK.unlock();
    }
    long d = deadline;
    return d == NO_DEADLINE ? null : Duration.ofNanos(d - System.nanoTime());
  }

  /**
   * Sets the deadline relative to now: before entry, {@code timeout} counts from the moment of
   * entry (as trio's {@code relative_deadline}); once entered, from this call.
   *
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  public void setRelativeDeadline(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative: " + timeout);
    }
    TREE_LOCK.lock();
    try {
      if (state == NEW) {
        pendingRelativeDeadline = timeout;
        return;
      }
    } finally {
      TREE_LOCK.unlock();
    }
    setDeadline(saturatedAdd(System.nanoTime(), timeout));
  }

  private void rescheduleTimer() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
    long d = deadline;
    if (d != NO_DEADLINE && !cancelCalled) {
      timer = Deadlines.schedule(this, d);
    }
  }

  /** Whether this scope shields its contents from cancellation of outer scopes. */
  public boolean shield() {
    return shield;
  }

  /**
   * Turns the shield on or off; may be changed while the scope runs. Turning it off exposes the
   * contents to any cancellation already pending outside. While the scope runs, turn the shield on
   * from the thread that runs it: from another thread, an interrupt already delivered to that
   * thread for an outer cancellation cannot be taken back, and foreign blocking code inside the
   * shield would still see it.
   */
  public void setShield(boolean on) {
    Wakes wakes = new Wakes();
    TREE_LOCK.lock();
    try {
      shield = on;
      if (state != ENTERED) return; // on no one's stack yet, or off every stack
      changed();
      if (!on) {
        if (cancelTarget(this) != null) deliver(this, wakes);
      } else if (owner != null && owner.thread == Thread.currentThread() && cancelTarget(owner.innermost) == null) {
        Thread.interrupted();
      }
    } finally {
      TREE_LOCK.unlock();
    }
    wakes.unparkAll();
  }


  // --------------------------------------------------------------------------------------------
  // Status

  /** Whether {@link #cancel()} was called or the deadline expired. */
  public boolean cancelCalled() {
    return cancelCalled || (state == ENTERED && expired(System.nanoTime()));
  }

  /** Whether this scope absorbed a {@link Cancelled} when its body finished. */
  public boolean cancelledCaught() {
    return cancelledCaught;
  }

  @Override
  public String toString() {
    String kind = label != null ? label : "CancelScope";
    return kind + "@" + Integer.toHexString(System.identityHashCode(this))
        + (cancelCalled ? "[cancelled]" : "")
        + (shield ? "[shield]" : "");
  }

  /**
   * A snapshot of this scope for {@link TaskTree}: the child scopes, and the thread whose bottom
   * scope this is (null for an inner scope). Under the tree lock.
   */
  record Snapshot(String label, boolean cancelled, boolean shield, long deadline, Thread thread, List<CancelScope> children) {}

  Snapshot snapshot() {
    TREE_LOCK.lock();
    try {
      List<CancelScope> kids = new ArrayList<>();
      for (CancelScope c = firstChild; c != null; c = c.nextSibling) kids.add(c);
      return new Snapshot(label, cancelCalled(), shield, deadline, isRoot && owner != null ? owner.thread : null, kids);
    } finally {
      TREE_LOCK.unlock();
    }
  }

  /** {@code now + d}, saturating below {@link #NO_DEADLINE}. */
  static long saturatedAdd(long now, Duration d) {
    long nanos;
    try {
      nanos = d.toNanos();
    } catch (ArithmeticException tooLong) {
      return NO_DEADLINE;
    }
    long sum = now + nanos;
    return (nanos > 0 && sum < now) || sum == NO_DEADLINE ? NO_DEADLINE - 1 : sum;
  }
}
