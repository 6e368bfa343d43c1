package io.jtractor.wire;

import java.io.IOException;

/** Something on one channel's wire was wrong; the channel cannot be trusted further. */
public class WireException extends IOException {
  private static final long serialVersionUID = 1L;

  public WireException(String message) {
    super(message);
  }

  public WireException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A frame whose bytes are not one valid msgpack object, or not a valid message. */
  public static final class Malformed extends WireException {
    private static final long serialVersionUID = 1L;

    public Malformed(String message) {
      super(message);
    }

    public Malformed(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A frame whose announced length exceeds the configured limit; its body is never read. */
  public static final class FrameTooLarge extends WireException {
    private static final long serialVersionUID = 1L;

    public FrameTooLarge(long length, int limit) {
      super("frame of " + length + " bytes exceeds the limit of " + limit + " bytes");
    }
  }

  /**
   * The transport closed: end of stream, a reset, or a peer that vanished mid-frame. Prior art:
   * tractor's {@code TransportClosed}.
   */
  public static final class TransportClosed extends WireException {
    private static final long serialVersionUID = 1L;

    public TransportClosed(String message) {
      super(message);
    }

    public TransportClosed(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The handshake refused the peer: it failed to prove the shared secret, or is a kind of peer the
   * policy does not accept. The connection is closed and nothing it sent is acted on.
   */
  public static final class Refused extends WireException {
    private static final long serialVersionUID = 1L;

    public Refused(String message) {
      super(message);
    }
  }
}
