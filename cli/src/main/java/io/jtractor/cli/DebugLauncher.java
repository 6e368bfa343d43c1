package io.jtractor.cli;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code jtractor debug [--cp PATH] <main class> [args...]}: runs a root program in debug mode in a
 * JVM of its own, under a JDWP server agent on a loopback port the OS picks, so that the root's
 * own crashes and pauses stop at their frames with their variables (the root starts a helper JVM
 * that attaches to that agent; see the runtime's {@code RootHelper}). The program's class path is
 * {@code PATH} followed by this tool's; its terminal is this one (stdin, stdout, stderr inherited);
 * the {@code -Djtractor.*} properties given to this tool are passed on. The exit status is the
 * program's.
 *
 * <p>While the program runs, this JVM ignores Ctrl-C: the terminal sends it to the program too,
 * which decides (its debugger redraws the prompt while a REPL is open).
 */
final class DebugLauncher {
  private DebugLauncher() {}

  /** The agent the program runs under: a server on 127.0.0.1, port chosen by the OS, not suspended, quiet. */
  static final String AGENT = "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:0,quiet=y";

  static final String USAGE = "usage: jtractor debug [--cp PATH] <main class> [args...]";

  /** The program's command line for {@code args} (what follows {@code debug}). */
  static List<String> command(List<String> args) {
    List<String> rest = new ArrayList<>(args);
    String userPath = null;
    if (!rest.isEmpty() && (rest.getFirst().equals("--cp") || rest.getFirst().equals("-cp"))) {
      if (rest.size() < 2) throw new IllegalArgumentException(rest.getFirst() + " needs a class path");
      rest.removeFirst();
      userPath = rest.removeFirst();
    }
    if (rest.isEmpty() || rest.getFirst().startsWith("-")) throw new IllegalArgumentException("no main class given");
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java"));
    cmd.add(AGENT);
    cmd.add("-Djtractor.debug=true");
    for (String name : System.getProperties().stringPropertyNames().stream().sorted().toList()) {
      if (name.startsWith("jtractor.") && !name.equals("jtractor.debug")) cmd.add("-D" + name + "=" + System.getProperty(name));
    }
    String own = System.getProperty("java.class.path");
    cmd.add("-cp");
    cmd.add(userPath == null ? own : userPath + File.pathSeparator + own);
    cmd.addAll(rest);
    return cmd;
  }

  /** Runs the program; returns its exit status (2 for a usage error, 1 if it could not start). */
  static int run(List<String> args, PrintStream err) {
    List<String> cmd;
    try {
      cmd = command(args);
    } catch (IllegalArgumentException e) {
      err.println("jtractor debug: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("INT"), sun.misc.SignalHandler.SIG_IGN);
    } catch (IllegalArgumentException | LinkageError unsupported) {
      // no SIGINT here
    }
    try {
      Process p = new ProcessBuilder(cmd).inheritIO().start();
      while (true) {
        try {
          return p.waitFor();
        } catch (InterruptedException e) {
          // keep waiting: the program decides when it ends
        }
      }
    } catch (IOException e) {
      err.println("jtractor debug: cannot start " + cmd.getFirst() + ": " + e.getMessage());
      return 1;
    }
  }
}
