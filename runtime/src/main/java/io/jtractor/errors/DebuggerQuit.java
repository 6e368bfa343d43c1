package io.jtractor.errors;

/**
 * The user typed {@code quit} at a debugger prompt: the stopped task fails with this error, which
 * propagates like any other (boxed across actors as {@code DebuggerQuit}). At a crash, the cause is
 * the error the task crashed with. Prior art: Python's {@code bdb.BdbQuit}, which tractor ships
 * the same way.
 */
public class DebuggerQuit extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DebuggerQuit(String message) {
    super(message);
  }

  public DebuggerQuit(String message, Throwable cause) {
    super(message, cause);
  }
}
