package io.jtractor.sc;

import java.util.List;

/**
 * A picture of the scopes under a nursery, as one indented tree: each nursery and cancel scope
 * (cancelled? shielded? deadline) and each task with the top frames of its stack. Prior art:
 * stackscope, which tractor uses for the same dump. A snapshot, not atomic: tasks come and go while
 * it is taken.
 */
public final class TaskTree {
  private TaskTree() {}

  /** Renders the tree under {@code top}, each task with at most {@code frames} frames. */
  public static String render(Nursery top, int frames) {
    StringBuilder sb = new StringBuilder();
    render(top.cancelScope(), 0, frames, sb);
    return sb.toString();
  }

  private static void render(CancelScope scope, int depth, int frames, StringBuilder sb) {
    if (depth > 64) return;
    CancelScope.Snapshot s = scope.snapshot();
    String pad = "  ".repeat(depth);
    if (s.thread() != null) {
      Thread t = s.thread();
      sb.append(pad).append("task ").append(t.getName().isEmpty() ? (t.isVirtual() ? "virtual" : "thread") + "#" + t.threadId() : t.getName())
          .append(" (").append(t.getState()).append(')').append('\n');
      StackTraceElement[] stack = t.getStackTrace();
      for (int i = 0; i < Math.min(frames, stack.length); i++) sb.append(pad).append("    at ").append(stack[i]).append('\n');
    } else {
      sb.append(pad).append(s.label() != null ? s.label() : "scope");
      if (s.cancelled()) sb.append(" cancelled");
      if (s.shield()) sb.append(" shielded");
      if (s.deadline() != CancelScope.NO_DEADLINE) {
        sb.append(String.format(" deadline in %.3f s", (s.deadline() - System.nanoTime()) / 1e9));
      }
      sb.append('\n');
    }
    List<CancelScope> children = s.children();
    for (CancelScope c : children) render(c, depth + 1, frames, sb);
  }
}
