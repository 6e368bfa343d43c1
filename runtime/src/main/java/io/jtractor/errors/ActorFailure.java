package io.jtractor.errors;

/**
 * An actor process failed without a boxed error to show for it: it could not be started, died
 * before it connected back, or exited when nobody asked it to. Prior art: tractor's {@code
 * ActorFailure}.
 */
public class ActorFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ActorFailure(String message) {
    super(message);
  }

  public ActorFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
