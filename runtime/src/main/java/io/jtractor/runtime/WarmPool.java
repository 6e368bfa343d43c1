package io.jtractor.runtime;

import io.jtractor.sc.Sc;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Child JVMs started ahead of need: each has booted and warmed up and waits on its stdin for the
 * identity of the actor it is to become. Taking one skips JVM start-up, class loading and warm-up:
 * the cost of a spawn becomes a connect and a handshake. Prior art: tractor's {@code
 * mp_forkserver} start method serves the same purpose.
 *
 * <p>A pool is per actor and per set of JVM flags, is refilled after every take once the taken JVM
 * has connected (in the background, on the actor's service nursery), and kills its idle JVMs when
 * the actor stops.
 * Idle JVMs watch the parent like any child and exit if it dies.
 *
 * <p>Threads: any; guarded by the pool's monitor.
 */
final class WarmPool {
  private static final Logger LOG = LoggerFactory.getLogger(WarmPool.class);

  private final Actor actor;
  private final List<String> command;
  private final int size;
  private final ArrayDeque<Process> idle = new ArrayDeque<>(); // guarded by this
  private int starting; // guarded by this
  private boolean closed; // guarded by this

  WarmPool(Actor actor, List<String> command, int size) {
    this.actor = actor;
    this.command = List.copyOf(command);
    this.size = size;
  }

  /**
   * A warm, live JVM, or null if none is ready (the caller then starts one cold). Does not refill:
   * the caller calls {@link #refill()} once the JVM it took has connected (or failed to).
   */
  Process take() {
    Process p = null;
    synchronized (this) {
      while (!idle.isEmpty()) {
        Process candidate = idle.pollFirst();
        if (candidate.isAlive()) {
          p = candidate;
          break;
        }
      }
    }
    return p;
  }


  /**
   * Starts JVMs until the pool (idle plus starting) is full again: at once if no idle JVM is left,
   * else after {@link Tuning#refillPause}.
   */
  void refill() {
    int missing;
    boolean pause;
    synchronized (this) {
      if (closed) return;
      missing = size - idle.size() - starting;
      starting += Math.max(0, missing);
      pause = !idle.isEmpty();
    }
    for (int i = 0; i < missing; i++) {
      try {
        actor.service().startSoon("warm-pool", () -> startOne(pause));
      } catch (IllegalStateException stopping) {
        synchronized (this) {
          starting--;
        }
      }
    }
  }

  private void startOne(boolean pause) {
    Process p = null;
    try {
      if (pause) {
        Sc.sleep(Tuning.current().refillPause()); // cancelled if the actor stops meanwhile
        synchronized (this) {
          if (closed) return; // closed meanwhile: do not boot a JVM only to kill it
        }
      }
      List<String> cmd = new ArrayList<>(command);
      cmd.add(ChildMain.WARM);
      p = new ProcessBuilder(cmd).start();
    } catch (IOException e) {
      LOG.warn("could not pre-start a child JVM: " + e.getMessage());
    } finally {
      synchronized (this) {
        starting--;
        if (p != null) {
          if (closed) p.destroyForcibly();
          else idle.addLast(p);
        }
      }
    }
  }

  /** Idle JVMs ready to be taken (for {@link Bookkeeping}). */
  synchronized int idleCount() {
    return idle.size();
  }

  /** JVMs being started to refill the pool (for {@link Bookkeeping}). */
  synchronized int startingCount() {
    return starting;
  }

  /** Kills every idle JVM; the pool takes no more. */
  void close() {
    List<Process> victims;
    synchronized (this) {
      closed = true;
      victims = new ArrayList<>(idle);
      idle.clear();
    }
    for (Process p : victims) {
      p.destroyForcibly();
      try {
        p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
