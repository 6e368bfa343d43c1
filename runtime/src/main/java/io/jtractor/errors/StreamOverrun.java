package io.jtractor.errors;

/**
 * A stream sender outran its receiver's buffer and the receiver refused the overflow (tractor's
 * {@code StreamOverrun}); it arrives boxed: {@code RemoteActorError.type() == StreamOverrun.class}.
 * Between two jtractor actors a stream with backpressure (the default) waits instead of overrunning.
 */
public class StreamOverrun extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StreamOverrun(String message) {
    super(message);
  }
}
