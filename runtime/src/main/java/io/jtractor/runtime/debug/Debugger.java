package io.jtractor.runtime.debug;

import io.jtractor.errors.AttributeError;
import io.jtractor.errors.ConnectionLost;
import io.jtractor.errors.ContextCancelled;
import io.jtractor.errors.DebuggerQuit;
import io.jtractor.errors.RemoteActorError;
import io.jtractor.runtime.Actor;
import io.jtractor.runtime.Log;
import io.jtractor.runtime.PeerChannel;
import io.jtractor.sc.CancelScope;
import io.jtractor.sc.Cancelled;
import io.jtractor.sc.Nursery;
import io.jtractor.sc.Sc;
import io.jtractor.wire.Uid;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the runtime asks of the debugger: attach a child just spawned in debug mode, wait before
 * stopping a child that is in (or waiting for) the REPL, serve the root's own crashes and pauses,
 * and the root's {@code self} methods through which actors further down do the first two.
 *
 * <p>A child's parent learns the child's JDWP port from its stdout; the root runs the front end,
 * so a parent that is not the root hands the port to the root ({@code self.debug_attach}) over a
 * connection of its own, and asks the root before it stops a child ({@code
 * self.debug_wait_quiet}, which answers once the child's subtree is out of the REPL).
 */
public final class Debugger {
  private static final Logger LOG = LoggerFactory.getLogger(Debugger.class);

  private Debugger() {}

  /** The root's {@code self} methods for debugged actors further down the tree. */
  static final String ATTACH = "debug_attach";

  static final String WAIT_QUIET = "debug_wait_quiet";

  /** How long a parent waits for the root to attach to its child. */
  private static final Duration ATTACH_CALL_TIMEOUT = FrontEnd.ATTACH_TIMEOUT.plusSeconds(2);

  /** This process's connection to the root, for an actor that is not the root. */
  private static volatile PeerChannel toRoot; // written under Debugger.class

  /** Whether a pause outside debug mode was already warned about. */
  private static volatile boolean warnedOff;

  // ----------------------------------------------------------------------------------------------
  // Spawning and reaping

  /**
   * Has the root's debugger attach to {@code child}, whose JDWP agent listens on {@code port}:
   * directly in the root, else through the root's {@code self.debug_attach}. A child that cannot be
   * attached runs on undebugged; the reason is printed in one line.
   */
  public static void attachChild(Actor parent, Uid child, int port) {
    try {
      if (parent.isRoot()) {
        FrontEnd.start().attach(child, parent.uid(), port);
      } else {
        Map<String, Object> kwargs = new LinkedHashMap<>();
        kwargs.put("uid", child);
        kwargs.put("parent", parent.uid());
        kwargs.put("port", (long) port);
        Object[] answer = {"the root did not answer within " + ATTACH_CALL_TIMEOUT.toSeconds() + " s"};
        Sc.shielded(s -> {
          s.setRelativeDeadline(ATTACH_CALL_TIMEOUT);
          Object a = rootChannel(parent).call("self", ATTACH, kwargs);
          answer[0] = a == null ? Boolean.TRUE : a;
        });
        if (answer[0] instanceof String reason) throw new IOException(reason);
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("jtractor debugger: cannot attach to actor " + child.pythonRepr() + " (JDWP port " + port + "): "
          + e.getMessage() + "; it runs on without the debugger");
      System.err.flush();
    }
  }

  /**
   * Waits while {@code child} or anything under it holds or waits for the REPL (supervision calls
   * this before it cancels, signals or kills a child). Free outside debug mode.
   */
  public static void awaitQuiet(Actor parent, Uid child) {
    if (parent.isRoot()) {
      FrontEnd f = FrontEnd.existing();
      if (f != null) f.awaitQuiet(child);
      return;
    }
    if (!DebugMode.isDebuggedChild()) return;
    try {
      Sc.shielded(s -> rootChannel(parent).call("self", WAIT_QUIET, Map.of("uid", child)));
    } catch (RemoteActorError | ConnectionLost | IllegalStateException e) {
      Log.RUNTIME.debug("cannot ask the root whether " + child + " is in the debugger: " + e.getMessage());
    }
  }

  /**
   * Runs a child's main call ({@code runInActor}) so that, in a debugged tree, a cancellation of
   * the caller reaches the child only once the child's subtree is out of the REPL: the call runs
   * shielded, and a watcher cancels it when the caller is cancelled and the child is quiet.
   * Outside debug mode it just runs {@code body}.
   */
  public static void cancelOnlyWhenQuiet(Actor parent, Uid child, Runnable body) {
    if (!DebugMode.active()) {
      body.run();
      return;
    }
    CancelScope call = CancelScope.create();
    call.setShield(true);
    Nursery.run(n -> {
      n.startSoon("debug-guard:" + child.name(), () -> {
        try {
          Sc.sleepForever();
        } finally {
          Sc.shielded(s -> awaitQuiet(parent, child));
          call.cancel();
        }
      });
      try {
        call.run(s -> body.run());
      } finally {
        n.cancel();
      }
    });
  }

  private static PeerChannel rootChannel(Actor self) {
    PeerChannel ch = toRoot;
    if (ch != null && ch.isOpen()) return ch;
    synchronized (Debugger.class) {
      ch = toRoot;
      if (ch != null && ch.isOpen()) return ch;
      InetSocketAddress root = DebugMode.rootMailbox();
      if (root == null) throw new IllegalStateException("this actor does not know its root's address");
      try {
        toRoot = ch = self.connect(root);
      } catch (IOException e) {
        throw new ConnectionLost("cannot reach the root at " + root + ": " + e.getMessage());
      }
      return ch;
    }
  }

  // ----------------------------------------------------------------------------------------------
  // The root's self methods

  /**
   * Resolves a {@code self} method of the debugger, or returns null if {@code name} is not one.
   *
   * @throws AttributeError if it is one, but this actor is not the root
   */
  public static Callable<Object> selfMethod(Actor actor, String name, Map<String, Object> kwargs) {
    if (!name.equals(ATTACH) && !name.equals(WAIT_QUIET)) return null;
    if (!actor.isRoot()) throw new AttributeError("'Actor' object has no attribute '" + name + "' (only the root serves the debugger)");
    Uid uid = Uid.fromWire(kwargs.get("uid"));
    if (name.equals(ATTACH)) {
      Uid parent = Uid.fromWire(kwargs.get("parent"));
      int port = kwargs.get("port") instanceof Number n ? n.intValue() : -1;
      return () -> {
        try {
          FrontEnd.start().attach(uid, parent, port);
          return null;
        } catch (IOException e) {
          return e.getMessage(); // the caller prints it
        }
      };
    }
    return () -> {
      FrontEnd f = FrontEnd.existing();
      if (f != null) f.awaitQuiet(uid);
      return true;
    };
  }

  // ----------------------------------------------------------------------------------------------
  // The root's own crashes and pauses

  /**
   * The root's error {@code error} left a nursery (or the root): if this root is in debug mode,
   * serves the REPL over it first. Returns what to raise: the error, or a {@link DebuggerQuit} if
   * the user quit.
   */
  public static Throwable rootCrashed(Actor root, Throwable error) {
    if (root == null || !root.isRoot() || !root.config().debugMode()) return error;
    if (error instanceof Cancelled || error instanceof ContextCancelled || error instanceof DebuggerQuit) return error;
    Throwable quitAt = DebugAgent.quitAt(error); // the user quit at its throw site (the root's helper)
    if (quitAt == null) {
      if (!DebugAgent.serveOnce(error)) return error;
      if (!FrontEnd.start().crashLocally(root.uid(), error)) return error;
      quitAt = error;
    }
    DebuggerQuit q = new DebuggerQuit("quit in the debugger at a " + quitAt.getClass().getName(), quitAt);
    DebugAgent.serveOnce(q);
    return q;
  }

  /**
   * A root opened in debug mode: under a JDWP server agent, starts (once per JVM) the helper JVM
   * that stops the root's own threads at their frames; without one, says in one line how to get
   * that. Then serves errors leaving {@code thread} (the one that opened the root).
   */
  public static void rootOpened(Actor root, Thread thread) {
    HelperLink.forRoot(root.uid());
    serveUncaught(root, thread);
  }

  /** Whether this JVM's root threads stop under the root's helper (else they are served in-process). */
  static boolean rootHelped() {
    HelperLink link = HelperLink.current();
    return link != null && !link.gone();
  }

  /**
   * Serves the REPL over an error that leaves {@code thread} (the one that opened the root)
   * uncaught: the root's crash outside any nursery, e.g. in the body of its try-with-resources.
   * The thread's previous handler then reports it as before.
   */
  public static void serveUncaught(Actor root, Thread thread) {
    Thread.UncaughtExceptionHandler previous = thread.getUncaughtExceptionHandler();
    thread.setUncaughtExceptionHandler((t, e) -> previous.uncaughtException(t, rootCrashed(root, e)));
  }

  /**
   * {@code Jtractor.pause()}: stops the calling task under the debugger until the user continues.
   * Outside debug mode it warns once and returns.
   *
   * @throws DebuggerQuit if the user quit
   */
  public static void pause() {
    Actor a = Actor.current();
    if (a != null && a.isRoot() && a.config().debugMode() && rootHelped()) {
      DebugAgent.pause(); // the helper's breakpoint stops here
      return;
    }
    if (a != null && a.isRoot() && a.config().debugMode()) {
      if (FrontEnd.start().pauseLocally(a.uid())) throw new DebuggerQuit("quit at a pause in the debugger");
      return;
    }
    if (DebugMode.isDebuggedChild()) {
      DebugAgent.pause();
      return;
    }
    if (!warnedOff) {
      warnedOff = true;
      LOG.warn("Jtractor.pause() ignored: this actor is not in debug mode");
    }
  }
}
