package io.jtractor.sc.foreign;

import java.time.Duration;

/**
 * Foreign work that an SC task cancelled did not finish within the grace period it was given:
 * a future that ignores {@code cancel}, or an event loop too busy (or blocked) to run the work's
 * last steps. Raised in the SC task instead of waiting on: a bridge never hangs its task on
 * foreign code. The work may still be running when this is raised.
 */
public class ForeignCancelTimeout extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Duration grace;

  public ForeignCancelTimeout(String message, Duration grace) {
    super(message);
    this.grace = grace;
  }

  /** How long the work was waited for after it was cancelled. */
  public Duration grace() {
    return grace;
  }
}
