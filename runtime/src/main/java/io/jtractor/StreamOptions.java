package io.jtractor;

import io.jtractor.errors.StreamOverrun;
import io.jtractor.runtime.ContextLink;

/**
 * How a {@link MsgStream} buffers what it receives and paces what it sends.
 *
 * <p>Receiving: {@code msgBufferSize} items are buffered (tractor's 64 by default). A sender that
 * overruns the buffer gets a {@link StreamOverrun} error, unless {@code allowOverruns}, in which
 * case up to 616 more items are queued and any beyond that are dropped with a log line — tractor's
 * rules.
 *
 * <p>Sending: with {@code backpressure} (the default), a send to a jtractor peer whose buffer is
 * full waits until the peer's application has consumed items, so nothing is lost and no error is
 * raised; with a tractor (Python) peer, which grants no credit, sends never wait and tractor's
 * overrun rules apply at the peer. Why it is the default: a fast producer is the normal case of a
 * stream, and neither an error nor silent loss is what its author wants; waiting is what a bounded
 * local channel does. Turn it off to reproduce tractor's behaviour between Java peers.
 *
 * @param msgBufferSize how many received items are buffered (at least 1)
 * @param allowOverruns whether overflow is queued (bounded) instead of refused with StreamOverrun
 * @param backpressure whether a send to a full jtractor peer waits
 */
public record StreamOptions(int msgBufferSize, boolean allowOverruns, boolean backpressure) {
  /** tractor's defaults, with backpressure between jtractor peers. */
  public static final StreamOptions DEFAULT = new StreamOptions(ContextLink.DEFAULT_BUFFER, false, true);

  public StreamOptions {
    if (msgBufferSize < 1) throw new IllegalArgumentException("msgBufferSize must be at least 1: " + msgBufferSize);
  }

  public StreamOptions withMsgBufferSize(int n) {
    return new StreamOptions(n, allowOverruns, backpressure);
  }

  public StreamOptions withAllowOverruns(boolean on) {
    return new StreamOptions(msgBufferSize, on, backpressure);
  }

  public StreamOptions withBackpressure(boolean on) {
    return new StreamOptions(msgBufferSize, allowOverruns, on);
  }
}
