package io.jtractor.wire;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes frames: a {@code u32} little-endian length, then the body, as one write. Any thread may
 * write; frames never interleave, and one thread's frames leave in the order it wrote them.
 *
 * <p>One thread at a time writes to the stream (the lock). A writer that finds the lock taken
 * hands its frames over instead of waiting ({@link #handed}): the holder, or the next to take the
 * lock, writes them before anything of its own, in the order they were handed over. So a writer
 * is never put to sleep behind another's system call, and the holder never has to wake it: a
 * socket write wakes the peer, and on a busy CPU the peer then runs before the writer has let go
 * of the lock, so a waiting writer cost two more context switches (docs/design.md, "A cancel woke
 * its task twice"). Hand-overs stop at {@link #HAND_OVER_LIMIT} bytes waiting; beyond it writers
 * wait for the lock as before, which keeps a peer that reads slowly pushing back on every writer.
 *
 * <p>Semantics kept: the FIFO lock of tractor's per-connection send lock (trio's {@code Lock} is
 * fair) for writers that do wait. Where we deviate: a writer whose frames were handed over
 * returns before they are written, so a failure of that write reaches the writer that made it,
 * and the next writer after it ({@link #failure}), not the one that handed them over; the
 * connection is lost either way, and bytes a socket has taken are no more delivered than these.
 *
 * <p>Threads: any. {@link #header} and the stream are touched under {@link #lock} only; {@link
 * #handed} and {@link #handedBytes} are concurrent.
 */
public final class FrameWriter {
  /** How many bytes of handed-over frames may wait for the holder of the lock. */
  static final int HAND_OVER_LIMIT = 64 << 10;

  private final OutputStream out;
  private final ReentrantLock lock = new ReentrantLock(true);
  /** The length prefix of the frame being written; guarded by {@code lock}. */
  private final byte[] header = new byte[4];
  /** Frames handed over by writers that found the lock taken, oldest first. */
  private final ConcurrentLinkedQueue<byte[][]> handed = new ConcurrentLinkedQueue<>();
  /** The bytes (headers included) of {@link #handed}. */
  private final AtomicLong handedBytes = new AtomicLong();
  /**
   * The failure of a write of handed-over frames made after its writer had let go of the lock
   * ({@link #writeHandedOver}): the next write fails with it. Set once, read by anyone.
   */
  private volatile IOException failure;

  /** @param out where frames go; flushed after every write */
  public FrameWriter(OutputStream out) {
    this.out = Objects.requireNonNull(out, "out");
  }

  /**
   * Whether a thread is writing now (holds the frame lock), or frames handed over wait for one:
   * nothing may be handed to the peer past them.
   */
  boolean writing() {
    return lock.isLocked() || !handed.isEmpty();
  }

  /** Writes one frame with {@code body}. */
  public void write(byte[] body) throws IOException {
    write(new byte[][] {body});
  }

  /**
   * Writes several frames with one flush, so that they leave in one segment when they fit: the
   * reader is woken once, not once per frame. If another thread is writing, the frames may be
   * handed to it and this returns at once (see the class comment).
   */
  public void write(byte[]... bodies) throws IOException {
    IOException failed = failure;
    if (failed != null) throw failed;
    if (!lock.tryLock()) {
      if (handOver(bodies)) return;
      lock.lock();
    }
    try {
      writeHandedUnderLock();
      for (byte[] body : bodies) writeFrame(body);
      out.flush();
    } finally {
      lock.unlock();
    }
    writeHandedOver(); // frames handed over after this writer last looked
  }

  /**
   * Queues {@code bodies} for the holder of the lock; false if too much waits already. Then takes
   * the lock if it is free by now, for the holder may have made its last look before the frames
   * were queued.
   */
  private boolean handOver(byte[][] bodies) {
    long size = 0;
    for (byte[] body : bodies) size += 4 + body.length;
    if (handedBytes.get() + size > HAND_OVER_LIMIT) return false;
    handedBytes.addAndGet(size);
    handed.add(bodies);
    writeHandedOver();
    return true;
  }

  /**
   * Writes whatever was handed over, if the lock is free; as long as frames wait and the lock can
   * be had. A failure is kept for the next writer ({@link #failure}).
   */
  private void writeHandedOver() {
    while (!handed.isEmpty() && lock.tryLock()) {
      try {
        writeHandedUnderLock();
        out.flush();
      } catch (IOException e) {
        if (failure == null) failure = e;
        handed.clear();
        return;
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * Writes out frames handed over and not yet written, waiting at most {@code millis} for a writer
   * to let go of the lock (the connection's close comes next; a write stuck that long on a peer
   * that does not read is ended by it). Failures are kept for the next writer, as above.
   */
  void settle(long millis) {
    if (handed.isEmpty()) return;
    boolean locked;
    try {
      locked = lock.tryLock(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (!locked) return;
    try {
      writeHandedUnderLock();
      out.flush();
    } catch (IOException e) {
      if (failure == null) failure = e;
      handed.clear();
    } finally {
      lock.unlock();
    }
  }

  /** Writes the handed-over frames, oldest first, into the buffered stream; under {@code lock}. */
  private void writeHandedUnderLock() throws IOException {
    byte[][] bodies;
    while ((bodies = handed.poll()) != null) {
      long size = 0;
      for (byte[] body : bodies) {
        writeFrame(body);
        size += 4 + body.length;
      }
      handedBytes.addAndGet(-size);
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
