package io.jtractor.wire;

/**
 * Stream items encoded straight into one growable buffer as whole frames (length prefix and
 * body), to be written as they are ({@link WireChannel#sendFramed}): a burst of items costs no
 * message record and no array per item, only the bytes. The frames are those {@link
 * FrameWriter} would write for the same items, byte for byte.
 *
 * <p>An item that msgpack cannot carry is refused when it is appended, and leaves nothing
 * behind, so a sender learns of it at once and what was appended before it is still whole.
 *
 * <p>Threads: none of its own; whoever owns it guards it (a connection's outbox, under its lock,
 * then its writer task once the buffer is handed over).
 */
public final class FrameBuffer {
  /**
   * A buffer grown past this is not worth keeping for the next burst ({@link #reusable}): a
   * connection keeps one while it lives, and a stream's window of small items fits well within it.
   */
  static final int KEPT_CAPACITY = 256 << 10;

  private final MsgpackWriter w = new MsgpackWriter(4096);

  /**
   * Appends the frame of stream item {@code value} for context {@code cid}.
   *
   * @throws IllegalArgumentException if msgpack cannot carry {@code value} (nothing is appended)
   */
  public void appendYield(String cid, Object value) {
    MsgCodec.appendYieldFrame(w, cid, value);
  }

  /** How many bytes the frames take. */
  public int size() {
    return w.size();
  }

  /** Forgets every frame, keeping the memory for the next. */
  public void clear() {
    w.truncate(0);
  }

  /** Whether it is worth keeping, cleared, for the next burst: not grown huge by a large item. */
  public boolean reusable() {
    return w.buffer().length <= KEPT_CAPACITY;
  }

  /** The frames' bytes: the first {@link #size} of this array. */
  byte[] bytes() {
    return w.buffer();
  }
}
