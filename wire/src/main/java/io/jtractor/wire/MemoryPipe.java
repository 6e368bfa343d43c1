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
 * <p>Threads: one reader and one writer at a time (the wire's rule for a connection); {@link
 * #close()} from any thread. Every field below is guarded by {@link #lock}.
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
  private boolean closed;
  /** Whether the reader waits for bytes (so a write must signal). */
  private boolean readerWaits;
  /** Whether the writer waits for room (so a read must signal). */
  private boolean writerWaits;

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
      while (count == 0) {
        if (closed) return -1;
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
      while (len > 0) {
        if (count + len > ring.length && ring.length < CAPACITY && !closed) grow(count + len);
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
        if (readerWaits) readable.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Doubles the ring until it holds {@code needed} bytes or reaches {@link #CAPACITY}; under {@link #lock}. */
  private void grow(int needed) {
    int size = ring.length;
    while (size < needed && size < CAPACITY) size *= 2;
    byte[] bigger = new byte[Math.min(size, CAPACITY)];
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

  boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }
}
