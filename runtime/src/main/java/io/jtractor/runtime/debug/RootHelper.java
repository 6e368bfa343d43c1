package io.jtractor.runtime.debug;

import io.jtractor.wire.Uid;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The root's helper JVM: attaches to the root's own JDWP agent through JDI, sets the same requests
 * as the root sets on its children ({@link JdiTarget}), and reports each stop of a root thread to
 * the root's front end, which serves it in its REPL like a child's, reading frames and variables
 * through this process ({@link HelperStop} on the root's side, {@link HelperWire} between).
 *
 * <p>A JVM cannot suspend its own threads under its own debugger; this one can, and it is the
 * root's child: started with the root in debug mode (only when the root runs under a JDWP agent),
 * ended when the root ends (its stdin closes, the JDI connection drops, or the root's process
 * exits, whichever it sees first). It ignores Ctrl-C, which the terminal sends to the whole tree.
 *
 * <p>Thread rule: {@link #stops} is concurrent (the JDI event thread adds, the request loop reads
 * and removes); the request loop is the main thread.
 */
public final class RootHelper implements StopSink {
  /** How long attaching to the root's agent may take. */
  static final Duration ATTACH_TIMEOUT = Duration.ofSeconds(10);

  private final HelperWire wire;
  private final Map<String, JdiStop> stops = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  private RootHelper(HelperWire wire) {
    this.wire = wire;
  }

  /**
   * Arguments: the root's pid, name and uuid. Speaks {@link HelperWire} on stdin and stdout; any
   * other output goes to stderr.
   */
  public static void main(String[] args) throws IOException {
    HelperWire wire = new HelperWire(System.in, new FileOutputStream(FileDescriptor.out));
    System.setOut(System.err);
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("INT"), sun.misc.SignalHandler.SIG_IGN);
    } catch (IllegalArgumentException | LinkageError unsupported) {
      // no SIGINT here: nothing to ignore
    }
    long pid = Long.parseLong(args[0]);
    ProcessHandle.of(pid).ifPresentOrElse(p -> p.onExit().thenRun(() -> System.exit(0)), () -> System.exit(0));
    RootHelper helper = new RootHelper(wire);
    JdiTarget target;
    try {
      target = JdiTarget.attachRoot(helper, new Uid(args[1], args[2]), pid, ATTACH_TIMEOUT);
    } catch (IOException | RuntimeException e) {
      wire.send("fail", String.valueOf(e.getMessage()));
      System.exit(1);
      return;
    }
    wire.send("ready");
    try {
      for (List<String> request; (request = wire.read()) != null; ) helper.serve(request);
    } catch (IOException broken) {
      // the root is gone or the pipe broke: end as at its end
    } finally {
      target.detach(); // resumes whatever is still stopped
    }
    System.exit(0);
  }

  @Override
  public void enqueue(Stop stop) {
    String id = Long.toString(ids.incrementAndGet());
    stops.put(id, (JdiStop) stop);
    try {
      wire.send("stop", id, stop.kind().name(), Integer.toString(stop.initialFrame()));
    } catch (IOException rootGone) {
      System.exit(0);
    }
  }

  @Override
  public void targetGone(JdiTarget target) {
    System.exit(0);
  }

  private void serve(List<String> r) throws IOException {
    JdiStop s = r.size() > 1 ? stops.get(r.get(1)) : null;
    if (s == null) {
      wire.send("fail", "no such stop");
      return;
    }
    int frame = r.size() > 2 ? Integer.parseInt(r.get(2)) : 0;
    try {
      switch (r.getFirst()) {
        case "error" -> answer(s.error());
        case "frames" -> answer(String.join("\n", s.frames()));
        case "source" -> {
          Stop.SourcePos p = s.source(frame);
          answer(p == null ? null : p.line() + ":" + p.path());
        }
        case "locals" -> answer(s.locals(frame));
        case "print" -> answer(s.print(frame, r.get(3)));
        case "resume" -> {
          stops.remove(r.get(1));
          s.resume(Boolean.parseBoolean(r.get(3)));
          answer("");
        }
        default -> wire.send("fail", "unknown request " + r.getFirst());
      }
    } catch (IllegalArgumentException unreadable) {
      wire.send("err", String.valueOf(unreadable.getMessage()));
    } catch (RuntimeException e) {
      wire.send("fail", e.toString());
    }
  }

  private void answer(String text) throws IOException {
    if (text == null) {
      wire.send("none");
    } else {
      wire.send("ok", text);
    }
  }
}
