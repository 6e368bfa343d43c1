package io.jtractor.runtime.debug;

import io.jtractor.wire.Uid;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The debugger's front end, in the root's JVM (one per process): the JDI connections to every
 * debugged actor of the tree, the tree-wide REPL lock, and the REPL thread that serves stopped
 * tasks one at a time in the root's terminal. Prior art: tractor's {@code _debug.Lock} and {@code
 * lock_tty_for_child}; here the children never touch the terminal nor ask for the lock: the root
 * sees their stops through JDI and queues them.
 *
 * <p>The root's own stops come from its helper JVM when the root runs under a JDWP agent ({@link
 * HelperLink}, {@link HelperStop}: at the frame, with variables), else from the root's threads
 * themselves ({@link LocalStop}: the stack as the JVM reports it). Either way they take their turn
 * in the same queue.
 *
 * <p>Lifecycle: created by the first debugged root or the first debugged child's spawn, and lives
 * as long as the JVM (its threads are daemons): a crash of the root may be served after the root
 * has closed.
 *
 * <p>Lock: FIFO ({@link #waiting}), first stopped first served; {@link #holder} is the stop whose
 * REPL is open. Supervision asks {@link #awaitQuiet} before it cancels, signals or kills a child:
 * it waits while the child or any actor under it holds or waits for the REPL.
 *
 * <p>Semantics kept: one REPL at a time, tree-wide, in the root's terminal; Ctrl-C ignored while it
 * is open (the prompt is redrawn); quit raises in the stopped task. Where we deviate: the lock is
 * taken for the child (the child does not ask), and a child's stop is its suspended thread, so the
 * rest of that child keeps serving meanwhile.
 */
public final class FrontEnd implements StopSink {
  private static final Logger LOG = LoggerFactory.getLogger(FrontEnd.class);

  /** How long a subtree must stay out of the REPL, after it was in, to count as quiet. */
  static final Duration SETTLE = Duration.ofMillis(300);

  /** How long attaching to a child's JDWP agent may take. */
  static final Duration ATTACH_TIMEOUT = Duration.ofSeconds(5);

  private static volatile FrontEnd instance; // written under FrontEnd.class

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  /** Each debugged actor's parent, for "anything under it". Guarded by lock. */
  private final Map<Uid, Uid> parentOf = new HashMap<>();
  /** The JDI connections, by actor. Guarded by lock. */
  private final Map<Uid, JdiTarget> targets = new HashMap<>();
  /** Stops waiting for the REPL, first come first served. Guarded by lock. */
  private final ArrayDeque<Stop> waiting = new ArrayDeque<>();
  /** The stop whose REPL is open, or null. Guarded by lock. */
  private Stop holder;
  /** The root's terminal, opened with the first REPL (never on an attach's path); written by the REPL thread. */
  private volatile Console console;
  private final Sources sources = new Sources();
  /** SIGINT's handler before a REPL opened; REPL thread only. */
  private sun.misc.SignalHandler previousInt;

  private FrontEnd() {
    Thread.ofPlatform().daemon().name("jtractor-debugger").start(this::serve);
  }

  /** This process's front end, or null if none was started. */
  public static FrontEnd existing() {
    return instance;
  }

  /** This process's front end, started on first use. */
  public static FrontEnd start() {
    FrontEnd f = instance;
    if (f != null) return f;
    synchronized (FrontEnd.class) {
      if (instance == null) instance = new FrontEnd();
      return instance;
    }
  }

  // ----------------------------------------------------------------------------------------------
  // Debuggees

  /**
   * Attaches to {@code uid}'s JDWP agent at 127.0.0.1:{@code port}; from then on its crashes and
   * pauses stop there and queue for the REPL.
   *
   * @param parent the actor that spawned it
   * @throws IOException with a one-line reason if the agent cannot be attached
   */
  public void attach(Uid uid, Uid parent, int port) throws IOException {
    lock.lock();
    try {
      parentOf.put(uid, parent);
    } finally {
      lock.unlock();
    }
    JdiTarget t = JdiTarget.attach(this, uid, port, ATTACH_TIMEOUT);
    lock.lock();
    try {
      targets.put(uid, t);
    } finally {
      lock.unlock();
    }
  }

  /** A child's process ended: its stops are dropped, and a holder's REPL is released. */
  @Override
  public void targetGone(JdiTarget t) {
    lock.lock();
    try {
      targets.remove(t.uid(), t);
      parentOf.remove(t.uid());
      List<Stop> dropped = new ArrayList<>();
      waiting.removeIf(s -> s instanceof JdiStop j && j.target() == t && dropped.add(s));
      for (Stop s : dropped) {
        System.out.println("jtractor debugger: actor " + s.uid().pythonRepr() + " went away while it waited for the debugger");
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Drops the waiting stops whose process or helper went away (the root's helper ended). */
  void dropGone() {
    lock.lock();
    try {
      if (waiting.removeIf(Stop::gone)) changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void enqueue(Stop stop) {
    lock.lock();
    try {
      waiting.addLast(stop);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits while {@code uid}, or any actor under it, holds or waits for the REPL: supervision calls
   * it before it cancels, signals or kills that child. Returns at once otherwise (or when
   * interrupted, with the flag set).
   */
  public void awaitQuiet(Uid uid) {
    lock.lock();
    try {
      boolean waited = false;
      while (true) {
        while (busyUnder(uid)) {
          waited = true;
          changed.await();
        }
        // After a stop, the next often follows within moments (the error the user let go reaches
        // the parent, which stops in turn): quiet counts once it has lasted SETTLE.
        if (!waited || !changed.await(SETTLE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS) && !busyUnder(uid)) return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }

  /** Whether {@code uid} or an actor under it holds or waits for the REPL. Under lock. */
  private boolean busyUnder(Uid uid) {
    if (holder != null && within(holder.uid(), uid)) return true;
    for (Stop s : waiting) {
      if (within(s.uid(), uid)) return true;
    }
    return false;
  }

  private boolean within(Uid actor, Uid ancestor) {
    int hops = 0;
    for (Uid a = actor; a != null && hops++ < 1000; a = parentOf.get(a)) {
      if (a.equals(ancestor)) return true;
    }
    return false;
  }

  // ----------------------------------------------------------------------------------------------
  // The root's own stops

  /**
   * The root crashed with {@code error}: waits its turn, serves the REPL over its stack trace, and
   * returns whether the user quit.
   */
  public boolean crashLocally(Uid root, Throwable error) {
    LocalStop s = LocalStop.crash(root, error);
    enqueue(s);
    return s.awaitDecision();
  }

  /** A task of the root pauses: waits its turn, serves the REPL, returns whether the user quit. */
  public boolean pauseLocally(Uid root) {
    LocalStop s = LocalStop.pause(root);
    enqueue(s);
    return s.awaitDecision();
  }

  // ----------------------------------------------------------------------------------------------
  // The REPL thread

  private void serve() {
    while (true) {
      Stop s;
      lock.lock();
      try {
        while (waiting.isEmpty()) changed.awaitUninterruptibly();
        s = waiting.pollFirst();
        holder = s;
      } finally {
        lock.unlock();
      }
      shieldCtrlC();
      if (console == null) console = Console.create();
      try {
        new Repl(console, s, sources).run();
      } catch (RuntimeException | Error e) {
        LOG.error("the debugger failed serving " + s.uid() + "; letting the task go", e);
        try {
          s.resume(false);
        } catch (RuntimeException ignored) {
          // it is gone
        }
      } finally {
        unshieldCtrlC();
        lock.lock();
        try {
          holder = null;
          changed.signalAll();
        } finally {
          lock.unlock();
        }
      }
    }
  }

  /** While a REPL is open, Ctrl-C redraws the prompt instead of stopping the root. */
  private void shieldCtrlC() {
    try {
      previousInt = sun.misc.Signal.handle(new sun.misc.Signal("INT"), sig -> {
        Console c = console;
        if (c != null) c.interrupted();
      });
    } catch (IllegalArgumentException | LinkageError unsupported) {
      previousInt = null;
    }
  }

  private void unshieldCtrlC() {
    if (previousInt == null) return;
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("INT"), previousInt);
    } catch (IllegalArgumentException | LinkageError unsupported) {
      // nothing was changed
    }
    previousInt = null;
  }
}
