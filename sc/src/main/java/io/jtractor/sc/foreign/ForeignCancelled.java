package io.jtractor.sc.foreign;

/**
 * The foreign side cancelled its own work: the {@code CompletionStage} an SC task was waiting on
 * completed with a {@link java.util.concurrent.CancellationException} that the SC side did not
 * ask for. Raised in the SC task in place of that exception, so that it is never mistaken for the
 * SC task's own cancellation (which is {@link io.jtractor.sc.Cancelled}). The foreign exception is
 * the cause. Prior art: tractor's {@code AsyncioCancelled}.
 */
public class ForeignCancelled extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ForeignCancelled(String message, Throwable cause) {
    super(message, cause);
  }
}
