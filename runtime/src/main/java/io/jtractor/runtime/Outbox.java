package io.jtractor.runtime;

import io.jtractor.errors.ConnectionLost;
import io.jtractor.sc.Sc;
import io.jtractor.wire.FrameBuffer;
import io.jtractor.wire.Msg;
import io.jtractor.wire.MsgCodec;
import io.jtractor.wire.Uid;
import io.jtractor.wire.WireChannel;
import io.jtractor.wire.WireException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sending half of one {@link PeerChannel}: every frame to the peer leaves through here, either
 * written at once by the sending thread or queued behind a burst for the write-behind task.
 *
 * <p>Every message is encoded before anything is written or queued, so an unencodable one fails
 * its sender and leaves nothing half sent. Writes are shielded: an interrupt that cancels the
 * writing task would close the socket (what an interrupted virtual thread does to a blocked
 * write) and kill the connection for every other call on it.
 *
 * <p>Threads: any thread sends. At most one writer task drains the write-behind queue at a time;
 * while it is active every send queues behind it, so frames leave in the order they were sent.
 * {@link #outLock} guards the queue and the hand-over of {@link #writerActive}.
 */
final class Outbox {
  private final PeerChannel ch;
  private final WireChannel wire;
  private final Uid peer;

  /** Guards {@link #outQueue} and the changes of {@link #writerActive}. */
  private final ReentrantLock outLock = new ReentrantLock();
  /**
   * What waits for the writer task, in order: encoded frames ({@code byte[]}); runs of stream
   * items encoded straight into a {@link FrameBuffer}, whole frames, each item appended to the
   * last one while it is the queue's tail; and on an in-memory link stream items in their decoded
   * form ({@link Msg.Yield}), handed over without encoding ({@link WireChannel#sendDirect}).
   * Guarded by {@link #outLock}.
   */
  private ArrayList<Object> outQueue = new ArrayList<>();
  /** A frame buffer the writer has written and cleared, for the next run of items; guarded by {@link #outLock}. */
  private FrameBuffer spareFrames;
  /** Whether stream items may wait in their decoded form: an in-memory link. */
  private final boolean decodedItems;
  /** Whether a writer task owns the queue; changed under {@link #outLock}, read without it. */
  private volatile boolean writerActive;
  /**
   * When the last writer task found the queue empty and ended (System.nanoTime), 0 before any:
   * every item it wrote was sent before then. Written before {@link #writerActive} is cleared.
   */
  private volatile long idleSince;
  /** How many writer tasks were started; written under {@link #outLock}, read by anyone. */
  private volatile long writersStarted;
  /**
   * Stream items handed to an in-memory peer in their decoded form ({@link WireChannel#sendDirect}).
   * Written by the writer task (one at a time), read by anyone.
   */
  private volatile long decodedItemsSent;
  /**
   * The encoder of messages sent at once, taken by one sender at a time for its encoding; null
   * while taken (a sender that finds it so encodes with a small one of its own: {@link
   * #takeEncoder}). A call, its answers
   * or a cancel's are then encoded with no buffer made and grown per message (a cancel's error
   * began at 1 KiB: the most of a C1 child's allocation per cancel). A lone stream item is not:
   * its 64-byte start fits it already.
   */
  private final AtomicReference<MsgCodec.Encoder> encoder = new AtomicReference<>(new MsgCodec.Encoder());
  /** Set once a {@code None} sentinel went out on this connection: one is never answered twice. */
  private volatile boolean sentinelSent;

  Outbox(PeerChannel ch) {
    this.ch = ch;
    this.wire = ch.wire;
    this.peer = ch.peer;
    this.decodedItems = wire.canSendDirect();
  }

  /**
   * Sends messages, in one write.
   *
   * @throws ConnectionLost if the connection is gone
   * @throws IllegalArgumentException if msgpack cannot carry one (then nothing was sent)
   */
  void send(Msg... msgs) {
    writeOrLost(encode(msgs));
  }

  /**
   * Sends one stream item at once, encoded with no message record ({@link MsgCodec#encodeYield}):
   * a lone item, such as a reply.
   *
   * @throws ConnectionLost if the connection is gone
   * @throws IllegalArgumentException if msgpack cannot carry the value (then nothing was sent)
   */
  void sendItem(String cid, Object value) {
    writeOrLost(new byte[][] {MsgCodec.encodeYield(cid, value)});
  }

  /**
   * Sends a call's {@code cmd} at once, encoded with no message record ({@link
   * MsgCodec.Encoder#encodeCmd}).
   *
   * @throws ConnectionLost if the connection is gone
   * @throws IllegalArgumentException if msgpack cannot carry an argument (then nothing was sent)
   */
  void sendCmd(String ns, String func, java.util.Map<String, Object> kwargs, Uid caller, String cid) {
    MsgCodec.Encoder e = takeEncoder();
    byte[] frame;
    try {
      frame = e.encodeCmd(ns, func, kwargs, caller, cid);
    } finally {
      giveBack(e);
    }
    writeOrLost(new byte[][] {frame});
  }

  /**
   * A plain call's answer encoded with no message record ({@link MsgCodec.Encoder#encodeAnswer}):
   * its {@code functype} first if {@code functype}, then its {@code return}.
   *
   * @throws IllegalArgumentException if msgpack cannot carry {@code value}
   */
  byte[][] encodeAnswer(String cid, Object value, boolean functype) {
    MsgCodec.Encoder e = takeEncoder();
    try {
      return e.encodeAnswer(cid, value, functype);
    } finally {
      giveBack(e);
    }
  }

  /**
   * The kept {@link #encoder}, or, while another sender has it, a small one of this sender's own
   * (not worth waiting for); {@link #giveBack} it after.
   */
  private MsgCodec.Encoder takeEncoder() {
    MsgCodec.Encoder e = encoder.getAndSet(null);
    return e != null ? e : MsgCodec.Encoder.forFew();
  }

  /** Keeps {@code e} for the next sender, unless one is kept already (then {@code e} is let go). */
  private void giveBack(MsgCodec.Encoder e) {
    encoder.compareAndSet(null, e);
  }

  /** {@link #write}, a closed connection raised as {@link ConnectionLost}. */
  private void writeOrLost(byte[][] frames) {
    try {
      write(frames);
    } catch (WireException e) {
      throw new ConnectionLost("connection to " + peer + " is closed", e);
    }
  }

  /** Sends, ignoring a closed connection (replies whose caller has gone). */
  void sendQuietly(Msg... msgs) {
    sendQuietly(encode(msgs));
  }

  /** {@link #sendQuietly(Msg...)} for frames encoded already. */
  void sendQuietly(byte[][] frames) {
    try {
      write(frames);
    } catch (WireException e) {
      Log.RUNTIME.debug("dropping a reply to " + peer + ": " + e.getMessage());
    }
  }

  /** Sends the {@code None} sentinel unless one went out already; true if this call sent it. */
  boolean sendSentinelOnce() {
    if (sentinelSent) return false;
    sentinelSent = true;
    sendQuietly(Msg.SENTINEL);
    return true;
  }

  /**
   * Encodes every message before any is written or queued.
   *
   * @throws IllegalArgumentException if msgpack cannot carry a message
   */
  byte[][] encode(Msg... msgs) {
    byte[][] frames = new byte[msgs.length][];
    MsgCodec.Encoder e = takeEncoder();
    try {
      for (int i = 0; i < msgs.length; i++) frames[i] = e.encode(msgs[i]);
    } finally {
      giveBack(e);
    }
    return frames;
  }

  /**
   * Writes encoded frames, shielded. No deadline (a timer per write would cost a thread wake-up):
   * a write to a peer that never reads is ended by the actor closing its connections as it stops.
   * The one path every send but a burst takes.
   */
  private void write(byte[][] frames) throws WireException {
    if (writerActive && enqueueIfWriting(frames)) return; // keep the order behind queued items
    WireException[] failed = {null};
    InlineCallWatch.Run inline = InlineCallWatch.ownWriteBegins(); // a slow peer must not hold the reading
    try {
      Sc.shielded(
          s -> {
            try {
              wire.sendEncoded(frames);
            } catch (WireException e) {
              failed[0] = e;
            }
          });
    } finally {
      InlineCallWatch.ownWriteEnds(inline);
    }
    if (failed[0] != null) throw failed[0];
  }

  /**
   * Sends stream item {@code value} of context {@code cid} without waiting for the socket write:
   * it is encoded here, straight into the queue's frame buffer (so an unencodable value fails
   * the caller, and leaves nothing queued), and one writer task writes everything queued in one
   * system call. A producer sending a burst thus pays an encoding into a shared buffer per item,
   * no record or array of its own, instead of a write, and the items leave in large segments
   * (see docs/design.md, "Write-behind"). On an in-memory link an item with a decoded form waits
   * as that, unencoded ({@link #queueableOnMemoryLink}).
   *
   * @param startWriter whether to start a writer task if none is busy; without, the item is queued
   *     only behind a busy one (every send then queues behind it)
   * @return false, with nothing sent, if no writer is busy and {@code startWriter} is not set
   * @throws ConnectionLost if the connection is gone
   * @throws IllegalArgumentException if msgpack cannot carry the value
   */
  boolean sendItemBehind(String cid, Object value, boolean startWriter) {
    if (!startWriter && !writerActive) return false;
    Object item = decodedItems ? queueableOnMemoryLink(new Msg.Yield(cid, value)) : null;
    outLock.lock();
    try {
      if (!startWriter && !writerActive) return false;
      if (ch.ended.isSet() || !wire.isOpen()) throw new ConnectionLost("connection to " + peer + " is closed");
      if (item != null) outQueue.add(item);
      else appendFrameLocked(cid, value);
      if (writerActive) return true;
      writerActive = true;
      writersStarted++;
    } finally {
      outLock.unlock();
    }
    try {
      ch.actor.service().startSoon("writer:" + peer.name(), this::drainOutQueue);
    } catch (RuntimeException stopping) {
      drainOutQueue(); // the actor is stopping: write on this thread instead
    }
    return true;
  }

  /**
   * Appends the item's frame to the frame buffer at the queue's tail, or to a new one put there;
   * under {@link #outLock}. An unencodable value leaves the queue as it was.
   */
  private void appendFrameLocked(String cid, Object value) {
    int last = outQueue.size() - 1;
    if (last >= 0 && outQueue.get(last) instanceof FrameBuffer tail) {
      tail.appendYield(cid, value);
      return;
    }
    FrameBuffer frames = spareFrames != null ? spareFrames : new FrameBuffer();
    frames.appendYield(cid, value); // refused before the buffer is queued
    spareFrames = null;
    outQueue.add(frames);
  }

  /**
   * What the queue holds for a stream item on an in-memory link: its decoded form where it has one
   * (an immutable item needs no encoding to check it, nor to cross as a copy), else its encoding.
   *
   * @throws IllegalArgumentException if msgpack cannot carry the message
   */
  private static Object queueableOnMemoryLink(Msg.Yield y) {
    Object item = MsgCodec.decodedForm(y);
    return item != null ? item : MsgCodec.encode(y);
  }

  /** When the last writer task ended (System.nanoTime), 0 before any ended. */
  long idleSince() {
    return idleSince;
  }

  /** How many writer tasks {@link #sendItemBehind} started (a diagnostic, and for tests). */
  long writersStarted() {
    return writersStarted;
  }

  /** How many stream items went to an in-memory peer in their decoded form (a diagnostic, and for tests). */
  long decodedItemsSent() {
    return decodedItemsSent;
  }

  /** Queues encoded {@code frames} if the writer is active (checked under the lock); false if it is not. */
  private boolean enqueueIfWriting(byte[][] frames) {
    outLock.lock();
    try {
      if (!writerActive) return false;
      Collections.addAll(outQueue, frames);
      return true;
    } finally {
      outLock.unlock();
    }
  }

  /** The writer task: writes what is queued, batch after batch, until the queue is empty. */
  private void drainOutQueue() {
    ArrayList<Object> spare = null; // the batch written last, emptied: senders fill it next
    while (true) {
      ArrayList<Object> batch;
      outLock.lock();
      try {
        if (outQueue.isEmpty()) {
          idleSince = System.nanoTime();
          writerActive = false;
          return;
        }
        batch = outQueue;
        outQueue = spare != null ? spare : new ArrayList<>();
      } finally {
        outLock.unlock();
      }
      Sc.shielded(s -> {
        try {
          writeBatch(batch);
        } catch (WireException e) {
          Log.RUNTIME.debug("dropping queued messages to " + peer + ": " + e.getMessage());
          wire.close(); // the reader sees it and ends the loop: everyone waiting here is told
        } catch (RuntimeException | Error e) { // a bug of ours: the queue must not be left stuck
          Log.RUNTIME.error("closing the connection to " + peer + " after an internal error in its writer", e);
          wire.close();
        }
      });
      // Two lists take turns, so a burst of thousands does not grow a fresh one from ten entries
      // each batch (a fifth of an in-process item's samples); one grown past a window's worth is
      // let go rather than held for the connection's life.
      spare = batch.size() <= KEPT_BATCH ? batch : null;
      if (spare != null) spare.clear();
    }
  }

  /** Keeps a written frame buffer, cleared, for the next run of items, unless one is kept already. */
  private void recycle(FrameBuffer frames) {
    if (!frames.reusable()) return;
    frames.clear();
    outLock.lock();
    try {
      if (spareFrames == null) spareFrames = frames;
    } finally {
      outLock.unlock();
    }
  }

  /** The largest batch whose list is kept for the next one ({@link #drainOutQueue}). */
  private static final int KEPT_BATCH = 8192;

  /**
   * Writes a batch in order: each frame buffer as it is, each run of encoded frames in one write,
   * each run of decoded items handed over as they are if the peer's loop waits idle, else encoded
   * and written.
   */
  @SuppressWarnings("unchecked")
  private void writeBatch(ArrayList<Object> batch) throws WireException {
    int n = batch.size();
    for (int i = 0, j; i < n; i = j) {
      if (batch.get(i) instanceof FrameBuffer frames) {
        wire.sendFramed(frames);
        recycle(frames);
        j = i + 1;
        continue;
      }
      boolean items = batch.get(i) instanceof Msg.Yield;
      for (j = i + 1; j < n && !(batch.get(j) instanceof FrameBuffer) && batch.get(j) instanceof Msg.Yield == items; ) j++;
      if (!items) {
        wire.sendEncoded(batch.subList(i, j).toArray(new byte[0][]));
      } else {
        java.util.List<Msg.Yield> run = (java.util.List<Msg.Yield>) (java.util.List<?>) batch.subList(i, j);
        if (wire.sendDirect(run)) decodedItemsSent += run.size();
        else wire.sendEncoded(encode(run.toArray(new Msg[0])));
      }
    }
  }
}
