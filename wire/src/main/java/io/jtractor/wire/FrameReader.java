package io.jtractor.wire;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads frames: a {@code u32} little-endian length, then exactly that many bytes.
 *
 * <p>It buffers for itself (one read from the stream fills up to {@link #BUFFER_SIZE} bytes), so
 * that it can say without a system call whether a whole frame is already here ({@link
 * #hasBufferedFrame()}): the message loop uses that to deliver what one read brought in one go. A
 * {@code BufferedInputStream} cannot say it: its {@code available()} asks the socket every time.
 *
 * <p>Threads: not thread-safe; one reader per connection, used only by the thread that holds that
 * connection's reading.
 */
public final class FrameReader {
  /** The default limit on one frame's body: 64 MiB. */
  public static final int DEFAULT_MAX_FRAME = 64 << 20;

  /** How much one read from the stream may bring, at most. */
  static final int BUFFER_SIZE = 1 << 16;
  /**
   * The buffer's first size. It doubles, up to {@link #BUFFER_SIZE}, each time a read fills all
   * the room it was offered: a connection that carries a few small messages holds a few KiB, one
   * that streams grows in a few reads.
   */
  static final int INITIAL_BUFFER = 4 << 10;

  private final InputStream in;
  /** The largest body accepted now; only the reading thread changes it. */
  private int maxFrame;
  /** Bytes read but not yet returned are {@code buf[start, end)}; all three owned by the reading thread. */
  private byte[] buf = new byte[INITIAL_BUFFER];
  private int start;
  private int end;
  /** Whether a frame larger than the buffer is being read straight into its body; reading thread only. */
  private boolean inBody;

  /**
   * @param in where frames come from, unbuffered (this buffers)
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
   * Whether a whole frame is buffered already, so that {@link #read()} will return it without
   * touching the stream. No system call; false when in doubt (a frame over the limit, a partial one).
   */
  public boolean hasBufferedFrame() {
    int have = end - start;
    if (have < 4) return false;
    long length = lengthAt(start);
    return length <= maxFrame && have - 4 >= length;
  }

  /**
   * What a frame's body is made into where it lies: {@code buf[from, to)}, which it may read only
   * until it returns (the buffer is the reader's, and the next read overwrites it).
   */
  @FunctionalInterface
  public interface Body<T> {
    T decode(byte[] buf, int from, int to) throws WireException.Malformed;
  }

  /** A body as an array of its own. */
  private static final Body<byte[]> COPY = (buf, from, to) -> Arrays.copyOfRange(buf, from, to);

  /**
   * Reads the next frame's body.
   *
   * @throws WireException.TransportClosed at end of stream (clean, between frames, or mid-frame)
   *     or when the connection fails
   * @throws WireException.FrameTooLarge if the announced length exceeds the limit
   */
  public byte[] read() throws WireException {
    return read(COPY);
  }

  /**
   * Reads the next frame and makes its body into what {@code body} gives, from the buffer where
   * the whole frame is buffered already (the common case: no copy), else from an array of its
   * own. The frame is consumed whether or not {@code body} succeeds.
   *
   * @throws WireException.TransportClosed at end of stream (clean, between frames, or mid-frame)
   *     or when the connection fails
   * @throws WireException.FrameTooLarge if the announced length exceeds the limit
   * @throws WireException.Malformed if {@code body} throws it
   */
  public <T> T read(Body<T> body) throws WireException {
    try {
      if (!fill(4)) throw new WireException.TransportClosed("peer closed the connection");
      long length = lengthAt(start);
      if (length > maxFrame) {
        throw new WireException.FrameTooLarge(length, maxFrame);
      }
      int n = (int) length;
      int bodyStart = start + 4;
      if (end - bodyStart >= n) { // the common case: the whole frame is here
        start = bodyStart + n;
        return body.decode(buf, bodyStart, bodyStart + n);
      }
      // A frame larger than what is buffered: take what is here, read the rest straight into it.
      byte[] whole = new byte[n];
      int have = end - bodyStart;
      System.arraycopy(buf, bodyStart, whole, 0, have);
      start = end = 0;
      inBody = true;
      for (int got = have; got < n; ) {
        int r = in.read(whole, got, n - got);
        if (r < 0) throw new WireException.TransportClosed("peer vanished mid-frame: got " + got + " of " + n + " bytes");
        got += r;
      }
      inBody = false;
      @SuppressWarnings("unchecked")
      T copied = body == COPY ? (T) whole : body.decode(whole, 0, n); // no second copy of a large frame
      return copied;
    } catch (WireException e) {
      throw e;
    } catch (IOException e) {
      throw new WireException.TransportClosed("transport failed: " + e, e);
    }
  }

  /**
   * Makes at least {@code n} (at most {@link #BUFFER_SIZE}) bytes buffered, reading as needed.
   *
   * @return false at a clean end of stream with nothing buffered
   * @throws WireException.TransportClosed at an end of stream after part of a frame
   */
  private boolean fill(int n) throws IOException, WireException {
    if (end - start >= n) return true;
    if (buf.length - start < n) { // not enough room behind start: move what is left to the front
      System.arraycopy(buf, start, buf, 0, end - start);
      end -= start;
      start = 0;
    }
    while (end - start < n) {
      int room = buf.length - end;
      int r = in.read(buf, end, room);
      if (r < 0) {
        if (end == start) return false;
        throw new WireException.TransportClosed("peer vanished mid-frame: got " + (end - start) + " bytes of a header");
      }
      end += r;
      if (r == room && buf.length < BUFFER_SIZE) buf = Arrays.copyOf(buf, buf.length * 2); // more may be waiting
    }
    return true;
  }

  /**
   * Reads once from the stream into the buffer, unless a whole frame is buffered already: waits
   * for at least one byte, or the stream's end (which the next {@link #read()} meets again).
   * Between frames only (not while {@link #read()} runs). A read timeout of the stream's propagates
   * as it is and leaves the buffer as it was.
   */
  void readSome() throws IOException {
    if (hasBufferedFrame()) return;
    if (start == end) {
      start = end = 0;
    } else if (end == buf.length) { // no room behind the partial frame: move it to the front
      System.arraycopy(buf, start, buf, 0, end - start);
      end -= start;
      start = 0;
    }
    int room = buf.length - end;
    if (room == 0) return; // a partial frame fills the buffer: read() takes it from here
    int r = in.read(buf, end, room);
    if (r > 0) {
      end += r;
      if (r == room && buf.length < BUFFER_SIZE) buf = Arrays.copyOf(buf, buf.length * 2);
    }
  }

  /**
   * Whether nothing of the next frame is here: none of it buffered, and none waiting in the stream
   * ({@link InputStream#available()}: a system call on a socket). Between frames only; false when
   * the stream cannot say.
   */
  boolean quiet() {
    if (start != end || inBody) return false;
    try {
      return in.available() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Whether nothing of a frame has been read yet: the stream's next byte begins a frame. Asked by
   * an in-memory pipe's writer while the reading thread waits in that pipe (whose lock orders the
   * two), never while it reads.
   */
  boolean atFrameBoundary() {
    return start == end && !inBody;
  }

  /** The buffer's size now (for tests). */
  int bufferSize() {
    return buf.length;
  }

  private long lengthAt(int i) {
    return lengthAt(buf, i);
  }

  /** The length prefix at {@code b[i, i + 4)}: a {@code u32}, little-endian. */
  static long lengthAt(byte[] b, int i) {
    return Integer.toUnsignedLong((b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24);
  }
}
