package io.jtractor.wire;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * A buffered output stream whose buffer starts small and doubles, up to a limit, when a write
 * does not fit: a connection that carries a few small messages holds a few KiB, one that streams
 * grows to the limit after a handful of flushes.
 *
 * <p>Why not {@link java.io.BufferedOutputStream}: with an explicit size it allocates (and zeroes)
 * the whole buffer at once, and every connection has one: an in-process spawn makes several
 * links, most of which carry a few small messages (docs/design.md, "In-process spawn and message
 * path"). The JDK's own growable buffer applies only to its default size, 8 KiB, a quarter of a
 * socket's useful burst.
 *
 * <p>Semantics kept from {@code BufferedOutputStream}: bytes go out on {@link #flush()} or when
 * the buffer at its limit is full; a write larger than the limit goes straight through after what
 * is buffered. Threads: not thread-safe; its {@link FrameWriter} writes under its lock.
 */
final class GrowingBufferedOutput extends OutputStream {
  /** The buffer's first size. */
  static final int INITIAL = 4 << 10;

  private final OutputStream out;
  private final int limit;
  private byte[] buf;
  /** Bytes buffered: {@code buf[0, count)}. */
  private int count;

  /**
   * @param out where the bytes go
   * @param limit the largest the buffer grows to (at least {@link #INITIAL})
   */
  GrowingBufferedOutput(OutputStream out, int limit) {
    this.out = Objects.requireNonNull(out, "out");
    if (limit < INITIAL) throw new IllegalArgumentException("limit below " + INITIAL + ": " + limit);
    this.limit = limit;
    this.buf = new byte[INITIAL];
  }

  @Override
  public void write(int b) throws IOException {
    if (count == buf.length && !grow(count + 1)) drain();
    buf[count++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len >= limit) { // larger than any buffer: what is buffered first, then these straight through
      drain();
      out.write(b, off, len);
      return;
    }
    if (len > buf.length - count && !grow(count + len)) {
      drain(); // too much for one buffer: what is here goes first,
      grow(len); // then the buffer holds these alone (len < limit)
    }
    System.arraycopy(b, off, buf, count, len);
    count += len;
  }

  @Override
  public void flush() throws IOException {
    drain();
    out.flush();
  }

  @Override
  public void close() throws IOException {
    try {
      flush();
    } finally {
      out.close();
    }
  }

  /** Makes the buffer hold {@code needed} bytes if the limit allows; false if it cannot. */
  private boolean grow(int needed) {
    if (needed > limit) return false;
    if (needed <= buf.length) return true;
    int size = buf.length;
    while (size < needed) size *= 2;
    buf = Arrays.copyOf(buf, Math.min(size, limit));
    return true;
  }

  /** Writes out what is buffered, without flushing the stream below. */
  private void drain() throws IOException {
    if (count > 0) {
      out.write(buf, 0, count);
      count = 0;
    }
  }
}
