package io.jtractor.sc;

/**
 * Every send end of a channel is closed and everything buffered has been received. Not an error
 * in the sense of a failure: it is how a receiver learns the stream ended. Iterating a {@link
 * ReceiveChannel} ends quietly instead. Prior art: trio's {@code EndOfChannel}.
 */
public class EndOfChannel extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EndOfChannel(String message) {
    super(message, null, false, false);
  }
}
