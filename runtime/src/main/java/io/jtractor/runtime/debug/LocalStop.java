package io.jtractor.runtime.debug;

import io.jtractor.wire.Uid;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A thread of the root itself, stopped: it waits in {@link #awaitDecision()} while the front end
 * serves it. A JVM cannot suspend its own threads under its own debugger, so without a helper JVM
 * ({@link HelperStop}: the root runs under no JDWP agent) the root's stops are served from the
 * stack as the JVM reports it — the crash's stack trace, or the pausing thread's
 * live stack — with files and lines but no variables.
 */
final class LocalStop implements Stop {
  private final Uid uid;
  private final Kind kind;
  private final Throwable error;
  private final StackTraceElement[] trace;
  private final int initialFrame;
  /** Completed once by the REPL thread: whether the user quit. */
  private final CompletableFuture<Boolean> decision = new CompletableFuture<>();

  private LocalStop(Uid uid, Kind kind, Throwable error, StackTraceElement[] trace) {
    this.uid = uid;
    this.kind = kind;
    this.error = error;
    this.trace = trace;
    int first = 0;
    for (int i = 0; i < trace.length; i++) {
      if (Code.isUser(trace[i].getClassName())) {
        first = i;
        break;
      }
    }
    this.initialFrame = first;
  }

  /** The root crashed with {@code error}: its stack trace is what can be shown. */
  static LocalStop crash(Uid uid, Throwable error) {
    return new LocalStop(uid, Kind.CRASH, error, error.getStackTrace());
  }

  /** The calling thread pauses: its live stack, less the debugger's own frames. */
  static LocalStop pause(Uid uid) {
    StackTraceElement[] all = Thread.currentThread().getStackTrace();
    int skip = 0;
    while (skip < all.length && !Code.isUser(all[skip].getClassName())) skip++;
    if (skip == all.length) skip = 0;
    return new LocalStop(uid, Kind.PAUSE, null, java.util.Arrays.copyOfRange(all, skip, all.length));
  }

  /** Blocks the stopped thread until the REPL lets it go; returns whether the user quit. */
  boolean awaitDecision() {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return decision.get();
        } catch (InterruptedException e) {
          interrupted = true; // stopped means stopped: a cancellation is seen once the user lets go
        } catch (java.util.concurrent.ExecutionException e) {
          return true;
        }
      }
    } finally {
      if (interrupted) Thread.currentThread().interrupt();
    }
  }

  @Override
  public Uid uid() {
    return uid;
  }

  @Override
  public Kind kind() {
    return kind;
  }

  @Override
  public String error() {
    if (error == null) return null;
    StringBuilder sb = new StringBuilder(error.toString());
    if (error instanceof io.jtractor.sc.ExceptionGroup g) {
      int i = 0;
      for (Throwable member : g.exceptions()) sb.append("\n  [").append(++i).append("] ").append(member);
    }
    return sb.toString();
  }

  @Override
  public List<String> frames() {
    List<String> out = new ArrayList<>();
    for (StackTraceElement e : trace) {
      out.add(e.getClassName() + "." + e.getMethodName() + "(" + (e.getFileName() == null ? "Unknown Source" : e.getFileName() + ":" + e.getLineNumber()) + ")");
    }
    return out;
  }

  @Override
  public int initialFrame() {
    return initialFrame;
  }

  @Override
  public SourcePos source(int i) {
    StackTraceElement e = trace[i];
    if (e.getFileName() == null || e.getLineNumber() < 0) return null;
    String cls = e.getClassName();
    int dot = cls.lastIndexOf('.');
    String dir = dot < 0 ? "" : cls.substring(0, dot).replace('.', '/') + "/";
    return new SourcePos(dir + e.getFileName(), e.getLineNumber());
  }

  @Override
  public String locals(int i) {
    return "the root's own frames show no variables here: a JVM cannot stop itself under its own debugger"
        + " (frames, lines and source only); run the root under a JDWP agent, or with 'jtractor debug', for them";
  }

  @Override
  public String print(int i, String expression) {
    throw new IllegalArgumentException("cannot read '" + expression.strip() + "': " + locals(i));
  }

  @Override
  public void resume(boolean quit) {
    decision.complete(quit);
  }

  @Override
  public boolean gone() {
    return false;
  }
}
