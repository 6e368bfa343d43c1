package io.jtractor.runtime;

import io.jtractor.sc.MemoryChannel;
import io.jtractor.sc.Sc;
import io.jtractor.wire.Msg;
import io.jtractor.wire.Uid;
import io.jtractor.wire.WireChannel;
import io.jtractor.wire.WireException;
import java.util.concurrent.atomic.AtomicInteger;
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
 * <p>Threads: the reading passes between threads through {@link #readToken} and {@link
 * #virtualReadToken} (rendezvous channels); only the holder reads. On an in-memory link the
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

  ReaderRelay(PeerChannel ch) {
    this.ch = ch;
    this.wire = ch.wire;
    this.peer = ch.peer;
    this.dispatcher = ch.dispatcher;
    this.calls = ch.calls;
    this.platformReaders = wire.connection().transport().kernelWakesReads() ? ch.tuning.platformReaders() : 0;
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
        if (dispatcher.runsInline(call)) {
          InlineCallWatch.Run run = InlineCallWatch.begin(this::handOffLongCall);
          boolean stillReader = false;
          boolean completed = false;
          try {
            dispatcher.run(call);
            // A stray interrupt left by user code must not reach the socket read (it would close
            // the connection on a virtual thread); a real cancellation of this reader still ends it.
            if (Thread.interrupted()) Sc.checkpointIfCancelled();
            completed = true;
          } finally {
            stillReader = run.finish();
            InlineCallWatch.end(run);
            if (!completed && stillReader) endLoop(); // this reader dies holding the reading: no one else has it
          }
          holdsToken = stillReader; // else the watch passed the reading on: wait for a turn
          continue;
        }
        passReading();
        dispatcher.run(call);
      }
    } finally {
      readers.decrementAndGet();
    }
  }

  /**
   * The watch's hand-off of a call that ran too long on the reader: the next plain calls on this
   * connection go to another thread at once until their running average says they are short again.
   */
  private void handOffLongCall() {
    dispatcher.markCallsLong();
    passReading();
  }

  /** Gives the reading to an idle ex-reader, or to a new reader if none is idle. */
  private void passReading() {
    if (!readToken.sender().trySend(Boolean.TRUE) && !virtualReadToken.sender().trySend(Boolean.TRUE)) {
      startReader();
    }
  }

  private void startReader() {
    int n = readers.incrementAndGet();
    try {
      if (n <= platformReaders) {
        ch.actor.service().startSoonOnPlatformThread("conn:" + peer.name(), () -> readerLife(true));
      } else {
        ch.actor.service().startSoon("conn:" + peer.name(), () -> readerLife(true));
      }
    } catch (RuntimeException closing) {
      readers.decrementAndGet();
      endLoop(); // no one can read on: the actor is stopping
    }
  }

  /**
   * Reads and dispatches until the loop must end (returns null) or a call arrived for this reader
   * to run (returns it; the caller decides whether to pass the reading on first). Never throws for
   * the peer's misbehaviour.
   */
  private Dispatcher.PreparedCall readUntilEndOrCall() {
    try {
      while (true) {
        if (!wire.hasBufferedMessage()) calls.flushDeferred(); // the next read may block
        Msg msg = wire.receive();
        if (forCalls(msg)) {
          calls.deliver(msg, wire.hasBufferedMessage());
          continue;
        }
        switch (msg) {
          case Msg.Sentinel s -> {
            calls.flushDeferred();
            Log.RUNTIME.debug(peer + " sent the sentinel: stopping its tasks");
            dispatcher.cancelRpcTasks(null);
            ch.outbox.sendSentinelOnce(); // answered in kind, as tractor's connection handler does
            return null;
          }
          case Msg.Cmd cmd -> {
            calls.flushDeferred(); // the call may run here, or the reading pass on: nothing held back
            Dispatcher.PreparedCall call = dispatcher.prepare(cmd);
            if (call == Dispatcher.END) return null;
            if (call != null) return call;
          }
          case Msg.Error e -> { // with no cid: the peer's runtime failed (forCalls took the others)
            calls.flushDeferred();
            ch.peerFailure = ch.received(e);
            LOG.warn("actor " + peer + " reported a runtime failure: " + e.info().typeStr());
            return null;
          }
          default -> Log.RUNTIME.debug("ignoring a message from " + peer + " with no known kind");
        }
      }
    } catch (WireException.TransportClosed e) {
      Log.RUNTIME.debug("connection to " + peer + " closed: " + e.getMessage());
    } catch (WireException e) {
      LOG.warn("closing the connection to " + peer + ": " + e.getMessage());
    } catch (IllegalStateException closing) {
      Log.RUNTIME.debug("stopped reading from " + peer + ": the actor is shutting down");
    } catch (RuntimeException e) {
      // A bug of ours, or a message we could not handle: it ends this channel, never the actor.
      LOG.error("closing the connection to " + peer + " after an internal error", e);
    }
    try {
      calls.flushDeferred(); // items that arrived before the end still reach their contexts
    } catch (RuntimeException e) {
      Log.RUNTIME.debug("items held back for " + peer + " could not be handed over: " + e);
    }
    return null;
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
        calls.deliver(msg, more);
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

  /** Threads taking part in the relay of readers (for {@link Bookkeeping}). */
  int readerCount() {
    return readers.get();
  }
}
