package io.jtractor.wire;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes frames: a {@code u32} little-endian length, then the body, as one write. Any thread may
 * write; frames never interleave (a FIFO lock, as tractor's per-connection send lock).
 */
public final class FrameWriter {
  private final OutputStream out;
  private final ReentrantLock lock = new ReentrantLock(true);
  /** The length prefix of the frame being written; guarded by {@code lock}. */
  private final byte[] header = new byte[4];

  /** @param out where frames go; flushed after every frame */
  public FrameWriter(OutputStream out) {
    this.out = Objects.requireNonNull(out, "out");
  }

  /**
   * Whether a thread is writing now (holds the frame lock): its frames may be partly out, the
   * rest to follow, so nothing may be handed over between them.
   */
  boolean writing() {
    return lock.isLocked();
  }

  /** Writes one frame with {@code body}. */
  public void write(byte[] body) throws IOException {
    lock.lock();
    try {
      writeFrame(body);
      out.flush();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Writes several frames with one flush, so that they leave in one segment when they fit: the
   * reader is woken once, not once per frame.
   */
  public void write(byte[]... bodies) throws IOException {
    lock.lock();
    try {
      for (byte[] body : bodies) writeFrame(body);
      out.flush();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Header, then body, into the buffered stream: no framed copy of the body is made (the stream's
   * buffer is the one copy). Called under {@code lock}.
   */
  private void writeFrame(byte[] body) throws IOException {
    int n = body.length;
    header[0] = (byte) n;
    header[1] = (byte) (n >>> 8);
    header[2] = (byte) (n >>> 16);
    header[3] = (byte) (n >>> 24);
    out.write(header);
    out.write(body);
  }

  /** The bytes of one frame: header and body. */
  public static byte[] frame(byte[] body) {
    int n = body.length;
    byte[] frame = new byte[4 + n];
    frame[0] = (byte) n;
    frame[1] = (byte) (n >>> 8);
    frame[2] = (byte) (n >>> 16);
    frame[3] = (byte) (n >>> 24);
    System.arraycopy(body, 0, frame, 4, n);
    return frame;
  }
}
