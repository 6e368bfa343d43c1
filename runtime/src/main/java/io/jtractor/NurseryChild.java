package io.jtractor;

import io.jtractor.runtime.ChildProcess;
import io.jtractor.runtime.Sneaky;
import io.jtractor.sc.CancelScope;
import io.jtractor.sc.Event;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One child: its process, its scope (so it can be cancelled alone) and, for runInActor, its
 * result.
 *
 * <p>Threads: the supervisor settles the outcome; the nursery's owner, a portal or its
 * cancel() raise what is asked of the child. Both are one-way states changed by compare-and-set.
 */
final class NurseryChild {
  final ChildProcess process;
  final ActorNursery.MainCall main;
  final CancelScope scope = CancelScope.create();
  /** Set once the outcome is settled. */
  final Event resultReady = new Event();
  Portal portal; // set by the spawning thread before supervision starts

  /** What this nursery has asked of the child; it only rises: NONE, then CANCEL, then HARD_KILL. */
  enum Ask {
    /** Nothing: the child's end would be unexpected. */
    NONE,
    /** To go (a {@code self.cancel} request, then signals): its end is no failure. */
    CANCEL,
    /** To go at once: SIGTERM without asking first, then SIGKILL after the grace period. */
    HARD_KILL
  }

  /** How the child's main call ended (runInActor), or how the child ended without one. */
  sealed interface Outcome permits Returned, Failed {}

  record Returned(Object value) implements Outcome {}

  record Failed(Throwable error) implements Outcome {}

  private final AtomicReference<Ask> ask = new AtomicReference<>(Ask.NONE);
  /** Null until settled; settled once, before {@link #resultReady} is set. */
  private final AtomicReference<Outcome> outcome = new AtomicReference<>();

  NurseryChild(ChildProcess process, ActorNursery.MainCall main) {
    this.process = process;
    this.main = main;
  }

  boolean isRunInActor() {
    return main != null;
  }

  /** Asks the child to go: its end is expected from now on. */
  void markCancelRequested() {
    ask.compareAndSet(Ask.NONE, Ask.CANCEL);
  }

  /** Asks the child to go at once. */
  void markHardKill() {
    ask.set(Ask.HARD_KILL);
  }

  boolean cancelRequested() {
    return ask.get() != Ask.NONE;
  }

  boolean hardKill() {
    return ask.get() == Ask.HARD_KILL;
  }

  /** Settles the outcome unless it is settled already; true if this call settled it. */
  boolean settle(Outcome o) {
    if (!outcome.compareAndSet(null, o)) return false;
    resultReady.set();
    return true;
  }

  @SuppressWarnings("unchecked")
  <R> R awaitResult() {
    resultReady.await();
    return switch (outcome.get()) {
      case Failed f -> throw Sneaky.raise(f.error());
      case Returned r -> (R) r.value();
    };
  }
}
