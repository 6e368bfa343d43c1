package io.jtractor.sc;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A scope that owns concurrent child tasks, each on its own virtual thread: nothing started in a
 * nursery outlives it.
 *
 * <p>Prior art: trio's nursery ({@code open_nursery}). Semantics kept: the nursery waits for every
 * child before it is done; when a child fails (or the body does), the nursery's {@link
 * #cancelScope() scope} is cancelled, which cancels the body and every other child; once all have
 * finished, the failures are raised: one as itself, several as an {@link ExceptionGroup}. A {@link
 * Cancelled} is never a failure and never goes into a group. {@link #start(StartableTask)} runs a
 * task under the caller until it reports {@link TaskStatus#started(Object)}. Children may start
 * more children in the same nursery while it waits; once it is done it accepts no new task.
 *
 * <h2>Two ways in</h2>
 *
 * <ul>
 *   <li>{@link #run(Block)} / {@link #call(ValueBlock)}: the body is a lambda. This is the exact
 *       port of {@code async with open_nursery() as n:}, including a body cancelled because a
 *       child failed, which ends with that child's failure.
 *   <li>{@link #open()} in try-with-resources, in the style of the JDK's {@code
 *       StructuredTaskScope}: the body must end with {@link #join()}, which waits and raises the
 *       failures. Java does not tell {@link #close()} whether the body is leaving by an exception,
 *       so a body that leaves without {@code join()} is treated as having failed: the children
 *       are cancelled, and if nothing else is propagating, {@code close()} raises {@link
 *       IllegalStateException}. If the body is cancelled because a child failed, the {@link
 *       Cancelled} that unwinds it carries the failure ({@link Cancelled#replacement()}) and every
 *       boundary of this package (a task, a cancel scope, an enclosing nursery) raises the failure
 *       in its place; at the very top of a thread prefer {@code run}.
 * </ul>
 *
 * <p>Threads: {@link #startSoon}, {@link #start}, {@link #cancel()} and the getters may be called
 * from any thread; {@code join} and {@code close} only by the thread that opened the nursery.
 */
public final class Nursery implements AutoCloseable {

  /** Unnamed, like the JDK's own virtual threads: naming each would cost a string per task. */
  private static final ThreadFactory UNNAMED_TASKS = Thread.ofVirtual().factory();

  private static final int OPEN = 0; // the body runs
  private static final int JOINING = 1; // the body is done, children may still run and start others
  private static final int JOINED = 2; // all children done; closed to new arrivals
  private static final int CLOSED = 3; // the nursery's scope has been left

  private final CancelScope scope;
  private final TaskContext owner;
  /** The owner's tag when the nursery opened: every task started here starts with it. */
  private final Object tag;
  /** True for a nursery opened by {@link #run} / {@link #call}, whose end is not the body's to call. */
  private final boolean scoped;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition idle = lock.newCondition();
  /**
   * Children running plus starts not yet resolved, and the closed flag, in one atomic word: a
   * spawn and a task's end take no lock (10k spawns contended on one otherwise). Any thread;
   * waiting for zero uses {@link #lock} and {@link #idle}.
   */
  private final AtomicInteger ctl = new AtomicInteger();
  /** In {@link #ctl}: set once the nursery is closed to new arrivals; the rest counts children. */
  private static final int CLOSED_BIT = 1 << 30;
  /** One of OPEN, JOINING, JOINED, CLOSED. Guarded by {@link #lock}; read racily by {@link #close()}. */
  private volatile int state = OPEN;
  /** Failures of the body and the children, in order. Guarded by {@link #lock}. */
  private final List<Throwable> failures = new ArrayList<>();
  /** A child ended by the cancellation of a scope outside this nursery. Guarded by {@link #lock}. */
  private Cancelled childCancelled;
  /**
   * Threads whose task has finished but that may not have terminated yet: joined before the
   * nursery is done. Those that have terminated are dropped as other children finish, so a
   * long-lived nursery holds only the few threads ending right now. Any thread.
   */
  private final ConcurrentLinkedQueue<Thread> finishedThreads = new ConcurrentLinkedQueue<>();

  private Nursery(TaskContext owner, boolean scoped) {
    this.owner = owner;
    this.tag = owner.tag;
    this.scoped = scoped;
    this.scope = CancelScope.forNursery();
    scope.enter(owner);
  }

  // --------------------------------------------------------------------------------------------
  // Opening

  /**
   * Opens a nursery, runs {@code body} in it, waits for every child and raises the failures (one
   * as itself, several as an {@link ExceptionGroup}).
   */
  public static void run(Block<? super Nursery> body) {
    Objects.requireNonNull(body, "body");
    call(
        n -> {
          body.run(n);
          return null;
        });
  }

  /** Like {@link #run(Block)}, returning what the body returns (null if the body was cancelled). */
  public static <R> R call(ValueBlock<? super Nursery, R> body) {
    Objects.requireNonNull(body, "body");
    Nursery n = new Nursery(TaskContext.current(), true);
    R result = null;
    Throwable error = null;
    try {
      result = body.call(n);
    } catch (Throwable t) {
      error = t;
    }
    Throwable escaping = n.finish(error);
    if (escaping != null) {
      throw Interrupts.sneakyThrow(escaping);
    }
    return result;
  }

  /**
   * Runs {@code body} in {@code existing} if it is not null, else in a new nursery that closes
   * when the body ends (tractor's {@code trionics.maybe_open_nursery}): for code that may be handed
   * a nursery to start its tasks in, or must otherwise supervise them itself.
   */
  public static void maybeOpen(Nursery existing, Block<? super Nursery> body) {
    Objects.requireNonNull(body, "body");
    if (existing == null) {
      run(body);
      return;
    }
    try {
      body.run(existing);
    } catch (Exception e) {
      throw Interrupts.sneakyThrow(e);
    }
  }

  /**
   * Opens a nursery for try-with-resources; the body must end with {@link #join()}. See the class
   * documentation for why, and prefer {@link #run(Block)} where a lambda fits.
   */
  public static Nursery open() {
    return new Nursery(TaskContext.current(), false);
  }

  // --------------------------------------------------------------------------------------------
  // Starting tasks

  /** Starts {@code task} as a child, on a new virtual thread, and returns at once. */
  public void startSoon(Task task) {
    startSoon(null, task);
  }

  /**
   * Starts {@code task} as a child named {@code name} (the thread's name; null for a generated
   * one) and returns at once.
   *
   * @throws IllegalStateException if the nursery is closed to new arrivals
   */
  public void startSoon(String name, Task task) {
    Objects.requireNonNull(task, "task");
    admit();
    spawn(name, scope, task, null, false);
  }

  /**
   * Like {@link #startSoon(String, Task)}, but on a platform (daemon) thread. For a task that
   * spends its life blocked in foreign I/O and wants the kernel to wake it directly, without the
   * hand-off from the JDK's I/O poller to a carrier thread that a virtual thread needs (a message
   * loop reading a socket). Cancellation reaches it by interrupt as usual, but note that
   * interrupting a platform thread does not unblock a socket read: close the socket to stop it.
   */
  public void startSoonOnPlatformThread(String name, Task task) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(task, "task");
    admit();
    spawn(name, scope, task, null, true);
  }

  /**
   * Starts {@code task} and waits until it calls {@link TaskStatus#started(Object)}, returning the
   * value it reports. Until then the task runs under the caller's cancel scopes and its failure is
   * raised here, to the caller; once started it is a child of this nursery like any other. A task
   * that returns without calling {@code started} is an error ({@link IllegalStateException}).
   * The caller may be any thread, inside the nursery or not. If the caller is cancelled while
   * waiting, the task is cancelled too and this raises {@link Cancelled} once it has finished.
   *
   * @throws IllegalStateException if the nursery is closed to new arrivals
   */
  public <T> T start(StartableTask<T> task) {
    return start(null, task);
  }

  /** {@link #start(StartableTask)} with a name for the task's thread. */
  public <T> T start(String name, StartableTask<T> task) {
    Objects.requireNonNull(task, "task");
    TaskContext caller = TaskContext.current();
    caller.checkCancelled();
    admit();
    StartHandshake<T> handshake = new StartHandshake<>();
    spawn(name, caller.innermost, null, new PendingStart<>(task, handshake), false);
    return handshake.await(caller);
  }

  private void admit() {
    while (true) {
      int c = ctl.get();
      if ((c & CLOSED_BIT) != 0) {
        throw new IllegalStateException("this nursery is closed to new arrivals");
      }
      if (ctl.compareAndSet(c, c + 1)) break;
    }
  }

  /** One child (or pending start) fewer; wakes the waiter when none is left. */
  private void release() {
    if ((ctl.decrementAndGet() & ~CLOSED_BIT) == 0) {
      lock.lock();
      try {
        idle.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  private void spawn(String name, CancelScope parentScope, Task task, PendingStart<?> pending, boolean platform) {
    Child child = new Child(task, pending);
    Thread thread;
    try {
      thread =
          platform
              ? Thread.ofPlatform().daemon().name(name).unstarted(child)
              : name == null ? UNNAMED_TASKS.newThread(child) : Thread.ofVirtual().name(name).unstarted(child);
      child.context = new TaskContext(thread, parentScope);
      child.context.tag = tag;
      thread.start();
    } catch (Throwable t) {
      if (child.context != null) child.context.root.detachRoot();
      release();
      throw t;
    }
  }

  /** The body of every child thread. */
  private final class Child implements Runnable {
    /**
     * The work, and then what it ran in. Written by the spawning thread before the thread starts
     * and cleared by the child's own thread when it is done: a thread that ends after the
     * nursery's last look at it (see {@link #finishedThreads}) then holds on to nothing.
     */
    private Task task;
    private PendingStart<?> pending;
    TaskContext context;

    Child(Task task, PendingStart<?> pending) {
      this.task = task;
      this.pending = pending;
    }

    @Override
    public void run() {
      try {
        context.runAs(this::runTask);
      } finally {
        task = null;
        pending = null;
        context = null;
      }
    }

    private void runTask() {
      TaskContext ctx = context;
      Task task = this.task;
      PendingStart<?> pending = this.pending;
      if (ctx.cancelTarget() != null) {
        Thread.currentThread().interrupt(); // cancelled before it ran: foreign code sees it too
      }
      Throwable error = null;
      try {
        if (pending != null) {
          pending.run(ctx, Nursery.this);
        } else {
          task.run();
        }
      } catch (Throwable t) {
        error = t;
      }
      Throwable outcome = ctx.classify(error);
      ctx.root.detachRoot();
      if (pending != null && !pending.handshake.isMoved()) {
        pending.handshake.fail(outcome);
        childFinished(null);
      } else {
        childFinished(outcome);
      }
    }
  }

  private void childFinished(Throwable outcome) {
    boolean failure = outcome != null && !(outcome instanceof Cancelled);
    if (failure) {
      scope.cancel(); // siblings and body first, then bookkeeping
    }
    if (outcome != null) {
      lock.lock();
      try {
        if (failure) {
          addFailureLocked(outcome);
        } else if (outcome instanceof Cancelled c
            && c.scope() != scope
            && !c.scope().isDead()
            && childCancelled == null) {
          childCancelled = c;
        }
      } finally {
        lock.unlock();
      }
    }
    trimFinishedThreads();
    finishedThreads.add(Thread.currentThread()); // before the count drops: the waiter joins it
    release();
  }

  /** Adds a failure unless the very same exception is already there (the body may rethrow a child's). */
  private void addFailureLocked(Throwable t) {
    if (!containsSame(failures, t)) failures.add(t);
  }

  private static boolean containsSame(List<Throwable> list, Throwable t) {
    for (Throwable x : list) {
      if (x == t) return true;
    }
    return false;
  }

  // --------------------------------------------------------------------------------------------
  // Finishing

  /**
   * Waits for every child, then raises the failures: one as itself, several as an {@link
   * ExceptionGroup}. After this the nursery accepts no new task. For the try-with-resources form;
   * the owner thread only, once.
   *
   * @throws IllegalStateException if called twice, after {@code close}, or from another thread
   */
  public void join() {
    checkOwner("join()");
    checkNotScoped("join()");
    if (state != OPEN) {
      throw new IllegalStateException("join() may be called once, before close()");
    }
    Throwable escaping = waitForChildren();
    if (escaping instanceof Cancelled c) {
      if (c.scope() == scope) {
        return; // this nursery was cancelled, its children absorbed it
      }
      escaping = owner.raise(c.scope());
    }
    if (escaping != null) {
      throw Interrupts.sneakyThrow(escaping);
    }
  }

  /**
   * Leaves the nursery. After {@link #join()} this only leaves the nursery's scope. Without it,
   * the body is taken to have ended early: the children are cancelled and waited for, and their
   * failures raised, or an {@link IllegalStateException} if there were none (Java attaches either
   * to an exception already leaving the body). Idempotent.
   */
  @Override
  public void close() {
    if (state == CLOSED) {
      return;
    }
    checkOwner("close()");
    checkNotScoped("close()");
    Throwable escaping = null;
    if (state != JOINED) {
      scope.cancel();
      escaping = waitForChildren();
      Cancelled unwinding = owner.lastCancelled;
      if (escaping != null && !(escaping instanceof Cancelled)) {
        // Java will rethrow whatever is leaving the body and attach our failure to it, or drop it
        // (Cancelled allows no suppression). Make sure the failure still reaches the next boundary.
        if (unwinding != null) {
          unwinding.replaceWith(escaping);
        } else {
          owner.pendingFailure = escaping;
        }
      } else {
        escaping =
            new IllegalStateException(
                "nursery closed before join(): either its body is ending by an exception, or"
                    + " it forgot join(); its remaining children were cancelled");
      }
    }
    state = CLOSED;
    Throwable left = scope.exit(owner, null);
    if (escaping == null) {
      escaping = left;
    }
    if (escaping != null) {
      throw Interrupts.sneakyThrow(escaping);
    }
  }

  /** The end of a {@link #call} body: record its outcome, wait, leave the scope. */
  private Throwable finish(Throwable bodyError) {
    Throwable body = owner.classify(bodyError);
    if (body != null && !(body instanceof Cancelled)) {
      scope.cancel();
      lock.lock();
      try {
        if (!containsSame(failures, body)) failures.addFirst(body);
      } finally {
        lock.unlock();
      }
    }
    Throwable collected = waitForChildren();
    state = CLOSED;
    if (collected == null && body instanceof Cancelled) {
      collected = body;
    }
    return scope.exit(owner, collected);
  }

  /**
   * Waits (without being cancellable: cancelled children finish on their own) until no child is
   * running, joins their threads, and returns what the children left: the failure or group, else
   * a cancellation from outside, else null.
   */
  private Throwable waitForChildren() {
    List<Throwable> failed;
    Cancelled cancelled;
    if ((ctl.get() & ~CLOSED_BIT) != 0) Waiting.beforeBlock(TaskContext.current()); // children left: it will wait
    lock.lock();
    try {
      if (state == OPEN) state = JOINING;
      // Close to new arrivals exactly when no child is left: a child may start another until then.
      while (!ctl.compareAndSet(0, CLOSED_BIT)) {
        if ((ctl.get() & CLOSED_BIT) != 0) break; // closed already (join() then close())
        if ((ctl.get() & ~CLOSED_BIT) != 0) idle.awaitUninterruptibly();
      }
      state = JOINED;
      failed = List.copyOf(failures);
      cancelled = childCancelled;
    } finally {
      lock.unlock();
    }
    joinFinishedThreads();
    if (failed.size() == 1) {
      return failed.getFirst();
    }
    if (failed.size() > 1) {
      return new ExceptionGroup("several tasks of a nursery failed", failed);
    }
    return cancelled;
  }

  private void joinFinishedThreads() {
    boolean interrupted = false;
    for (Thread t; (t = finishedThreads.poll()) != null; ) {
      while (true) {
        try {
          t.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Forgets finished threads that have terminated, wherever they are in the queue, so that a
   * long-lived nursery keeps no record of its past children: each finishing child does this. The
   * queue holds only threads still ending, so the sweep reads few. Not from the head only: one
   * thread slow to end (its carrier taken by others, on a busy machine) would then keep every
   * thread queued behind it (seen: 791 kept after 5,000 children, where at most 50 ran at once).
   */
  private void trimFinishedThreads() {
    finishedThreads.removeIf(t -> !t.isAlive());
  }

  private void checkNotScoped(String what) {
    if (scoped) {
      throw new IllegalStateException(what + " is for a nursery from open(); run() and call() end the nursery themselves");
    }
  }

  private void checkOwner(String what) {
    if (Thread.currentThread() != owner.thread) {
      throw new IllegalStateException(what + " must be called by the thread that opened the nursery");
    }
  }

  // --------------------------------------------------------------------------------------------
  // Cancellation and status

  /** The nursery's own scope: cancelling it cancels the body and every child. */
  public CancelScope cancelScope() {
    return scope;
  }

  /** Cancels the body and every child; the nursery absorbs the cancellation. Any thread. */
  public void cancel() {
    scope.cancel();
  }

  /** Children running now, counting starts that have not yet reported {@code started}. */
  public int activeCount() {
    return ctl.get() & ~CLOSED_BIT;
  }

  /**
   * How many finished children's threads this nursery still holds, to join them before it is
   * done. Stays small however many children have come and gone: only threads that were still
   * ending when the last child finished are kept. For diagnostics and leak tests.
   */
  public int retainedThreadCount() {
    return finishedThreads.size();
  }

  /** Whether the nursery still accepts new tasks. */
  public boolean isOpen() {
    return state < JOINED;
  }

  // --------------------------------------------------------------------------------------------
  // start() machinery

  /** A task started with {@link #start}: runs it with a status that moves it into the nursery. */
  private record PendingStart<T>(StartableTask<T> task, StartHandshake<T> handshake) {
    void run(TaskContext ctx, Nursery nursery) throws Exception {
      task.run(
          value -> {
            if (Thread.currentThread() != ctx.thread) {
              throw new IllegalStateException("started() must be called by the started task itself");
            }
            if (!handshake.claim()) {
              throw new IllegalStateException("started() was already called");
            }
            // As trio: a task whose caller is already cancelled is not moved; it stays under the
            // caller, is cancelled there, and start() raises the caller's Cancelled.
            if (ctx.root.reparentUnlessCancelled(nursery.scope)) {
              handshake.complete(value);
            } else {
              handshake.keep(value);
            }
          });
    }
  }

  /** Between {@code start} and its task: the value, or why there is none. */
  private static final class StartHandshake<T> {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition resolved = lock.newCondition();
    private boolean claimed; // guarded by lock: started() was called
    private boolean moved; // guarded by lock: the task now belongs to the nursery
    private boolean done; // guarded by lock
    private T value; // guarded by lock
    private Throwable failure; // guarded by lock

    boolean claim() {
      lock.lock();
      try {
        if (claimed) return false;
        claimed = true;
        return true;
      } finally {
        lock.unlock();
      }
    }

    boolean isMoved() {
      lock.lock();
      try {
        return moved;
      } finally {
        lock.unlock();
      }
    }

    /** started() while the caller was cancelled: remember the value, resolve when the task ends. */
    void keep(T v) {
      lock.lock();
      try {
        value = v;
      } finally {
        lock.unlock();
      }
    }

    void complete(T v) {
      lock.lock();
      try {
        value = v;
        moved = true;
        done = true;
        resolved.signalAll();
      } finally {
        lock.unlock();
      }
    }

    void fail(Throwable outcome) {
      lock.lock();
      try {
        failure =
            outcome != null || claimed
                ? outcome
                : new IllegalStateException("task returned without calling started()");
        done = true;
        resolved.signalAll();
      } finally {
        lock.unlock();
      }
    }

    T await(TaskContext caller) {
      Throwable f;
      T v;
      if (!done) Waiting.beforeBlock(caller);
      lock.lock();
      try {
        while (!done) {
          resolved.awaitUninterruptibly();
        }
        f = failure;
        v = value;
      } finally {
        lock.unlock();
      }
      if (f instanceof Cancelled c) {
        throw caller.raise(c.scope());
      }
      if (f != null) {
        throw Interrupts.sneakyThrow(f);
      }
      caller.checkCancelled(); // started while the caller was cancelled and not moved
      return v;
    }
  }

  @Override
  public String toString() {
    return "Nursery[" + scope + ", active=" + activeCount() + "]";
  }
}
