package io.jtractor.wire;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
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
 * <p>Every frame handed over has an owner: each release of the lock is followed by a look at the
 * queue, a writer that queued tries the lock itself, and a writer that waits in the lock's queue
 * writes what was handed over first once it has the lock. No one takes the lock past a writer
 * already waiting in its queue (it is fair, and the quick attempts ask first), so a writer too
 * large to hand over is not starved by small ones; frames handed over meanwhile go out just
 * before its own.
 *
 * <p>Semantics kept: tractor's per-connection send lock (trio's {@code Lock}, fair): whole frames,
 * one thread's in the order it sent them, waiting writers served in turn. Where we deviate: a
 * writer whose frames were handed over returns before they are written. A failed write fails every
 * later write ({@link #failure}), and frames handed over and not yet written are dropped with it:
 * the connection is lost either way, and bytes a socket has accepted are no more delivered than
 * these.
 *
 * <p>Threads: any. {@link #header} and the stream are touched under {@link #lock} only; {@link
 * #handed} and {@link #handedBytes} are concurrent, and frames leave {@link #handed} under the
 * lock only.
 */
public final class FrameWriter {
  /** How many bytes of handed-over frames may wait for the holder of the lock. */
  static final int HAND_OVER_LIMIT = 64 << 10;

  private final OutputStream out;
  private final ReentrantLock lock = new ReentrantLock(true);
  /** The length prefix of the frame being written; guarded by {@code lock}. */
  private final byte[] header = new byte[PREFIX];
  /** Frames handed over by writers that found the lock taken, oldest first. */
  private final ConcurrentLinkedQueue<byte[][]> handed = new ConcurrentLinkedQueue<>();
  /** The bytes (headers included) of {@link #handed}: added before a frame goes in, taken off as it leaves. */
  private final AtomicLong handedBytes = new AtomicLong();
  /** The first write that failed: every later write fails with it. Set under the lock, read by anyone. */
  private volatile IOException failure;

  /** @param out where frames go; flushed after every write */
  public FrameWriter(OutputStream out) {
    this.out = Objects.requireNonNull(out, "out");
  }

  /**
   * Whether a thread is writing now (holds the frame lock), or frames handed over wait for one:
   * nothing may be handed to the peer past them. The queue is looked at first: frames leave it
   * under the lock only, and the lock is let go only after they are flushed.
   */
  boolean writing() {
    return !handed.isEmpty() || lock.isLocked();
  }

  /** Writes one frame with {@code body}. */
  public void write(byte[] body) throws IOException {
    write(new byte[][] {body});
  }

  /**
   * Writes several frames with one flush, so that they leave in one segment when they fit: the
   * reader is woken once, not once per frame. If another thread is writing, the frames may be
   * handed to it and this returns at once (see the class comment).
   *
   * @throws IOException if this write fails, or an earlier one did
   */
  public void write(byte[]... bodies) throws IOException {
    IOException failed = failure;
    if (failed != null) throw failed;
    if (!tryLockUnlessQueued()) {
      if (handOver(bodies)) return;
      lock.lock();
    }
    writeHoldingLock(bodies, null, 0, 0);
  }

  /**
   * Writes bytes that are whole frames already (prefixes included, as {@link FrameBuffer} holds
   * them) with one flush, after any frames handed over before. It waits for the lock rather than
   * hand them over: it is for a connection's writer task, which has nothing else to do.
   *
   * @throws IOException if this write fails, or an earlier one did
   */
  public void writeFramed(byte[] framed, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, framed.length);
    IOException failed = failure;
    if (failed != null) throw failed;
    lock.lock();
    writeHoldingLock(null, framed, off, len);
  }

  /**
   * With the lock held: the frames handed over, then {@code bodies} as frames, or else the bytes
   * of {@code framed} as they are, then one flush; a failure fails every later write. Lets go of
   * the lock, then writes what was handed over meanwhile. (No lambda: a direct write is on every
   * reply's path, and a child's C1 code would allocate and call through it each time.)
   */
  private void writeHoldingLock(byte[][] bodies, byte[] framed, int off, int len) throws IOException {
    try {
      IOException failed = failure; // a write that failed while this one waited for the lock
      if (failed != null) throw failed;
      writeHandedUnderLock();
      if (bodies != null) {
        for (byte[] body : bodies) writeFrame(body);
      } else {
        out.write(framed, off, len);
      }
      out.flush();
    } catch (IOException e) {
      failedUnderLock(e);
      throw e;
    } finally {
      lock.unlock();
    }
    writeHandedOver(); // frames handed over after this writer last looked
  }

  /** Takes the lock if it is free and no writer waits for it: no one passes a waiting writer. */
  private boolean tryLockUnlessQueued() {
    return !lock.hasQueuedThreads() && lock.tryLock();
  }

  /**
   * Queues {@code bodies} for the holder of the lock; false if too much waits already. Then takes
   * the lock if it is free by now, for the holder may have made its last look before the frames
   * were queued.
   */
  private boolean handOver(byte[][] bodies) {
    long size = sizeOf(bodies);
    if (handedBytes.addAndGet(size) > HAND_OVER_LIMIT) {
      handedBytes.addAndGet(-size);
      return false;
    }
    handed.add(bodies);
    writeHandedOver();
    return true;
  }

  /**
   * Writes whatever was handed over, as long as frames wait and the lock can be had without
   * passing a waiting writer (which writes them first once it has the lock). A failure fails every
   * later write.
   */
  private void writeHandedOver() {
    while (!handed.isEmpty() && tryLockUnlessQueued()) {
      try {
        if (failure != null) {
          dropHandedUnderLock();
        } else {
          writeHandedUnderLock();
          out.flush();
        }
      } catch (IOException e) {
        failedUnderLock(e);
      } finally {
        lock.unlock();
      }
    }
  }

  /** Writes the handed-over frames, oldest first, into the buffered stream; under {@code lock}. */
  private void writeHandedUnderLock() throws IOException {
    byte[][] bodies;
    while ((bodies = handed.poll()) != null) {
      handedBytes.addAndGet(-sizeOf(bodies));
      for (byte[] body : bodies) writeFrame(body);
    }
  }

  /** A write failed, under {@code lock}: every later write fails with it; what waits is dropped. */
  private void failedUnderLock(IOException e) {
    if (failure == null) failure = e;
    dropHandedUnderLock();
  }

  private void dropHandedUnderLock() {
    byte[][] bodies;
    while ((bodies = handed.poll()) != null) handedBytes.addAndGet(-sizeOf(bodies));
  }

  private static long sizeOf(byte[][] bodies) {
    long size = 0;
    for (byte[] body : bodies) size += PREFIX + body.length;
    return size;
  }

  /**
   * Waits, at most {@code millis}, until no frame handed over is still waiting or being written
   * (the connection's close comes next). It writes nothing itself: every frame handed over has a
   * writer that will write it (see the class comment), so a close never blocks in a write of its
   * own; a write stuck longer on a peer that does not read is ended by the close. An interrupt
   * does not cut the wait short, and is kept.
   */
  void settle(long millis) {
    if (handed.isEmpty()) return;
    long deadline = System.nanoTime() + millis * 1_000_000;
    boolean interrupted = Thread.interrupted(); // a closer in a cancelled scope waits all the same
    try {
      while ((!handed.isEmpty() || lock.isLocked()) && System.nanoTime() - deadline < 0) {
        LockSupport.parkNanos(this, SETTLE_LOOK_NANOS);
        interrupted |= Thread.interrupted();
      }
    } finally {
      if (interrupted) Thread.currentThread().interrupt();
    }
  }

  /** How often {@link #settle} looks whether the frames handed over are out. */
  private static final long SETTLE_LOOK_NANOS = 50_000;

  /**
   * Header, then body, into the buffered stream: no framed copy of the body is made (the stream's
   * buffer is the one copy). Called under {@code lock}.
   */
  private void writeFrame(byte[] body) throws IOException {
    putLength(header, 0, body.length);
    out.write(header);
    out.write(body);
  }

  /** The bytes of one frame: header and body. */
  public static byte[] frame(byte[] body) {
    int n = body.length;
    byte[] frame = new byte[PREFIX + n];
    putLength(frame, 0, n);
    System.arraycopy(body, 0, frame, PREFIX, n);
    return frame;
  }

  /** The length prefix's size: a frame is a {@code u32} little-endian length, then the body. */
  static final int PREFIX = 4;

  /** Puts a frame's length prefix for a body of {@code n} bytes into {@code into} at {@code at}. */
  static void putLength(byte[] into, int at, int n) {
    into[at] = (byte) n;
    into[at + 1] = (byte) (n >>> 8);
    into[at + 2] = (byte) (n >>> 16);
    into[at + 3] = (byte) (n >>> 24);
  }
}
