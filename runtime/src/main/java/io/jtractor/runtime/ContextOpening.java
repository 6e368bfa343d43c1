package io.jtractor.runtime;

import io.jtractor.sc.Sc;
import io.jtractor.wire.Msg;
import java.util.Map;

/**
 * The caller's side of opening a context or a stream, as the protocol has it: send the {@code
 * cmd}, expect the callee's {@code functype} (and, for a context, its {@code started}), and after
 * the caller's body wait for the callee's outcome. The public {@code Context} and {@code Portal}
 * run the body; this is everything they say on the wire. Prior art: tractor's {@code
 * Portal.open_context} and {@code Portal.open_stream_from}.
 *
 * <p>Threads: the calling task only.
 */
public final class ContextOpening {
  private ContextOpening() {}

  /**
   * Sends the {@code cmd} and waits for {@code functype} (and, with {@code waitStarted}, {@code
   * started}). If this fails or is cancelled, the remote task is cancelled.
   *
   * @param expected {@link Msg#CONTEXT} or {@link Msg#ASYNCGEN}
   * @return the {@code started} value (null without {@code waitStarted})
   */
  public static Object start(PeerChannel chan, ContextLink link, String ns, String func, Map<String, Object> kwargs,
      String expected, boolean waitStarted) {
    boolean ok = false;
    boolean sent = false;
    try {
      link.opening();
      chan.sendCmd(ns, func, kwargs, link.cid());
      sent = true;
      Msg m = link.nextMessage();
      if (m instanceof Msg.Error) throw link.remoteError().raisedHere();
      if (!(m instanceof Msg.Functype ft) || !expected.equals(ft.kind())) {
        throw new IllegalStateException(ns + "." + func + " is not a " + (Msg.CONTEXT.equals(expected) ? "context" : "streaming")
            + " function (the peer answered " + m + ")");
      }
      if (!waitStarted) {
        ok = true;
        return null;
      }
      m = link.nextMessage();
      switch (m) {
        case Msg.Started st -> {
          ok = true;
          return st.value();
        }
        case Msg.Error e -> throw link.remoteError().raisedHere();
        default -> throw new IllegalStateException("expected started from " + ns + "." + func + ", got " + m);
      }
    } finally {
      if (!ok && sent && link.remoteError() == null) link.cancel();
    }
  }

  /** Opens a stream from the peer's streaming function: its link, its stream open here. */
  public static ContextLink openStreamFrom(PeerChannel chan, String ns, String func, Map<String, Object> kwargs) {
    ContextLink link = chan.openContextLink(func);
    boolean ok = false;
    try {
      start(chan, link, ns, func, kwargs, Msg.ASYNCGEN, false);
      link.openStream(ContextLink.DEFAULT_BUFFER, false);
      ok = true;
      return link;
    } finally {
      if (!ok) chan.forget(link);
    }
  }

  /**
   * The caller's body failed with {@code failure}: unless the callee's own error caused it, the
   * callee is cancelled (its stream here closed first).
   */
  public static void bodyFailed(ContextLink link, Throwable failure) {
    if (failure != link.remoteError()) {
      link.closeStream();
      link.cancel();
    }
  }

  /**
   * The caller's body ended, normally or cancelled by the callee's error: closes the stream open
   * here and waits for the callee's outcome (bounded when this side asked for the cancellation).
   */
  public static void awaitOutcome(ContextLink link) {
    link.closeStream();
    if (link.cancelCalled()) {
      Sc.shielded(s -> {
        s.setRelativeDeadline(link.cancelTimeout());
        link.awaitResult();
      });
    } else {
      link.awaitResult();
    }
  }

  /** The caller is done with the context or stream: its connection stops routing to it. */
  public static void close(PeerChannel chan, ContextLink link) {
    chan.forget(link);
  }
}
