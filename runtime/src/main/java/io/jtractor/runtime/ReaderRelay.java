package io.jtractor.runtime;

import io.jtractor.sc.CancelScope;
import io.jtractor.sc.ClosedResourceError;
import io.jtractor.sc.MemoryChannel;
import io.jtractor.sc.Sc;
import io.jtractor.sc.Task;
import io.jtractor.wire.Msg;
import io.jtractor.wire.Uid;
import io.jtractor.wire.WireChannel;
import io.jtractor.wire.WireException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reading half of one {@link PeerChannel}: a relay of reader threads, exactly one of which
 * reads the socket at a time. Answers go to the {@link CallClient}, commands to the {@link
 * Dispatcher}.
 *
 * <p>Leader/follower: the thread that reads a {@code cmd} is already awake, so it runs the call
 * itself — a short plain call without giving up the reading (under {@link InlineCallWatch}, which
 * takes the reading away if the call turns out long), any other after handing the reading to an
 * idle ex-reader or a new one. The reply then goes out without waiting for another thread to be
 * woken, which is most of a round trip's cost. The reader never blocks on a slow consumer; bad
 * input ends this channel only, with a log line.
 *
 * <p>On a socket, the thread a message wakes may be the next to read: a platform thread waiting
 * for a context's message is lent the reading ({@link ReadingLoan}) and reads for itself at its
 * next wait ({@link #readFor}), as each end of a raw socket does; the thread that read the
 * message, already awake, goes back to waiting for a turn. A raw ping-pong wakes one thread per
 * message, the kernel's wake-up of the reader; a reader handing over to the task wakes two.
 *
 * <p>Threads: the reading passes between threads through {@link #readToken} and {@link
 * #virtualReadToken} (rendezvous channels), and to and from tasks through the loan; only the
 * holder reads. On an in-memory link the
 * peer's writer may stand in for the holder while it waits between frames ({@link Direct}); the
 * pipe keeps the holder waiting until the writer is done, so one thread at a time delivers. Whichever thread ends the loop
 * does so once ({@link #endLoop}, guarded by the channel's {@code ended} event).
 */
final class ReaderRelay {
  private static final Logger LOG = LoggerFactory.getLogger(PeerChannel.class);

  private final PeerChannel ch;
  private final WireChannel wire;
  private final Uid peer;
  private final Dispatcher dispatcher;
  private final CallClient calls;
  /**
   * Up to this many readers run on platform threads ({@link Tuning#platformReaders}) where the
   * kernel wakes a blocked read; none where it does not (an in-memory link): a platform thread
   * woken by another thread's signal costs an OS context switch, a virtual one a carrier's turn.
   */
  private final int platformReaders;

  /**
   * Passed from the reader to an idle ex-reader: "the socket is yours". Idle platform ex-readers
   * wait on the first, virtual ones on the second; the reading goes to a platform thread when one
   * is idle. Both are closed when the loop ends.
   */
  private final MemoryChannel<Boolean> readToken = MemoryChannel.open(0);
  private final MemoryChannel<Boolean> virtualReadToken = MemoryChannel.open(0);
  /** Threads taking part in the relay of readers, for choosing platform or virtual for a new one. */
  private final AtomicInteger readers = new AtomicInteger(1);

  /**
   * Whether a task waiting for a context's messages on a platform thread may be lent the reading
   * ({@link #readFor}): on a socket whose reads can give up after a while, so that the task never
   * waits in the socket longer than {@link #TASK_READ_WAIT_MILLIS}.
   */
  private final boolean lendsToTasks;
  /**
   * Whether a call run by a platform reader may keep the reading and read while it sleeps ({@link
   * #keepsReadingFor}), where waits can be made in the kernel too: on a socket whose reads can give
   * up, unless the tuning turns it off ({@link Tuning#sleepReads}).
   */
  private final boolean sleepReads;
  /** No call is kept before this (System.nanoTime): a kept call ran long ({@link #keptCallRanLong}). */
  private volatile long keepingPausedUntil = System.nanoTime();
  /**
   * How long calls are not kept after a kept call ran long: as long as loans stop after a bulk
   * ({@link ReadingLoan#BULK_PAUSE_NANOS}), so that a connection whose calls keep running long
   * stalls at most once per pause, and one slow call (a cold JVM's first) costs little.
   */
  static final long KEEPING_PAUSE_NANOS = ReadingLoan.BULK_PAUSE_NANOS;
  /** The reading lent to a waiting task between two of its waits, and whether to lend it. */
  private final ReadingLoan loan;

  /**
   * How many messages tasks lent the reading found by reading for themselves; written by the
   * holder of the reading (one at a time), read by anyone.
   */
  private volatile long lentReads;
  /** How many messages calls read while they slept ({@link #readWhileSleeping}); as {@link #lentReads}. */
  private volatile long sleepingReads;

  /**
   * How long a sleeping call reads with nothing arriving before it gives the reading to a reader
   * and sleeps plainly: its reads wake it every {@link #TASK_READ_WAIT_MILLIS} to look for a
   * cancellation from elsewhere, which a long sleep must not pay for.
   */
  static final long SLEEP_READ_QUIET_NANOS = 20_000_000;

  /** How long a task holding the reading waits in the socket before it gives the reading back. */
  static final int TASK_READ_WAIT_MILLIS = 1;
  /**
   * A task's read that brought more messages than this is a bulk transfer, not a request and its
   * reply: the task gives the reading back, so that a reader reads the next batch while the task
   * works through this one, on another CPU, instead of the task doing both in turn.
   */
  static final int BULK_READ = 4;
  /** {@link #readUntilEndOrCall}'s answer when it lent the reading to a task. */
  private static final Dispatcher.PreparedCall LENT = new Dispatcher.PreparedCall(null, null, null, null, null, null, false);

  ReaderRelay(PeerChannel ch) {
    this.ch = ch;
    this.wire = ch.wire;
    this.peer = ch.peer;
    this.dispatcher = ch.dispatcher;
    this.calls = ch.calls;
    this.platformReaders = wire.connection().transport().kernelWakesReads() ? ch.tuning.platformReaders() : 0;
    this.lendsToTasks = platformReaders > 0 && wire.canAwaitMessage();
    this.sleepReads = lendsToTasks && ch.tuning.sleepReads(); // and wire.awaitsInKernel(), asked per call
    this.loan = new ReadingLoan(this::passReading, ch.tuning.inlineIfShorterThanNanos());
  }

  /**
   * The first reader's life: returns when the loop has ended, whichever thread ended it. If this
   * thread leaves otherwise (cancelled while another reader holds the reading: its actor is
   * stopping), it ends the loop as it goes: its caller forgets the channel once this returns, so
   * no sweep of open connections would close it later, and the reader left in a platform
   * thread's socket read would never wake (an interrupt does not end that read; a close does).
   */
  void run() {
    wire.deliverDirectly(new Direct()); // an in-memory link only; a no-op on a socket
    try {
      readerLife(true);
    } finally {
      endLoop(); // a no-op when the loop has ended already
    }
  }

  /**
   * One reader thread's life in the relay: read until a call arrives, then either run it here and
   * read on, or pass the reading on, run the call, and wait to read again. Returns when the loop
   * ends.
   */
  private void readerLife(boolean holdsToken) {
    boolean virtual = Thread.currentThread().isVirtual();
    try {
      while (true) {
        if (!holdsToken && (virtual ? virtualReadToken : readToken).receiver().receiveOrClosed() == null) {
          return; // the loop has ended
        }
        holdsToken = false;
        if (virtual && readToken.sender().trySend(Boolean.TRUE)) {
          // A platform ex-reader is idle: it reads instead. A virtual thread's socket read costs two
          // more thread wake-ups per message (the JDK's poller, then a carrier).
          continue;
        }
        Dispatcher.PreparedCall call = null;
        try {
          call = readUntilEndOrCall();
        } finally {
          if (call == null) endLoop(); // every way out but a hand-off ends the loop
        }
        if (call == null) {
          return;
        }
        if (call == LENT) {
          continue; // a waiting task reads now: wait for a turn
        }
        if (dispatcher.runsInline(call)) {
          // Unless still the reader, wait for a turn, or the call, waiting on this connection,
          // was lent the reading since.
          holdsToken = runKeepingTheReading(call, InlineCallWatch.begin(this::handOffLongCall), false) || loan.take();
          continue;
        }
        if (keepsReadingFor(call, virtual)) { // the call keeps the reading, and reads while it sleeps
          holdsToken = runKeepingTheReading(call, InlineCallWatch.begin(this::keptCallRanLong), true) || loan.take();
          continue;
        }
        passReading();
        dispatcher.run(call);
        holdsToken = loan.take(); // the call's task may have been lent the reading, and be done with it
      }
    } finally {
      readers.decrementAndGet();
    }
  }

  /**
   * Runs {@code call} on this reader, which keeps the reading meanwhile as {@code run} of the
   * watch; with {@code readsWhileSleeping} the call's sleeps read ({@link SleepReading}). True if
   * this thread still holds the reading afterwards; false if the watch, or the call before a wait,
   * passed it on.
   */
  private boolean runKeepingTheReading(Dispatcher.PreparedCall call, InlineCallWatch.Run run, boolean readsWhileSleeping) {
    Sc.ParkHook before = readsWhileSleeping ? Sc.setParkHook(new SleepReading(run)) : null;
    boolean stillReader = false;
    boolean completed = false;
    try {
      dispatcher.run(call);
      // A stray interrupt left by user code must not reach the socket read (it would close the
      // connection on a virtual thread); a real cancellation of this reader still ends it.
      if (Thread.interrupted()) Sc.checkpointIfCancelled();
      completed = true;
    } finally {
      if (readsWhileSleeping) Sc.setParkHook(before);
      stillReader = run.finish();
      InlineCallWatch.end(run);
      if (!completed && stillReader) endLoop(); // this reader dies holding the reading: no one else has it
    }
    return stillReader;
  }

  /**
   * The watch's hand-off of a call that ran too long on the reader: the next plain calls on this
   * connection go to another thread at once until their running average says they are short again.
   */
  private void handOffLongCall() {
    dispatcher.markCallsLong();
    passReading();
  }

  /**
   * Whether the reader runs {@code call} keeping the reading ({@link SleepReading}): a call that
   * is not plain (a context's body, say), on a platform reader where waits can be made in the
   * kernel, unless a kept call ran long lately ({@link #keptCallRanLong}).
   */
  private boolean keepsReadingFor(Dispatcher.PreparedCall call, boolean virtual) {
    // The kernel's wait is asked last, not when the relay is made: its first answer loads
    // KernelWait, which a JVM that never runs such a call should not pay for at every connection.
    return sleepReads && !virtual && !call.isPlain() && System.nanoTime() - keepingPausedUntil >= 0 && wire.awaitsInKernel();
  }

  /**
   * The watch took the reading from a kept call: it computed, or waited outside this runtime, for
   * too long. Calls are not kept for {@link #KEEPING_PAUSE_NANOS}, so that a connection whose calls
   * do that does not go unread for a while at each one.
   */
  private void keptCallRanLong() {
    keepingPausedUntil = System.nanoTime() + KEEPING_PAUSE_NANOS;
    passReading();
  }

  /**
   * A call run by the reader that keeps the reading ({@link #keepsReadingFor}): while the call
   * sleeps (a context's body in {@code Sc.sleepForever()}, waiting to be cancelled, say) its thread
   * reads and hands over what arrives ({@link #readWhileSleeping}), so the {@code _cancel_task}
   * aimed at it is read by the very thread it cancels, which unwinds and answers with no other
   * thread woken; and before any other wait of sc it passes the reading on, as the reader would
   * have before running the call. The watch ({@link InlineCallWatch}) takes the reading away from a
   * call that computes, or blocks outside sc, for too long; never while it reads (the run's
   * {@code READING} state).
   */
  private final class SleepReading implements Sc.ParkHook {
    private final InlineCallWatch.Run run;

    SleepReading(InlineCallWatch.Run run) {
      this.run = run;
    }

    @Override
    public boolean sleep(long deadline) {
      if (!run.beginReading()) return false; // the watch took the reading, or the call gave it up: a plain sleep
      boolean held = true;
      try {
        held = readWhileSleeping(deadline);
      } finally {
        run.endReading(held);
      }
      return true;
    }

    @Override
    public void beforeOtherPark() {
      if (run.giveUp()) passReading();
    }
  }

  /**
   * A sleeping call's thread reads and hands over what arrives, as a reader does, until it is
   * cancelled (looked for at least every {@link #TASK_READ_WAIT_MILLIS}), its sleep's deadline
   * passes, or nothing arrived for {@link #SLEEP_READ_QUIET_NANOS}. True if it still holds the
   * reading; false if it passed it on or the loop ended.
   */
  private boolean readWhileSleeping(long deadline) {
    long quietSince = System.nanoTime();
    try {
      while (true) {
        if (!wire.hasBufferedMessage()) {
          calls.flushDeferred();
          if (Sc.isCancelled()) return true;
          long now = System.nanoTime();
          long left = deadline - now;
          if (deadline != CancelScope.NO_DEADLINE && left < TASK_READ_WAIT_MILLIS * 1_000_000L) {
            // Less than a read's wait is left: sleep it out (the wait below would overshoot).
            if (left > 0) LockSupport.parkNanos(this, left);
            return true;
          }
          if (now - quietSince > SLEEP_READ_QUIET_NANOS) { // a long sleep: a reader waits in the kernel instead
            passReading();
            return false;
          }
          if (!wire.awaitMessage(TASK_READ_WAIT_MILLIS)) continue; // look for a cancellation again
          quietSince = System.nanoTime();
        }
        Msg msg = wire.receiveOrItem();
        sleepingReads++; // the holder's own field: one writer at a time
        if (!handOverRead(msg)) return false;
      }
    } catch (WireException | RuntimeException e) {
      failedReading(e);
      return false;
    }
  }

  /**
   * What a thread reading for itself (a task lent the reading, a call reading while it sleeps)
   * does with a message it read that is not its own, as a reader would; but a call runs on a
   * thread of its own, and a message that waits for the peer's tasks here, which may include this
   * one, goes to a new reader ({@link #stopsTasks}). Null is what the wire read
   * without a record ({@link WireChannel#receiveOrItem}). False if the reading left this thread so
   * (handed to that reader, or the loop ended).
   */
  private boolean handOverRead(Msg msg) {
    if (msg == null) { // a stream item, a return or a functype, read without a record (WireChannel#receiveOrItem)
      calls.deliverBare(wire.itemKind(), wire.itemCid(), wire.itemValue(), wire.hasBufferedMessage(), false);
      return true;
    }
    if (forCalls(msg)) {
      calls.deliver(msg, wire.hasBufferedMessage(), false);
      return true;
    }
    if (stopsTasks(msg)) {
      calls.flushDeferred();
      startReader(msg);
      return false;
    }
    Dispatcher.PreparedCall call = handleOther(msg);
    if (call == Dispatcher.END) {
      endLoop();
      return false;
    }
    if (call != null) ch.actor.service().startSoon("rpc:" + peer.name(), () -> dispatcher.run(call));
    return true;
  }

  /** A thread reading for itself could not read on: the loop ends, what was held back handed over first. */
  private void failedReading(Exception e) {
    stoppedReading(e);
    try {
      calls.flushDeferred();
    } finally {
      endLoop();
    }
  }

  /** Gives the reading to an idle ex-reader, or to a new reader if none is idle. */
  private void passReading() {
    if (ch.ended.isSet()) return; // no one reads on
    try {
      if (!readToken.sender().trySend(Boolean.TRUE) && !virtualReadToken.sender().trySend(Boolean.TRUE)) {
        startReader();
      }
    } catch (ClosedResourceError ended) {
      // the loop ended meanwhile
    }
  }

  // ----------------------------------------------------------------------------------------------
  // Lending the reading to a waiting task

  /**
   * The loan of the reading to waiting tasks, where this connection makes any (a socket whose
   * reads can give up after a while, so that a task never waits in it longer than {@link
   * #TASK_READ_WAIT_MILLIS}); null where it does not. The holder of the reading, about to wake a
   * platform thread waiting for a context's message, lends it the reading ({@link
   * ContextInbox#putLending}); that thread's next wait then reads the socket itself ({@link
   * #readFor}): the reply it waits for wakes it straight from the kernel, as a raw socket's
   * would, not through a reader first.
   */
  ReadingLoan loan() {
    return lendsToTasks ? loan : null;
  }

  /**
   * The holder of the reading, about to lend it: whether nothing of the next message has arrived.
   * A request and its reply leave the socket quiet while the peer waits for the next request; in a
   * bulk transfer more is already there, and a reader reading it beside the task beats the task
   * reading and working through it in turn.
   */
  boolean quiet() {
    return wire.quiet();
  }

  /**
   * Whether a virtual thread is lent the reading too: only where its wait blocks its carrier in the
   * kernel ({@link WireChannel#awaitsInKernel}). Through the JDK's poller its wait would cost the
   * poller's wake-up and a carrier's, more than the hand-over it saves (docs/design.md, "Lending
   * the reading to virtual threads").
   */
  boolean lendsToVirtualThreads() {
    return wire.awaitsInKernel();
  }

  /** A read of the wire by a task holding the reading. */
  private interface WireRead<T> {
    T run() throws WireException;
  }

  /**
   * {@code read} by a task holding the reading, shielded on a virtual thread: sc cancels a task by
   * interrupting its thread, and an interrupt closes a socket under a virtual thread blocked in
   * the JDK's wait. Each such read is short ({@link #TASK_READ_WAIT_MILLIS}, or the rest of a
   * frame); a cancellation is delivered as it ends, and the caller checks for one before it waits
   * again.
   */
  private static <T> T shieldedOnVirtual(WireRead<T> read) throws WireException {
    if (!Thread.currentThread().isVirtual()) return read.run();
    CancelScope shield = CancelScope.create();
    shield.setShield(true);
    return shield.call(s -> read.run()); // a WireException leaves as itself; nothing cancels the shield
  }

  /** Where a task holding the reading looks for its own message: a context's inbox, a call's. */
  interface Mailbox<T> {
    /** The next message (or stream item, in a context's inbox) here, or null if none is here yet (or none will come); never blocks. */
    T poll();
  }

  /**
   * A task holding the reading ({@link ReadingLoan#take}) waits for a message for {@code inbox}: reads
   * and hands over whatever arrives, as the relay's readers do, until that inbox has a message.
   * Returns it, the reading lent to this task again until its next wait (unless this read brought
   * a bulk of messages, {@link #BULK_READ}, or its tasks come back slowly). Returns null, the
   * reading passed on, if nothing came within {@link #TASK_READ_WAIT_MILLIS}, if the task is
   * cancelled, or if the loop ended: the task then waits on its inbox as any task does. Calls
   * that arrive meanwhile run on threads of their own.
   */
  <T> T readFor(Mailbox<T> inbox) {
    boolean keep = false;
    boolean handedOn = false;
    int read = 0;
    T mine = null;
    try {
      while (true) {
        if (!wire.hasBufferedMessage()) {
          calls.flushDeferred();
          mine = inbox.poll();
          if (mine != null) {
            keep = true;
            lentReads++; // the holder's own field: one writer at a time
            return mine;
          }
          if (Sc.isCancelled()) return null;
          if (!shieldedOnVirtual(() -> wire.awaitMessage(TASK_READ_WAIT_MILLIS))) {
            if (Thread.currentThread().isVirtual()) loan.pauseLoans(); // its carrier waited in vain
            return null;
          }
        }
        Msg msg = shieldedOnVirtual(wire::receiveOrItem);
        read++;
        if (!handOverRead(msg)) {
          handedOn = true; // to a new reader, or the loop ended: nothing to pass on
          return null;
        }
      }
    } catch (WireException | RuntimeException e) {
      failedReading(e);
      return null;
    } finally {
      if (read > BULK_READ) loan.pauseLoans(); // a bulk: read best by a reader beside the task
      if (keep && read <= BULK_READ && loan.lendsNow()) {
        loan.lendTo(Thread.currentThread(), loan.heldBrief());
      } else if (!handedOn) {
        passReading();
      }
    }
  }

  private void startReader() {
    startReader(null);
  }

  /**
   * Starts a new reader holding the reading; with {@code first}, a message a task lent the
   * reading has read but must not handle itself ({@link #stopsTasks}), which the new reader
   * handles before it reads on.
   */
  private void startReader(Msg first) {
    int n = readers.incrementAndGet();
    Task life = () -> {
      if (first == null || handleFirst(first)) readerLife(true);
    };
    try {
      if (n <= platformReaders) {
        ch.actor.service().startSoonOnPlatformThread("conn:" + peer.name(), life);
      } else {
        ch.actor.service().startSoon("conn:" + peer.name(), life);
      }
    } catch (RuntimeException closing) {
      readers.decrementAndGet();
      endLoop(); // no one can read on: the actor is stopping
    }
  }

  /** A new reader handles a message read for it; false (the loop ended, this reader gone) if it ends the loop. */
  private boolean handleFirst(Msg first) {
    Dispatcher.PreparedCall call = Dispatcher.END;
    try {
      call = handleOther(first);
    } catch (RuntimeException e) {
      stoppedReading(e);
    }
    Dispatcher.PreparedCall toRun = call;
    if (call == Dispatcher.END) {
      readers.decrementAndGet();
      endLoop();
      return false;
    }
    if (toRun != null) ch.actor.service().startSoon("rpc:" + peer.name(), () -> dispatcher.run(toRun));
    return true;
  }

  /**
   * Whether handling {@code msg} waits for the peer's RPC tasks here to finish (the sentinel,
   * {@code self.cancel}): a task lent the reading hands such a message to a new reader, for it may
   * be one of those tasks, and would wait for itself.
   */
  private static boolean stopsTasks(Msg msg) {
    return msg instanceof Msg.Sentinel || msg instanceof Msg.Cmd c && "self".equals(c.ns()) && "cancel".equals(c.func());
  }

  /**
   * Reads and dispatches until the loop must end (returns null), a call arrived for this reader
   * to run (returns it; the caller decides whether to pass the reading on first), or the reading
   * was lent to a task (returns {@link #LENT}). Never throws for
   * the peer's misbehaviour.
   */
  private Dispatcher.PreparedCall readUntilEndOrCall() {
    try {
      while (true) {
        if (!wire.hasBufferedMessage()) calls.flushDeferred(); // the next read may block
        Msg msg = wire.receiveOrItem();
        if (msg == null) { // a stream item, a return or a functype, read without a record
          boolean more = wire.hasBufferedMessage();
          if (calls.deliverBare(wire.itemKind(), wire.itemCid(), wire.itemValue(), more, lendsToTasks && !more)) return LENT;
          continue;
        }
        if (forCalls(msg)) {
          boolean more = wire.hasBufferedMessage();
          if (calls.deliver(msg, more, lendsToTasks && !more)) return LENT;
          continue;
        }
        Dispatcher.PreparedCall call = handleOther(msg);
        if (call == Dispatcher.END) return null;
        if (call != null) return call;
      }
    } catch (WireException | RuntimeException e) {
      stoppedReading(e);
    }
    try {
      calls.flushDeferred(); // items that arrived before the end still reach their contexts
    } catch (RuntimeException e) {
      Log.RUNTIME.debug("items held back for " + peer + " could not be handed over: " + e);
    }
    return null;
  }

  /**
   * What the holder of the reading does with a message that is not for the {@link CallClient}:
   * null to read on, {@link Dispatcher#END} when the loop must end, or a call to run.
   */
  private Dispatcher.PreparedCall handleOther(Msg msg) {
    switch (msg) {
      case Msg.Sentinel s -> {
        calls.flushDeferred();
        Log.RUNTIME.debug(peer + " sent the sentinel: stopping its tasks");
        dispatcher.cancelRpcTasks(null);
        ch.outbox.sendSentinelOnce(); // answered in kind, as tractor's connection handler does
        return Dispatcher.END;
      }
      case Msg.Cmd cmd -> {
        calls.flushDeferred(); // the call may run here, or the reading pass on: nothing held back
        return dispatcher.prepare(cmd);
      }
      case Msg.Error e -> { // with no cid: the peer's runtime failed (forCalls took the others)
        calls.flushDeferred();
        ch.peerFailure = ch.received(e);
        LOG.warn("actor " + peer + " reported a runtime failure: " + e.info().typeStr());
        return Dispatcher.END;
      }
      default -> {
        Log.RUNTIME.debug("ignoring a message from " + peer + " with no known kind");
        return null;
      }
    }
  }

  /** Logs why the holder stopped reading: the message loop ends (never thrown for the peer's misbehaviour). */
  private void stoppedReading(Exception failure) {
    switch (failure) {
      case WireException.TransportClosed e -> Log.RUNTIME.debug("connection to " + peer + " closed: " + e.getMessage());
      case WireException e -> LOG.warn("closing the connection to " + peer + ": " + e.getMessage());
      case IllegalStateException e -> Log.RUNTIME.debug("stopped reading from " + peer + ": the actor is shutting down");
      // A bug of ours, or a message we could not handle: it ends this channel, never the actor.
      default -> LOG.error("closing the connection to " + peer + " after an internal error", failure);
    }
  }

  /**
   * Whether {@code msg} goes to the {@link CallClient} (an answer, a stream item, a credit, a
   * stop, an error with a cid): what both the reader and a {@link Direct} writer hand over as it
   * is. The rest (a command, the sentinel, a runtime failure, a message of no known kind) only
   * the reader handles.
   */
  private static boolean forCalls(Msg msg) {
    return !(msg instanceof Msg.Cmd
        || msg instanceof Msg.Sentinel
        || msg instanceof Msg.Other
        || msg instanceof Msg.Error e && e.cid() == null);
  }

  /** Ends the loop once: idle ex-readers leave, and every call waiting here is told. */
  private void endLoop() {
    if (ch.ended.isSet()) return;
    ch.ended.set();
    wire.deliverDirectly(null);
    wire.close();
    readToken.sender().close(); // idle ex-readers wake and leave
    virtualReadToken.sender().close();
    calls.connectionEnded();
  }

  /**
   * On an in-memory link, the peer's writing thread hands answers and stream items here while the
   * reader waits between frames (see {@link WireChannel#deliverDirectly}): what the reader does
   * with those ({@link #forCalls}), one thread hand-over sooner. Everything else it declines, and
   * the reader takes it, in order.
   */
  private final class Direct implements WireChannel.DirectDelivery {
    @Override
    public boolean offer(Msg msg, boolean more) {
      if (!forCalls(msg)) return false;
      try {
        calls.deliver(msg, more, false);
      } catch (RuntimeException e) {
        failed(e);
      }
      return true;
    }

    @Override
    public void endOfRun() {
      try {
        calls.flushDeferred();
      } catch (RuntimeException e) {
        failed(e);
      }
    }

    /** What would end the reader's loop ends the channel, as there. */
    private void failed(RuntimeException e) {
      if (e instanceof IllegalStateException) {
        Log.RUNTIME.debug("stopped delivering from " + peer + ": the actor is shutting down");
      } else { // a bug of ours
        LOG.error("closing the connection to " + peer + " after an internal error", e);
      }
      wire.close();
    }
  }

  /** How many messages tasks lent the reading found by reading for themselves. */
  long lentReads() {
    return lentReads;
  }

  /** How many messages calls kept on the reader read while they slept. */
  long sleepingReads() {
    return sleepingReads;
  }

  /** Threads taking part in the relay of readers (for {@link Bookkeeping}). */
  int readerCount() {
    return readers.get();
  }
}
