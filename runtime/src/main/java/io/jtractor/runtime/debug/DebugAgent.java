package io.jtractor.runtime.debug;

import io.jtractor.errors.DebuggerQuit;
import io.jtractor.runtime.Log;
import io.jtractor.sc.ExceptionGroup;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The debuggee's side of the debugger, in a child spawned in debug mode: the method the root's
 * debugger sets its breakpoint on ({@link #hit}), the errors the user quit at ({@link #quit}), and
 * Ctrl-C ignored (the root's terminal sends SIGINT to every process of the tree; the root decides).
 *
 * <p>Nothing here talks to the root: the root's debugger attaches through the JDWP agent, stops
 * threads and reads or writes these fields and methods through JDI.
 *
 * <p>Thread rule: {@link #QUITS} is a synchronized set, written by a debugger-invoked call on the
 * stopped thread and read where the error leaves the user function (the same thread, later).
 */
public final class DebugAgent {
  private static final Logger LOG = LoggerFactory.getLogger(DebugAgent.class);

  private DebugAgent() {}

  /** Errors the user quit at; each leaves its user function as a {@link DebuggerQuit}. */
  private static final Set<Throwable> QUITS = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  /**
   * The root's errors the user was shown already, at the throw site (through the root's helper)
   * or in-process: one rising further out (a nursery re-raising it, in a group) is not served again.
   */
  private static final Set<Throwable> SERVED = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  /** Set once this process is a debugged child. */
  private static volatile boolean installed;

  /** What the debugger writes into a pause it served. */
  public static final class PauseHandle {
    /** Set by the debugger when it stopped here. */
    volatile boolean served;
    /** Set by the debugger when the user quit. */
    volatile boolean quit;
  }

  /** Makes this process debuggable: SIGINT ignored, this class loaded for the breakpoint. */
  static void install() {
    installed = true;
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("INT"), sun.misc.SignalHandler.SIG_IGN);
    } catch (IllegalArgumentException | LinkageError unsupported) {
      Log.RUNTIME.debug("cannot ignore SIGINT here: " + unsupported);
    }
  }

  /**
   * Stops here under the root's debugger (the breakpoint is on {@link #hit}); returns when the
   * user continues.
   *
   * @throws DebuggerQuit if the user quit
   */
  static void pause() {
    PauseHandle h = new PauseHandle();
    hit(h);
    if (h.quit) throw new DebuggerQuit("quit at a pause in the debugger");
    if (!h.served) LOG.warn("Jtractor.pause(): no debugger is attached to this actor; going on");
  }

  /** The root's debugger breaks on entry here. Not inlined away: a breakpoint deoptimizes it. */
  static void hit(PauseHandle handle) {
    // the breakpoint
  }

  /** Called by the debugger (through JDI) when the user quits at the crash of {@code error}. */
  static void quit(Throwable error) {
    QUITS.add(error);
  }

  /** Called by the root's helper (through JDI) when the user lets the root's crash of {@code error} go. */
  static void served(Throwable error) {
    SERVED.add(error);
  }

  /** Marks {@code error} as served; returns false if it (or a member of its group) was already. */
  static boolean serveOnce(Throwable error) {
    return !servedBefore(error) && SERVED.add(error);
  }

  /** Whether {@code error}, or a member of its group, was served already (the helper asks through JDI). */
  static boolean servedBefore(Throwable error) {
    if (SERVED.isEmpty() || error == null) return false;
    if (SERVED.contains(error)) return true;
    if (error instanceof ExceptionGroup g) {
      for (Throwable member : g.exceptions()) {
        if (servedBefore(member)) return true;
      }
    }
    return false;
  }

  /** The error the user quit at, if {@code error} is one (or holds one in its group or causes); else null. */
  static Throwable quitAt(Throwable error) {
    return QUITS.isEmpty() ? null : quitIn(error, 0);
  }

  /**
   * The error to send for {@code error} leaving a user function: a {@link DebuggerQuit} if the user
   * quit at it (or at one in its group or causes), else the error itself.
   */
  public static Throwable substitute(Throwable error) {
    if (!installed || QUITS.isEmpty()) return error;
    Throwable quitAt = quitIn(error, 0);
    return quitAt == null ? error : new DebuggerQuit("quit in the debugger at a " + quitAt.getClass().getName(), quitAt);
  }

  private static Throwable quitIn(Throwable t, int depth) {
    if (t == null || depth > 16) return null;
    if (QUITS.contains(t)) return t;
    if (t instanceof ExceptionGroup g) {
      for (Throwable member : g.exceptions()) {
        Throwable q = quitIn(member, depth + 1);
        if (q != null) return q;
      }
    }
    return quitIn(t.getCause(), depth + 1);
  }
}
