package io.jtractor.runtime.debug;

import io.jtractor.wire.Uid;
import java.util.List;

/**
 * A task stopped under the debugger, waiting for (or holding) the REPL: a child's thread
 * suspended through JDI ({@link JdiStop}), a thread of the root suspended by the root's helper JVM
 * ({@link HelperStop}), or, without a helper, a thread of the root itself ({@link LocalStop}).
 * Frames are numbered from the innermost (0). A stop is finished exactly once, by {@link #resume}.
 */
sealed interface Stop permits JdiStop, LocalStop, HelperStop {

  /** Why the task stopped. */
  enum Kind {
    CRASH,
    PAUSE
  }

  /** The actor the task runs in. */
  Uid uid();

  Kind kind();

  /** The error it crashed with, as one line or more ({@code Type: message}); null for a pause. */
  String error();

  /** The frames, innermost first, each as {@code Class.method(File.java:line)}. */
  List<String> frames();

  /** The frame the REPL starts at (the innermost frame of user code). */
  int initialFrame();

  /** The source position of frame {@code i}, or null if unknown. */
  SourcePos source(int i);

  /** The local variables visible in frame {@code i}, one per line, or a line saying why not. */
  String locals(int i);

  /**
   * The value of {@code expression} ({@code name} or {@code name.field.field}) in frame {@code i}.
   *
   * @throws IllegalArgumentException with a one-line reason if it cannot be read
   */
  String print(int i, String expression);

  /** Lets the task go on: {@code quit} makes it fail with {@code DebuggerQuit}. */
  void resume(boolean quit);

  /** Whether the process behind this stop has gone (it can only be dropped then). */
  boolean gone();

  /** A frame's source file (a package path such as {@code a/b/C.java}) and line. */
  record SourcePos(String path, int line) {}
}
