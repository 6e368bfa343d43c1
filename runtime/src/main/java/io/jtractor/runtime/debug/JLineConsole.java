package io.jtractor.runtime.debug;

import java.io.PrintWriter;
import java.util.function.BooleanSupplier;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REPL on a terminal through JLine: line editing and an in-memory history. The terminal is
 * JLine's "exec" provider (it drives the tty with {@code stty}), which needs no native access, so
 * the root's command line needs no flag; JLine does not trap signals ({@code nativeSignals(false)}):
 * Ctrl-C is the front end's to handle, which interrupts the read ({@link #interrupted()}).
 *
 * <p>Thread rule: one REPL thread reads; {@link #reading} names it for the signal handler and for
 * the watch that notices an abandoned stop.
 */
final class JLineConsole implements Console {
  private static final Logger LOG = LoggerFactory.getLogger(JLineConsole.class);

  private final Terminal terminal;
  private final LineReader reader;
  private final PrintWriter out;
  /** The thread in readLine, or null. */
  private volatile Thread reading;
  /** Set when the read was interrupted because the holder went away. */
  private volatile boolean abandoned;

  private JLineConsole(Terminal terminal) {
    this.terminal = terminal;
    // A terminal that reports no size (a bare pseudo-terminal) would have the prompt cut to nothing.
    if (terminal.getWidth() <= 0) terminal.setSize(new org.jline.terminal.Size(120, 40));
    this.reader = LineReaderBuilder.builder().terminal(terminal).appName("jtractor-debug").build();
    this.out = terminal.writer();
  }

  /** A JLine console on the process's terminal, or null if JLine cannot have it (one line logged). */
  static Console tryCreate() {
    try {
      Terminal t = TerminalBuilder.builder().system(true).provider("exec").nativeSignals(false).dumb(false).build();
      return new JLineConsole(t);
    } catch (Exception | LinkageError e) {
      LOG.info("no line editing for the debugger (" + e + "): plain lines");
      return null;
    }
  }

  @Override
  public String readLine(String prompt, BooleanSupplier abandon) {
    Thread me = Thread.currentThread();
    abandoned = false;
    Thread watch = Thread.ofVirtual().name("jtractor-debugger-watch").start(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        if (abandon.getAsBoolean()) {
          abandoned = true;
          me.interrupt();
          return;
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    try {
      while (true) {
        reading = me;
        try {
          return reader.readLine(prompt);
        } catch (UserInterruptException e) {
          Thread.interrupted();
          if (abandoned) return ABANDONED;
          // Ctrl-C: the line is dropped and the prompt drawn again.
        } catch (EndOfFileException e) {
          return null;
        } finally {
          reading = null;
        }
      }
    } finally {
      watch.interrupt();
      Thread.interrupted(); // a late interrupt from the watch must not leak into the next command
    }
  }

  @Override
  public void println(String line) {
    out.println(line);
    out.flush();
  }

  @Override
  public void interrupted() {
    Thread t = reading;
    if (t != null) t.interrupt();
  }
}
