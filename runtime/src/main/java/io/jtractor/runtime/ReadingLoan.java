package io.jtractor.runtime;

import java.util.concurrent.atomic.AtomicReference;

/**
 * A connection's reading lent to one waiting task between two of its waits (see {@link
 * ReaderRelay#readFor}), and the policy that decides whether to lend it at all.
 *
 * <p>The holder of the reading that is about to wake a thread waiting for a context's message (a
 * platform thread; a virtual one where the connection can block its carrier in the kernel, {@link
 * ReaderRelay#lendsToVirtualThreads}) lends it the reading ({@link #lendTo}) and stops reading.
 * From then until that thread waits again, no one reads the connection: the loan is a run of the
 * {@link InlineCallWatch}, which takes the reading back ({@link #handOff}: the relay reads on) if
 * the borrower stays away past its limits, as from a call run on the reader. The borrower takes
 * its loan up ({@link #take}) when it next waits for this connection, and reads; or gives it back
 * ({@link #giveBack}) before it waits for anything else. Exactly one party wins each loan: the borrower
 * ({@link #take}), the lender undoing it ({@link #takeBack}), or the watch; compare-and-set on
 * {@link #lent}, then on the run's state.
 *
 * <p>Policy: a loan is made only while the connection's waiters have lately come back
 * quickly ({@link #recordGap}, below {@link Tuning#inlineIfShorterThanNanos}, the knob that lets a
 * reader run short calls itself): a task that computes between its messages would otherwise keep
 * the connection unread meanwhile. A hand-off by the watch stops lending until the gaps prove
 * short again; a borrower's read that brought a bulk, or a virtual borrower's wait that ran out,
 * stops it for a while ({@link #pauseLoans}).
 *
 * <p>Prior art: the leader/follower pattern (Schmidt et al.), whose followers wait to be promoted
 * to read; here the promoted follower is the very task the message is for, and it hands the
 * leadership back at its next wait unless the message it waits for arrives first. Go's {@code
 * sysmon} is the watch.
 *
 * <p>Threads: any; see each method.
 */
final class ReadingLoan {
  /** The loan out now, or null (a relay thread or a reading task holds the reading, or no one is lent). */
  private final AtomicReference<InlineCallWatch.Run> lent = new AtomicReference<>();
  /** What the watch does after taking a loan back: the relay reads on. */
  private final Runnable passReading;
  /** Loans are made while waiters' gaps average below this. */
  private final long lendBelowNanos;
  /**
   * A running average of how long tasks waiting here stayed away between two waits;
   * written by them and by the watch, a lost update only blurs it.
   */
  private volatile long recentGapNanos;
  /** No loans before this (System.nanoTime): a borrower's read brought a bulk ({@link #pauseLoans}). */
  private volatile long noLoansUntil = System.nanoTime();

  /** How long loans stop after a borrower's read brought a bulk of messages. */
  static final long BULK_PAUSE_NANOS = 20_000_000;

  /** Whether the last loan taken up was brief; written and read by the holder of the reading. */
  private boolean heldBrief;

  /** How many loans the watch took back from borrowers that stayed away; written by the watch's thread. */
  private volatile long takenBack;

  /** How many loans the watch took back (for tests and diagnostics). */
  long takenBack() {
    return takenBack;
  }

  ReadingLoan(Runnable passReading, long lendBelowNanos) {
    this.passReading = passReading;
    this.lendBelowNanos = lendBelowNanos;
  }

  /**
   * The holder of the reading: lends it to {@code borrower} and no longer holds it (unless it
   * {@link #takeBack}s the loan). It has handed over every message it held back already.
   */
  InlineCallWatch.Run lendTo(Thread borrower) {
    return lendTo(borrower, false);
  }

  /**
   * {@link #lendTo(Thread)}; {@code brief} for a loan made where nothing shows how soon the
   * borrower comes back (a context's opening, and the loans that follow from it): the watch takes
   * it back after a millisecond even from a borrower that computes.
   */
  InlineCallWatch.Run lendTo(Thread borrower, boolean brief) {
    InlineCallWatch.Run loan = InlineCallWatch.reserve(this::handOff, borrower, brief);
    lent.set(loan);
    return loan;
  }

  /**
   * The lender: undoes {@code loan} (its borrower was not woken for the message after all). True
   * if the caller holds the reading again; false if the borrower took it up already, or the watch
   * took it back and passed it on.
   */
  boolean takeBack(InlineCallWatch.Run loan) {
    return lent.compareAndSet(loan, null) && settle(loan);
  }

  /**
   * A task about to wait for this connection's messages, or a relay thread whose call has ended:
   * true if a loan to the calling thread was out, and it now holds the reading.
   */
  boolean take() {
    InlineCallWatch.Run loan = lent.get();
    boolean taken = loan != null && loan.reader == Thread.currentThread() && lent.compareAndSet(loan, null) && settle(loan);
    if (taken) heldBrief = loan.runnableLimitNanos == InlineCallWatch.HAND_OFF_AFTER_NANOS;
    return taken;
  }

  /** Whether the loan the holder took last was brief: the one it is lent next is brief too. */
  boolean heldBrief() {
    return heldBrief;
  }

  /** A task about to wait for something else (a stream's credit): a loan to it goes back to the relay. */
  void giveBack() {
    if (take()) passReading.run();
  }

  /** Whether a waiting task is lent the reading now. */
  boolean lendsNow() {
    return recentGapNanos < lendBelowNanos && System.nanoTime() - noLoansUntil >= 0;
  }

  /**
   * No loans for {@link #BULK_PAUSE_NANOS}, after either of two signs that the task is not in a
   * tight conversation. A borrower's read brought a bulk of messages: a transfer in bulk, which a
   * reader reading beside the task serves better than the task reading and working through it in
   * turn (a flood that pauses for credit would otherwise be lent at each pause and read by its
   * consumer in turn). Or a virtual thread holding the reading waited a whole {@link
   * ReaderRelay#TASK_READ_WAIT_MILLIS} for its reply, its carrier blocked meanwhile: a reply that
   * depends on other virtual threads of this JVM, which that carrier could have run, must not
   * meet a blocked carrier at every message.
   */
  void pauseLoans() {
    noLoansUntil = System.nanoTime() + BULK_PAUSE_NANOS;
  }

  /** A task waits here again, {@code nanos} after its last wait here ended. */
  void recordGap(long nanos) {
    long took = Math.min(nanos, 10 * lendBelowNanos);
    long avg = recentGapNanos;
    recentGapNanos = avg + (took - avg) / 4;
  }

  /** Ends a loan taken off {@link #lent}: true if the watch had not taken it back first. */
  private static boolean settle(InlineCallWatch.Run loan) {
    boolean held = loan.finish();
    InlineCallWatch.end(loan);
    return held;
  }

  /** The watch: the borrower stayed away too long. No more loans until the gaps prove short again. */
  private void handOff() {
    takenBack++; // the watch's thread only
    recentGapNanos = 10 * lendBelowNanos;
    lent.set(null); // no one else can have made a loan meanwhile: no one holds the reading
    passReading.run();
  }
}
