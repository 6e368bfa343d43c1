package io.jtractor.runtime;

import io.jtractor.errors.AttributeError;
import io.jtractor.errors.ConnectionLost;
import io.jtractor.errors.RemoteActorError;
import io.jtractor.sc.BrokenResourceError;
import io.jtractor.sc.ClosedResourceError;
import io.jtractor.sc.EndOfChannel;
import io.jtractor.sc.MemoryChannel;
import io.jtractor.sc.ReceiveChannel;
import io.jtractor.sc.Sc;
import io.jtractor.sc.SendChannel;
import io.jtractor.wire.Msg;
import io.jtractor.wire.Uid;
import io.jtractor.wire.WireChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The calling side of one {@link PeerChannel}: calls this actor makes on the peer, the inboxes
 * their answers arrive in, and the delivery of each incoming answer to its inbox. Prior art:
 * tractor's {@code Portal.run_from_ns} and the per-cid feeder queues of its {@code Actor}.
 *
 * <p>Threads: any thread calls, opens and closes inboxes. The connection's reader delivers, and
 * never blocks doing so (inboxes are unbounded; {@link #deliver} is no checkpoint). Whoever ends
 * the message loop calls {@link #connectionEnded} once; an inbox opened after it ends at once.
 */
final class CallClient {
  private final PeerChannel ch;
  private final Outbox outbox;
  private final Uid peer;
  private final long spinWithinNanos;

  /**
   * Where messages for a cid go: a plain call's inbox ({@link SendChannel}) or a context's {@link
   * ContextLink}. Any thread.
   */
  private final ConcurrentHashMap<String, Object> inboxes = new ConcurrentHashMap<>();
  /** Counts changes of {@link #inboxes}, each counted once it is made: a {@link Recent} older is stale. */
  private final AtomicLong inboxesChanged = new AtomicLong();
  /**
   * The target {@link #deliver} looked up last, for the same cid string (the very object: a run of
   * one context's items carries one): a lookup that costs more than delivering an item. Written
   * by the thread delivering, which is one at a time, like the reading.
   */
  private volatile Recent recent;

  /** A lookup in {@link #inboxes}, made while {@link #inboxesChanged} read {@code version}. */
  private record Recent(String cid, Object target, long version) {}

  /**
   * A running average of how long plain calls from here took to be answered (written by callers
   * on any thread; a lost update only blurs it). Starts high: no spinning until calls prove fast.
   */
  private volatile long recentAnswerNanos = Long.MAX_VALUE / 2;

  CallClient(PeerChannel ch) {
    this.ch = ch;
    this.outbox = ch.outbox;
    this.peer = ch.peer;
    this.spinWithinNanos = ch.tuning.answerSpinWithinNanos();
  }

  /**
   * A fresh call id: a random (version 4) UUID string, as tractor's. Drawn from {@link
   * ThreadLocalRandom}, not {@code UUID.randomUUID()}'s {@code SecureRandom}, which reads the
   * kernel's random device under a lock: a cid only has to be unique on its connection, and is no
   * secret from the peer that could read it anyway.
   */
  static String newCid() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long msb = (r.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long lsb = (r.nextLong() & ~(0x3L << 62)) | (0x2L << 62); // the IETF variant
    return new UUID(msb, lsb).toString();
  }

  /**
   * A call's {@code functype} of {@code 'asyncfunc'} as the call's inbox holds it when it was read
   * with no record ({@link #deliverBare}); never a decoded value, nor a message.
   */
  private static final Object ASYNCFUNC_ANSWER = new Object() {
    @Override
    public String toString() {
      return "functype 'asyncfunc'";
    }
  };

  /** A call's {@code return} of nil read with no record, as its inbox holds it (a channel holds no null). */
  private static final Object NIL_RETURNED = new Object() {
    @Override
    public String toString() {
      return "return nil";
    }
  };

  /**
   * Registers a new cid; the caller must {@link #closeInbox} it when done. The inbox holds the
   * call's answers: messages, or read with no record its {@code functype} ({@link
   * #ASYNCFUNC_ANSWER}) and its returned value (bare: a decoded value is never a message; {@link
   * #NIL_RETURNED} for nil).
   */
  ReceiveChannel<Object> openInbox(String cid) {
    MemoryChannel<Object> inbox = MemoryChannel.open(MemoryChannel.UNBOUNDED);
    if (inboxes.putIfAbsent(cid, inbox.sender()) != null) {
      throw new IllegalStateException("cid already in use: " + cid);
    }
    inboxesChanged.incrementAndGet();
    if (ch.ended.isSet()) {
      inbox.sender().close(); // the loop is gone: the inbox ends at once
    }
    return inbox.receiver();
  }

  void closeInbox(String cid) {
    Object s = inboxes.remove(cid);
    inboxesChanged.incrementAndGet();
    if (s instanceof SendChannel<?> inbox) inbox.close();
  }

  /** Opens the caller's side of a context or stream with a fresh cid. */
  ContextLink openContextLink(String func) {
    String cid = newCid();
    ContextLink link = new ContextLink(ch, cid, true, func, ch.peerIsJtractor);
    inboxes.put(cid, link);
    inboxesChanged.incrementAndGet();
    if (ch.ended.isSet()) link.connectionEnded();
    return link;
  }

  /**
   * Contexts holding stream items back for a batch, in the order they first did. Confined to the
   * thread holding the connection's reading (see {@link ReaderRelay}).
   */
  private final ArrayList<ContextLink> deferring = new ArrayList<>();

  /** Routes the messages for a callee's context to its link (before the next message is read). */
  void register(String cid, ContextLink link) {
    inboxes.put(cid, link);
    inboxesChanged.incrementAndGet();
  }

  /** Stops routing messages to a context; later ones for its cid are dropped. */
  void forget(ContextLink link) {
    if (inboxes.remove(link.cid(), link)) {
      inboxesChanged.incrementAndGet();
      link.closed();
    }
  }

  /**
   * The reader: hands a message with a cid to whoever waits for it, without blocking. With {@code
   * more} (more messages are buffered already), a stream item for a context is held back and
   * handed over with the items that follow it ({@link #flushDeferred}): its consumer wakes once per
   * socket read, not once per item. Anything else first hands over what was held back, so every
   * context sees its messages in arrival order.
   *
   * With {@code mayLend} (the relay's reader, with nothing more buffered), the reading may be
   * lent to a task the message wakes (see {@link ContextInbox#putLending}).
   *
   * @return true if the reading was lent: the caller no longer holds it
   */
  boolean deliver(Msg msg, boolean more, boolean mayLend) {
    Object target = target(msg.cid());
    if (more && msg instanceof Msg.Yield y && target instanceof ContextLink link) {
      if (link.deferYield(y)) deferring.add(link);
      return false;
    }
    flushDeferred();
    return deliverTo(target, msg, mayLend);
  }

  /**
   * {@link #deliver} for a stream item read with no record around it (its context's cid and its
   * value): a context takes the bare value; anything else under that cid gets the record it
   * expects.
   */
  boolean deliverItem(String cid, Object value, boolean more, boolean mayLend) {
    Object target = target(cid);
    if (target instanceof ContextLink link) {
      if (more) {
        if (link.deferItem(value)) deferring.add(link);
        return false;
      }
      flushDeferred();
      return link.deliverItem(value, mayLend);
    }
    flushDeferred();
    return deliverTo(target, new Msg.Yield(cid, value), mayLend);
  }

  /**
   * {@link #deliver} for what the wire read with no record ({@link WireChannel#receiveOrItem}): a
   * stream item, a {@code return} or a {@code functype}. A plain call's inbox takes the latter two
   * as they are ({@link #openInbox}); a context gets the record it expects.
   */
  boolean deliverBare(WireChannel.Bare kind, String cid, Object value, boolean more, boolean mayLend) {
    if (kind == WireChannel.Bare.YIELD) return deliverItem(cid, value, more, mayLend);
    Object target = target(cid);
    flushDeferred();
    if (target instanceof SendChannel<?> call) {
      Object answer = kind == WireChannel.Bare.RETURN
          ? (value == null ? NIL_RETURNED : value)
          : Msg.ASYNCFUNC.equals(value) ? ASYNCFUNC_ANSWER : new Msg.Functype(cid, (String) value);
      deliverToCall(call, cid, answer);
      return false;
    }
    return deliverTo(target, kind.record(cid, value), mayLend);
  }

  /** Where messages for {@code cid} go now, or null: {@link #inboxes}, through {@link #recent}. */
  private Object target(String cid) {
    Recent r = recent;
    long version = inboxesChanged.get();
    if (r != null && r.cid == cid && r.version == version) return r.target;
    Object target = inboxes.get(cid);
    recent = new Recent(cid, target, version);
    return target;
  }

  /** The reader, before it may block on the socket or runs anything else: hands over all held back. */
  void flushDeferred() {
    if (deferring.isEmpty()) return;
    for (ContextLink link : deferring) link.flushDeferred();
    deferring.clear();
  }

  private boolean deliverTo(Object target, Msg msg, boolean mayLend) {
    if (target instanceof ContextLink link) {
      return link.deliver(msg, mayLend);
    }
    deliverToCall((SendChannel<?>) target, msg.cid(), msg);
    return false;
  }

  /** Puts {@code answer} into a plain call's inbox ({@link #openInbox}), if it is still there. */
  @SuppressWarnings("unchecked")
  private void deliverToCall(SendChannel<?> target, String cid, Object answer) {
    SendChannel<Object> inbox = (SendChannel<Object>) target;
    boolean delivered = false;
    if (inbox != null) {
      try {
        // trySend: never blocks (the inbox is unbounded) and is no checkpoint, so a cancellation
        // of the reader cannot strike between taking a frame and delivering it.
        delivered = inbox.trySend(answer);
      } catch (ClosedResourceError | BrokenResourceError raced) {
        // the call finished and closed its inbox between our lookup and the send
      }
    }
    if (!delivered) {
      Log.RUNTIME.debug("ignoring a message from " + peer + " for an unknown cid " + cid);
    }
  }

  /** The loop has ended: every waiting call and context is told. */
  void connectionEnded() {
    for (Object inbox : List.copyOf(inboxes.values())) {
      if (inbox instanceof SendChannel<?> s) s.close();
      else if (inbox instanceof ContextLink link) link.connectionEnded();
    }
  }

  /**
   * Calls {@code ns.func(**kwargs)} on the peer and waits for the result. If this task is cancelled
   * while waiting, the remote task is asked to cancel too (tractor leaves it running).
   */
  Object call(String ns, String func, Map<String, Object> kwargs) {
    if ("self".equals(ns) && !ch.peerIsJtractor && Capabilities.JTRACTOR_ONLY_SELF_METHODS.contains(func)) {
      throw new AttributeError("self." + func + " is jtractor's own: not sent to the tractor actor " + peer);
    }
    String cid = newCid();
    ReceiveChannel<Object> inbox = openInbox(cid);
    boolean answered = false;
    try {
      long sent = System.nanoTime();
      outbox.sendCmd(ns, func, kwargs, ch.actor.uid(), cid); // no record: its bytes only
      Object first = next(inbox, ns, func, answerSpinNanos());
      if (first instanceof Msg.Error e) {
        answered = true;
        throw ch.received(e);
      }
      if (first != ASYNCFUNC_ANSWER && !(first instanceof Msg.Functype ft && Msg.ASYNCFUNC.equals(ft.kind()))) {
        throw new IllegalStateException("expected functype 'asyncfunc' for " + ns + "." + func + ", got " + shown(first, cid));
      }
      Object second = next(inbox, ns, func, 0);
      answered = true;
      recordAnswerTime(System.nanoTime() - sent);
      return switch (second) {
        case Msg.Return r -> r.value();
        case Msg.Error e -> throw ch.received(e);
        case Msg m -> throw new IllegalStateException("expected the return of " + ns + "." + func + ", got " + m);
        default -> {
          if (second == ASYNCFUNC_ANSWER) {
            throw new IllegalStateException("expected the return of " + ns + "." + func + ", got " + shown(second, cid));
          }
          yield second == NIL_RETURNED ? null : second; // the returned value, read with no record
        }
      };
    } finally {
      closeInbox(cid);
      if (!answered && ch.isOpen()) {
        requestTaskCancel(cid);
      }
    }
  }

  /**
   * Spin for an answer while waiting, if recent answers came within this long: {@link
   * Tuning#answerSpinWithinNanos}. Never on a virtual thread: it spins without giving up its CPU to
   * the platform threads that read the answer (a platform spinner yields between bursts) or its
   * carrier to the virtual ones that may send it (docs/design.md, "In-process spawn and message path").
   */
  private long answerSpinNanos() {
    if (Thread.currentThread().isVirtual()) return 0;
    return recentAnswerNanos < spinWithinNanos ? spinWithinNanos : 0;
  }

  private void recordAnswerTime(long nanos) {
    long took = Math.min(nanos, 10 * spinWithinNanos);
    long avg = recentAnswerNanos;
    recentAnswerNanos = avg > took * 16 ? took : avg + (took - avg) / 4;
  }

  /** A call's answer as its record would show it, for an error message ({@link #openInbox}'s forms). */
  private static String shown(Object answer, String cid) {
    if (answer instanceof Msg) return answer.toString();
    if (answer == ASYNCFUNC_ANSWER) return new Msg.Functype(cid, Msg.ASYNCFUNC).toString();
    return new Msg.Return(cid, answer == NIL_RETURNED ? null : answer).toString();
  }

  /** Receives the next answer for a call ({@link #openInbox}), turning the end of the connection into an error. */
  Object next(ReceiveChannel<Object> inbox, String ns, String func, long spinNanos) {
    try {
      ReadingLoan loan = ch.relay().loan();
      if (loan != null && loan.take()) { // lent the reading while waiting for a context here: read the answer
        Object m = ch.relay().<Object>readFor(() -> {
          try {
            return inbox.tryReceive();
          } catch (EndOfChannel ended) {
            return null; // the wait below says so
          }
        });
        if (m != null) return m;
      }
      return inbox.receiveSpinning(spinNanos);
    } catch (EndOfChannel e) {
      RemoteActorError f = ch.peerFailure;
      if (f != null) throw f;
      throw new ConnectionLost("connection to " + peer + " ended while " + ns + "." + func + " was waiting for an answer");
    }
  }

  /** Fire-and-forget {@code self._cancel_task}: the caller has gone, the remote task should too. */
  private void requestTaskCancel(String cid) {
    outbox.sendQuietly(new Msg.Cmd("self", "_cancel_task", Map.of("cid", cid), ch.actor.uid(), newCid()));
  }

  /** Calls {@code ns.func} with a time limit, shielded; null if it did not answer in time or failed. */
  Object callShielded(String ns, String func, Map<String, Object> kwargs, Duration timeout) {
    Object[] out = {null};
    Sc.shielded(
        s -> {
          s.setRelativeDeadline(timeout);
          try {
            out[0] = call(ns, func, kwargs);
          } catch (RemoteActorError | ConnectionLost e) {
            Log.RUNTIME.debug(ns + "." + func + " on " + peer + " failed: " + e.getMessage());
          }
        });
    return out[0];
  }

  /** Calls and contexts waiting for messages on this connection (for {@link Bookkeeping}). */
  int inboxCount() {
    return inboxes.size();
  }
}
