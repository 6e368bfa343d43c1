package io.jtractor.sc;

/**
 * A {@link BroadcastReceiver} subscriber fell so far behind that values it had not read yet left
 * the shared window. Prior art: tokio's {@code RecvError::Lagged}, tractor's {@code Lagged}. The
 * subscriber stays usable: its next receive returns the oldest value still retained.
 */
public class Lagged extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final long lost;

  public Lagged(String message, long lost) {
    super(message);
    this.lost = lost;
  }

  /** How many values this subscriber missed. */
  public long lost() {
    return lost;
  }
}
