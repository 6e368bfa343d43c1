package io.jtractor.runtime.debug;

import java.util.function.BooleanSupplier;

/**
 * The root's terminal, as the REPL uses it: JLine (line editing, history) when stdin is a
 * terminal, plain lines otherwise (a pipe, in tests). One REPL thread uses it at a time; {@link
 * #interrupted()} may be called from a signal handler.
 */
interface Console {

  /** What {@link #readLine} returns when the holder of the REPL went away while it waited. */
  String ABANDONED = new String("abandoned"); // compared by identity

  /**
   * Shows {@code prompt} and reads one line. Returns null at end of input, {@link #ABANDONED} as
   * soon as {@code abandon} turns true while it waits.
   */
  String readLine(String prompt, BooleanSupplier abandon);

  /** Prints a line (the REPL's output goes where the root's stdout goes). */
  void println(String line);

  /** Ctrl-C while a REPL is open: the line is dropped and the prompt drawn again. */
  void interrupted();

  /** The console for this process: JLine on a terminal if it can be had, else plain lines. */
  static Console create() {
    if (System.console() != null && System.console().isTerminal()) {
      Console c = JLineConsole.tryCreate();
      if (c != null) return c;
    }
    return new PlainConsole();
  }
}
