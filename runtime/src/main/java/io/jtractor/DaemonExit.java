package io.jtractor;

import io.jtractor.wire.Uid;

/**
 * How a {@linkplain Jtractor#runDaemon daemon} stopped.
 *
 * @param signal the signal that stopped it ({@code "INT"} or {@code "TERM"}), or null
 * @param canceller the actor that cancelled it (a remote {@code Portal.cancelActor()}, or itself),
 *     or null if a signal stopped it
 */
public record DaemonExit(String signal, Uid canceller) {
  /**
   * The conventional exit status for a program ending this way: 0 when it was cancelled, 128 plus
   * the signal's number when a signal stopped it (130 for SIGINT, 143 for SIGTERM), as shells
   * report a program that a signal ended.
   */
  public int exitCode() {
    if (signal == null) return 0;
    return switch (signal) {
      case "INT" -> 130;
      case "TERM" -> 143;
      case "HUP" -> 129;
      default -> 1;
    };
  }

  @Override
  public String toString() {
    return signal != null ? "stopped by SIG" + signal : "cancelled by " + (canceller == null ? "an unknown actor" : canceller.pythonRepr());
  }
}
