package io.jtractor.wire;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Reads frames: a {@code u32} little-endian length, then exactly that many bytes. Not thread-safe:
 * one reader per connection, used only by that connection's message loop.
 */
public final class FrameReader {
  /** The default limit on one frame's body: 64 MiB. */
  public static final int DEFAULT_MAX_FRAME = 64 << 20;

  private final InputStream in;
  /** The largest body accepted now; only the connection's reading thread changes it. */
  private int maxFrame;
  private final byte[] header = new byte[4];

  /**
   * @param in where frames come from (buffer it: this reads the header and body separately)
   * @param maxFrame the largest body accepted; a larger one fails without being read
   */
  public FrameReader(InputStream in, int maxFrame) {
    this.in = Objects.requireNonNull(in, "in");
    if (maxFrame < 1) throw new IllegalArgumentException("maxFrame must be positive: " + maxFrame);
    this.maxFrame = maxFrame;
  }

  /**
   * Changes the largest body accepted from now on (a handshake reads with a small limit, the
   * connection with its configured one once the peer is admitted).
   */
  public void maxFrame(int limit) {
    if (limit < 1) throw new IllegalArgumentException("maxFrame must be positive: " + limit);
    this.maxFrame = limit;
  }

  /**
   * Reads the next frame's body.
   *
   * @throws WireException.TransportClosed at end of stream (clean, between frames, or mid-frame)
   *     or when the connection fails
   * @throws WireException.FrameTooLarge if the announced length exceeds the limit
   */
  public byte[] read() throws WireException {
    try {
      int first = in.read();
      if (first < 0) {
        throw new WireException.TransportClosed("peer closed the connection");
      }
      header[0] = (byte) first;
      in.readNBytes(header, 1, 3);
      long length = Integer.toUnsignedLong(
          (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16 | (header[3] & 0xff) << 24);
      if (length > maxFrame) {
        throw new WireException.FrameTooLarge(length, maxFrame);
      }
      byte[] body = in.readNBytes((int) length);
      if (body.length < length) {
        throw new EOFException("peer vanished mid-frame: got " + body.length + " of " + length + " bytes");
      }
      return body;
    } catch (WireException e) {
      throw e;
    } catch (IOException e) {
      throw new WireException.TransportClosed("transport failed: " + e, e);
    }
  }
}
