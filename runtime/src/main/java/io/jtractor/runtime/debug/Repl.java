package io.jtractor.runtime.debug;

import java.util.List;

/**
 * The REPL over one {@link Stop}: its header, then commands until {@code continue} or {@code
 * quit}. Every command answers in a line or a few; anything that cannot be read gives one line
 * starting {@code ***}. End of input counts as {@code quit} (never a hang); a holder that went away
 * releases the REPL with one line.
 */
final class Repl {
  static final String HELP =
      """
      Commands:
        where (w, bt)          the stack, innermost frame first; > marks the current one
        up (u) / down (d)      move to the calling frame / back towards the innermost one
        locals                 the variables of the current frame
        print (p) NAME[.FIELD...]  a variable, 'this', or a field of one
        list (l)               the source around the current line
        continue (c)           go on: a crash propagates as it would have, a pause returns
        quit (q)               the task fails with DebuggerQuit, which propagates like any error
        help (h, ?)            this text""";

  private final Console console;
  private final Stop stop;
  private final Sources sources;
  private int frame;

  Repl(Console console, Stop stop, Sources sources) {
    this.console = console;
    this.stop = stop;
    this.sources = sources;
    this.frame = stop.initialFrame();
  }

  /** The prompt for an actor. */
  static String prompt(String actorName) {
    return "(jtractor-debug " + actorName + ") ";
  }

  /** Serves the stop until the user lets it go, the input ends, or its process goes away. */
  void run() {
    try {
      header();
    } catch (RuntimeException e) {
      if (abandonedIfGone()) return;
      console.println("*** cannot read the stopped task: " + e);
    }
    while (true) {
      String line = console.readLine(prompt(stop.uid().name()), stop::gone);
      if (line == Console.ABANDONED) {
        abandonedIfGone();
        return;
      }
      if (line == null) {
        console.println("(end of input: quit)");
        stop.resume(true);
        return;
      }
      try {
        if (command(line.strip())) return;
      } catch (RuntimeException e) {
        if (abandonedIfGone()) return;
        console.println("*** cannot read that: " + e.getMessage());
      }
    }
  }

  private boolean abandonedIfGone() {
    if (!stop.gone()) return false;
    console.println("jtractor debugger: actor " + stop.uid().pythonRepr() + " went away while it held the debugger; released");
    return true;
  }

  private void header() {
    if (stop.kind() == Stop.Kind.CRASH) {
      console.println("Attaching to debugger in crashed actor: " + stop.uid().pythonRepr());
      console.println(stop.error());
    } else {
      console.println("Attaching debugger to actor: " + stop.uid().pythonRepr());
    }
    showFrame();
  }

  private void showFrame() {
    List<String> frames = stop.frames();
    if (frames.isEmpty()) {
      console.println("*** no frames");
      return;
    }
    console.println("> " + frames.get(frame));
    String src = sources.line(stop.source(frame));
    if (src != null) console.println("-> " + src);
  }

  /** Runs one command; returns true once the stop has been let go. */
  private boolean command(String line) {
    if (line.isEmpty()) return false;
    int space = line.indexOf(' ');
    String cmd = space < 0 ? line : line.substring(0, space);
    String arg = space < 0 ? "" : line.substring(space + 1).strip();
    switch (cmd) {
      case "continue", "cont", "c" -> {
        stop.resume(false);
        return true;
      }
      case "quit", "q", "exit" -> {
        stop.resume(true);
        return true;
      }
      case "where", "w", "bt" -> {
        List<String> frames = stop.frames();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < frames.size(); i++) {
          sb.append(i == frame ? "> " : "  ").append(String.format("#%-2d ", i)).append(frames.get(i)).append('\n');
        }
        console.println(sb.toString().stripTrailing());
      }
      case "up", "u" -> {
        if (frame + 1 >= stop.frames().size()) {
          console.println("*** already at the outermost frame");
        } else {
          frame++;
          showFrame();
        }
      }
      case "down", "d" -> {
        if (frame == 0) {
          console.println("*** already at the innermost frame");
        } else {
          frame--;
          showFrame();
        }
      }
      case "locals" -> console.println(stop.locals(frame));
      case "print", "p" -> {
        if (arg.isEmpty()) {
          console.println("*** usage: print NAME[.FIELD...]");
        } else {
          try {
            console.println(stop.print(frame, arg));
          } catch (IllegalArgumentException e) {
            console.println("*** " + e.getMessage());
          }
        }
      }
      case "list", "l" -> console.println(sources.around(stop.source(frame)));
      case "help", "h", "?" -> console.println(HELP);
      default -> console.println("*** unknown command '" + cmd + "': type help for the commands");
    }
    return false;
  }
}
