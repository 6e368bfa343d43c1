package io.jtractor.runtime;

import io.jtractor.sc.Event;
import io.jtractor.wire.ErrorInfo;
import io.jtractor.wire.Uid;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The flow control of one side of a context: how many stream items may wait here unconsumed
 * (tractor's {@code msg_buffer_size}, overruns allowed or not), and, between two jtractor peers,
 * credit: the receiver grants more as its application consumes items, and a sender waits for
 * credit instead of overrunning.
 *
 * <p>Threads: the message loop counts arrivals and grants (the other side's task grants too, over
 * a {@link ContextLane}, whose items take no credit); the consuming task counts consumption;
 * sending tasks take credit. Every counter is atomic; {@link #creditChanged} is
 * replaced (volatile) each time credit arrives or the context fails, to wake a waiting sender.
 */
final class StreamCredit {
  /** What to do with a stream item that arrives. */
  enum Arrival {
    /** Queue it for the consumer. */
    QUEUE,
    /** Refuse it: answer the sender with {@code StreamOverrun}. */
    OVERRUN,
    /** Drop it: overruns are allowed, but the overflow queue is full too. */
    DROP
  }

  private final boolean creditFlow;
  /**
   * Two counts in one word, so that an item consumed is one atomic update: the low 32 bits are
   * the stream items delivered and not yet consumed (arrivals increment, consumers decrement;
   * never negative, and bounded by the buffer and the overflow), the high 32 bits the items
   * consumed since the last grant sent to the peer.
   */
  private final AtomicLong counts = new AtomicLong();
  /** Adding this to {@link #counts} counts one item consumed: one more since the grant, one fewer queued. */
  private static final long ONE_CONSUMED = (1L << 32) - 1;
  /** The buffer, in items; set when a stream opens. */
  private volatile int capacity = ContextLink.DEFAULT_BUFFER;
  private volatile boolean allowOverruns;
  /** Items this side may still send before the peer grants more (credit flow only). */
  private final AtomicInteger sendCredits = new AtomicInteger(ContextLink.DEFAULT_BUFFER);
  /** Set and replaced whenever credits arrive or the context fails: wakes a waiting sender. */
  private volatile Event creditChanged = new Event();

  StreamCredit(boolean creditFlow) {
    this.creditFlow = creditFlow;
  }

  /** The loop: a stream item arrived; what to do with it. */
  Arrival arrive() {
    int n = (int) counts.incrementAndGet(); // the low word: queued
    int limit = limit();
    if (n <= limit) return Arrival.QUEUE;
    if (!allowOverruns) {
      counts.decrementAndGet();
      return Arrival.OVERRUN;
    }
    if (n > limit + ContextLink.OVERFLOW_LIMIT) {
      counts.decrementAndGet();
      return Arrival.DROP;
    }
    return Arrival.QUEUE;
  }

  /** How many items may wait unconsumed before an arrival overruns. */
  int limit() {
    return creditFlow ? Math.max(capacity, ContextLink.DEFAULT_BUFFER) : capacity;
  }

  /** A stream opened here with this buffer: the credit beyond the default to grant, or 0. */
  int open(int bufferSize, boolean overruns) {
    capacity = bufferSize;
    allowOverruns = overruns;
    return creditFlow && bufferSize > ContextLink.DEFAULT_BUFFER ? bufferSize - ContextLink.DEFAULT_BUFFER : 0;
  }

  /** The consumer took an item: the credit to grant the peer now, or 0. */
  int consumed() {
    if (!creditFlow) {
      counts.decrementAndGet();
      return 0;
    }
    long c = counts.addAndGet(ONE_CONSUMED);
    int batch = Math.max(1, limit() / 4);
    // Until a grant is taken: an arrival (or another consumer) may move the word between the two.
    while ((int) (c >>> 32) >= batch) {
      int n = (int) (c >>> 32);
      if (counts.compareAndSet(c, c - ((long) n << 32))) return n;
      c = counts.get();
    }
    return 0;
  }

  /**
   * A sender takes one credit, waiting (a checkpoint) while there is none; {@code failIfEnded},
   * run before each wait, throws once the context has failed.
   */
  void acquire(Runnable failIfEnded) {
    while (true) {
      int c = sendCredits.get();
      if (c > 0) {
        if (sendCredits.compareAndSet(c, c - 1)) return;
        continue;
      }
      Event changed = creditChanged;
      if (sendCredits.get() > 0) continue;
      failIfEnded.run();
      changed.await();
    }
  }

  /** The loop: the peer granted {@code n} more. */
  void grant(int n) {
    sendCredits.addAndGet(n);
    wakeSender();
  }

  /** tractor's StreamOverrun error body, sent back to the sender {@code peer}. */
  static ErrorInfo overrunError(String cid, Uid local, Uid peer, boolean streamOpened) {
    String text = "Actor-task context " + cid + "@" + local.pythonRepr() + " was overrun by remote!\n"
        + (streamOpened ? "" : "\n*** No stream open on `" + local.name() + "` side! ***\n\n")
        + "sender actor: " + peer.pythonRepr();
    return ErrorInfo.of("jtractor: " + text + "\ntractor._exceptions.StreamOverrun: " + text + "\n", "StreamOverrun", local);
  }

  /** Wakes a sender waiting for credit (credit came, or the context failed). */
  void wakeSender() {
    Event old = creditChanged;
    creditChanged = new Event();
    old.set();
  }
}
