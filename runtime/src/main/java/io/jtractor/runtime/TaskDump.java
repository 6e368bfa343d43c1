package io.jtractor.runtime;

import io.jtractor.sc.TaskTree;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An actor's task tree as text (tractor HEAD's stackscope dump): its service nursery with every
 * nursery, cancel scope and task under it, each task with the top frames of its stack. Served to
 * peers as the {@code self} method {@value #SELF_METHOD} (what {@code jtractor ps --tasks} calls),
 * and printed to stderr when the JVM gets SIGUSR1 (where the JVM lets it be handled: on Linux and
 * macOS; not on Windows).
 */
public final class TaskDump {
  private TaskDump() {}

  /** The {@code self} method that answers the dump. */
  public static final String SELF_METHOD = "task_dump";

  /** Frames shown per task. */
  static final int FRAMES = 8;

  private static final AtomicBoolean SIGNAL_INSTALLED = new AtomicBoolean();

  /** The dump of {@code actor}. */
  public static String of(Actor actor) {
    StringBuilder sb = new StringBuilder();
    sb.append("actor ").append(actor.uid().pythonRepr()).append(" pid ").append(ProcessHandle.current().pid()).append('\n');
    io.jtractor.sc.Nursery service;
    try {
      service = actor.service();
    } catch (IllegalStateException notServing) {
      return sb.append("  (not serving)\n").toString();
    }
    for (String line : TaskTree.render(service, FRAMES).split("\n")) sb.append("  ").append(line).append('\n');
    return sb.toString();
  }

  /** Prints the current actor's dump to stderr on SIGUSR1, from now on in this JVM (once). */
  static void installSignal() {
    if (!SIGNAL_INSTALLED.compareAndSet(false, true)) return;
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("USR1"), sig -> {
        Actor a = Actor.current();
        System.err.print(a == null ? "no actor serves in this process\n" : of(a));
        System.err.flush();
      });
    } catch (IllegalArgumentException | LinkageError unsupported) {
      // this JVM does not let us handle SIGUSR1: the self method still serves the dump
    }
  }
}
