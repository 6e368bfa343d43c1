package io.jtractor.runtime.debug;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Plain lines from stdin, for a root whose stdin is not a terminal. A daemon thread reads stdin
 * (a read from it cannot be interrupted) into a queue, so that a REPL whose holder went away stops
 * waiting at once; it starts with the first prompt.
 *
 * <p>Thread rule: {@link #lines} is the hand-off; {@link #prompt} is written by the REPL thread and
 * read by a signal handler.
 */
final class PlainConsole implements Console {
  /** Marks the end of input in the queue. */
  private static final String EOF = new String("eof"); // compared by identity

  private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final PrintStream out = System.out;
  private volatile String prompt = "";
  private Thread reader; // REPL thread only
  private boolean ended; // REPL thread only

  @Override
  public String readLine(String prompt, BooleanSupplier abandon) {
    if (ended) return null;
    startReader();
    this.prompt = prompt;
    out.print(prompt);
    out.flush();
    try {
      while (true) {
        if (abandon.getAsBoolean()) return ABANDONED;
        String line = lines.poll(50, TimeUnit.MILLISECONDS);
        if (line == EOF) {
          ended = true;
          return null;
        }
        if (line != null) return line;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } finally {
      this.prompt = "";
    }
  }

  private void startReader() {
    if (reader != null) return;
    reader = Thread.ofPlatform().daemon().name("jtractor-debugger-stdin").start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) lines.add(line);
      } catch (IOException e) {
        // stdin failed: as good as its end
      }
      lines.add(EOF);
    });
  }

  @Override
  public void println(String line) {
    out.println(line);
    out.flush();
  }

  @Override
  public void interrupted() {
    String p = prompt;
    out.print("^C\n" + p);
    out.flush();
  }
}
