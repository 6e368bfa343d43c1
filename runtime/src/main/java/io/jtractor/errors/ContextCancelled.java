package io.jtractor.errors;

import io.jtractor.wire.ErrorInfo;
import io.jtractor.wire.Uid;

/**
 * A remote task was cancelled; {@link #canceller()} says which actor asked for it. Prior art:
 * tractor's {@code ContextCancelled}.
 */
public class ContextCancelled extends RemoteActorError {
  private static final long serialVersionUID = 1L;

  public ContextCancelled(ErrorInfo info, Uid channelPeer) {
    super(info, channelPeer);
  }

  /** See {@link RemoteActorError#RemoteActorError(ErrorInfo, Uid, boolean)}. */
  protected ContextCancelled(ErrorInfo info, Uid channelPeer, boolean traceNow) {
    super(info, channelPeer, traceNow);
  }

  /** The actor that requested the cancellation, or null if unknown. */
  public Uid canceller() {
    return info().canceller();
  }
}
