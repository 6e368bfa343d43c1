package io.jtractor.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One direction of a {@link MemoryConnection}: a bounded ring of bytes with a blocking reader and
 * a blocking writer, as a socket's receive buffer is. The bytes are copied in and out: nothing
 * the writer still holds is ever seen by the reader.
 *
 * <p>Semantics kept from a socket: a write waits while the ring is full and fails once the pipe
 * is closed; a read waits while it is empty, returns what is there (never waits to fill the
 * caller's buffer), and after a close returns what is left, then the end of stream. A close wakes
 * every waiter. Where we deviate: an interrupt neither wakes nor fails a blocked read or write
 * (the interrupt stays set), as with a platform thread's socket; a close is what ends them.
 *
 * <p>Lending: once the receiving end has a {@link DirectReader}, a write that finds the reader
 * waiting at a frame boundary with the ring empty is lent to the writer instead: the writer keeps
 * the bytes, and once its write is over ({@link #deliverLent}, outside the sender's frame lock)
 * hands the whole frames the receiving end accepts straight to it, on the writer's own thread,
 * and puts the rest back in front of the ring. The reader stays waiting until the lend ends, so
 * the receiving end sees every message in order and from one thread at a time; a message then
 * costs one thread hand-over (to whoever waits for it) instead of two (the reader, then them).
 *
 * <p>A writer may be lent the reader's place for decoded messages too ({@link #lendMessages}): the
 * same conditions and order, with no bytes at all for what the receiving end takes.
 *
 * <p>Threads: one reader and one writer of bytes at a time (the wire's rule for a connection),
 * and beside them one lender of messages at a time; {@link #close()} from any thread. Every field
 * below is guarded by {@link #lock} but {@link #direct}.
 */
final class MemoryPipe {
  /** The ring's largest size: larger than a {@link WireChannel}'s write buffer, so a flush rarely waits. */
  static final int CAPACITY = 256 << 10;
  /**
   * The ring's first size. It doubles, up to {@link #CAPACITY}, when a write finds it too small:
   * most links carry small messages, and a quarter MiB zeroed each way per link was a tenth of an
   * in-process spawn.
   */
  static final int INITIAL = 8 << 10;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition readable = lock.newCondition();
  private final Condition writable = lock.newCondition();
  private byte[] ring = new byte[INITIAL];
  /** Where the next byte is read. */
  private int head;
  /** Bytes in the ring. */
  private int count;
  /**
   * Whether either end closed the pipe: written under {@link #lock}, read under it by the pipe's
   * own waits and without it by {@link #isClosed} (asked before each queued send).
   */
  private volatile boolean closed;
  /** Whether the reader waits for bytes (so a write must signal). */
  private boolean readerWaits;
  /** Whether the writer waits for room (so a read must signal). */
  private boolean writerWaits;
  /** The receiving end's taker of lent bytes: set once its message loop runs, cleared as it ends. */
  private volatile DirectReader direct;
  /** Whether a write is lent: the reader waits until it ends, whatever the ring holds. */
  private boolean lent;
  /** The lent bytes, until the thread that wrote them ({@link #lentTo}) delivers them. */
  private byte[] lentBytes;
  private Thread lentTo;

  /**
   * The receiving end's side of a lend. Both are called by the writer: {@link #atFrameBoundary}
   * under the pipe's lock while the reader waits in it, {@link #take} without it.
   */
  interface DirectReader {
    /** Whether the reader has nothing of a frame buffered: the next byte begins one. */
    boolean atFrameBoundary();

    /**
     * Takes whole frames from the front of {@code bytes[0, len)}, in order, as long as it
     * accepts them; returns how many bytes it took. Never throws, never blocks.
     */
    int take(byte[] bytes, int len);

    /**
     * Takes messages from the front of {@code msgs}, in order, as long as it accepts them;
     * returns how many it took. Never throws, never blocks.
     */
    int takeMessages(java.util.List<? extends Msg> msgs);

    /** Whether it takes messages at all ({@link #takeMessages} may still decline some). */
    boolean takesMessages();
  }

  final InputStream input = new InputStream() {
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      return len == 0 ? 0 : take(b, off, len);
    }

    @Override
    public int available() {
      lock.lock();
      try {
        return count;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void close() {
      MemoryPipe.this.close();
    }
  };

  final OutputStream output = new OutputStream() {
    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      put(b, off, len);
    }

    @Override
    public void close() {
      MemoryPipe.this.close();
    }
  };

  private int take(byte[] b, int off, int len) {
    lock.lock();
    try {
      while (count == 0 || lent) {
        if (closed && !lent) return -1;
        readerWaits = true;
        readable.awaitUninterruptibly();
      }
      readerWaits = false;
      int n = Math.min(len, count);
      int first = Math.min(n, ring.length - head);
      System.arraycopy(ring, head, b, off, first);
      System.arraycopy(ring, 0, b, off + first, n - first);
      head = (head + n) % ring.length;
      count -= n;
      if (writerWaits) writable.signal();
      return n;
    } finally {
      lock.unlock();
    }
  }

  private void put(byte[] b, int off, int len) throws IOException {
    lock.lock();
    try {
      DirectReader d = direct;
      if (d != null && len > 0 && !lent && readerWaits && count == 0 && !closed && d.atFrameBoundary()) {
        lent = true;
        lentTo = Thread.currentThread();
        lentBytes = java.util.Arrays.copyOfRange(b, off, off + len);
        return;
      }
      while (len > 0) {
        if (count + len > ring.length && !closed) {
          // The thread holding a lend must not wait for a reader that waits for the lend to end.
          if (lentTo == Thread.currentThread()) grow(count + len, Integer.MAX_VALUE);
          else if (ring.length < CAPACITY) grow(count + len);
        }
        while (count == ring.length && !closed) {
          writerWaits = true;
          writable.awaitUninterruptibly();
        }
        writerWaits = false;
        if (closed) throw new IOException("the in-memory connection is closed");
        int n = Math.min(len, ring.length - count);
        int tail = (head + count) % ring.length;
        int first = Math.min(n, ring.length - tail);
        System.arraycopy(b, off, ring, tail, first);
        System.arraycopy(b, off + first, ring, 0, n - first);
        count += n;
        off += n;
        len -= n;
        if (readerWaits && !lent) readable.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * The writer, once its write is over: hands what it was lent to the receiving end, puts back
   * what that did not take, and ends the lend. A no-op unless this thread holds a lend.
   */
  void deliverLent() {
    byte[] bytes;
    DirectReader d;
    lock.lock();
    try {
      if (lentTo != Thread.currentThread()) return;
      bytes = lentBytes;
      lentBytes = null;
      lentTo = null;
      d = direct;
    } finally {
      lock.unlock();
    }
    int taken = 0;
    try {
      if (d != null) taken = d.take(bytes, bytes.length);
    } finally {
      endLend(bytes, taken, bytes.length - taken);
    }
  }

  /**
   * Ends a lend of bytes or messages: {@code b[off, off + len)} (whole frames the receiving end did
   * not take) goes in front of anything written meanwhile, and the reader reads on.
   */
  private void endLend(byte[] b, int off, int len) {
    lock.lock();
    try {
      putBack(b, off, len);
      lent = false;
      if (readerWaits && (count > 0 || closed)) readable.signal();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Begins a lend of messages instead of bytes: on the conditions of a lent write (the reader
   * waits at a frame boundary, nothing unread, no lend), the reader stays waiting until {@link
   * #endMessageLend}, and the caller hands its messages to the returned taker meanwhile. Null, and
   * nothing changes, when those do not hold.
   */
  DirectReader lendMessages() {
    lock.lock();
    try {
      DirectReader d = direct;
      if (d == null || lent || !readerWaits || count != 0 || closed || !d.takesMessages() || !d.atFrameBoundary()) {
        return null;
      }
      lent = true;
      return d;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Ends a lend of messages: {@code frames} (what the receiving end declined, encoded as whole
   * frames) goes in front of anything written meanwhile, and the reader reads on.
   */
  void endMessageLend(byte[] frames) {
    endLend(frames, 0, frames.length);
  }

  /** Sets or clears the receiving end's taker of lent bytes. */
  void directReader(DirectReader reader) {
    direct = reader;
  }

  /**
   * Puts {@code len} bytes in front of what the ring holds (bytes lent and not taken precede
   * anything written during the lend); the ring grows past {@link #CAPACITY} if it must. Under
   * {@link #lock}.
   */
  private void putBack(byte[] b, int off, int len) {
    if (len == 0) return;
    if (count + len > ring.length) grow(count + len, Integer.MAX_VALUE);
    head = Math.floorMod(head - len, ring.length);
    int first = Math.min(len, ring.length - head);
    System.arraycopy(b, off, ring, head, first);
    System.arraycopy(b, off + first, ring, 0, len - first);
    count += len;
  }

  /** Doubles the ring until it holds {@code needed} bytes or reaches {@link #CAPACITY}; under {@link #lock}. */
  private void grow(int needed) {
    grow(needed, CAPACITY);
  }

  private void grow(int needed, int limit) {
    int size = ring.length;
    while (size < needed && size < limit) size *= 2;
    byte[] bigger = new byte[Math.min(size, limit)];
    int first = Math.min(count, ring.length - head);
    System.arraycopy(ring, head, bigger, 0, first);
    System.arraycopy(ring, 0, bigger, first, count - first);
    ring = bigger;
    head = 0;
  }

  /** Ends the pipe: the writer fails from now on, the reader gets what is left, then the end. */
  void close() {
    lock.lock();
    try {
      closed = true;
      readable.signalAll();
      writable.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Whether the reader waits for bytes now (for tests). */
  boolean readerWaits() {
    lock.lock();
    try {
      return readerWaits;
    } finally {
      lock.unlock();
    }
  }

  boolean isClosed() {
    return closed;
  }
}
