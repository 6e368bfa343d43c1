package io.jtractor;

import io.jtractor.config.ActorConfig;
import io.jtractor.runtime.Actor;
import io.jtractor.runtime.ChildProcesses;
import io.jtractor.runtime.Sneaky;
import io.jtractor.sc.Block;
import io.jtractor.sc.Event;
import io.jtractor.sc.ValueBlock;
import io.jtractor.wire.Uid;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The root actor of a process tree, opened with try-with-resources: {@code try (Root root =
 * Jtractor.openRoot("root")) { ... }}. Prior art: tractor's {@code open_root_actor}.
 *
 * <p>The actor's runtime (its listener, connections and RPC tasks) runs on threads of its own
 * while the block runs; {@link #close()} tears it down. Ctrl-C (SIGINT) or SIGTERM while a root
 * is open tears its actor tree down in order and exits with 130 or 143 and one line saying how
 * many actors were torn down (see {@code -Djtractor.handleSignals}); any other exit of the JVM
 * with the root open takes every child process down in a shutdown hook.
 */
public final class Root implements AutoCloseable {
  /** How long opening a root waits for its registration with a remote registrar. */
  private static final Duration REGISTRATION_WAIT = Duration.ofSeconds(3);

  private final Actor actor;
  private final Thread runtime;
  private final Event stop = new Event();
  private final AtomicReference<Throwable> crash = new AtomicReference<>();
  private final Thread shutdownHook;
  private volatile boolean closed;

  Root(ActorConfig config) {
    if (!config.debugMode() && io.jtractor.runtime.debug.DebugMode.requestedByEnvironment()) config = config.withDebugMode(true);
    this.actor = new Actor(config, true);
    this.runtime =
        Thread.ofVirtual()
            .name("root-runtime:" + config.name())
            .start(
                () -> {
                  try {
                    actor.serve(a -> stop.await());
                  } catch (Throwable t) {
                    crash.set(t);
                  }
                });
    try {
      actor.address(); // wait until it listens (or fails to)
    } catch (Throwable t) {
      join();
      throw t;
    }
    if (crash.get() != null) {
      join();
      throw Sneaky.raise(crash.get());
    }
    actor.awaitRegistration(REGISTRATION_WAIT); // opened findable (or told why not, in the log)
    if (actor.registrationFailure() != null) {
      // Nothing usable listens at the registrar's address: say so now, not at the first lookup.
      actor.cancelService();
      stop.set();
      join();
      throw new IllegalStateException("root " + config.name() + " cannot use the registrar at "
          + config.registryAddress().getHostString() + ":" + config.registryAddress().getPort() + ": "
          + actor.registrationFailure().getMessage(), actor.registrationFailure());
    }
    if (config.debugMode()) io.jtractor.runtime.debug.Debugger.rootOpened(actor, Thread.currentThread());
    this.shutdownHook = Thread.ofPlatform().name("jtractor-root-shutdown").unstarted(this::emergencyTeardown);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    RootSignals.install(this);
  }

  /** The root actor's uid. */
  public Uid uid() {
    return actor.uid();
  }

  /** Where the root listens. */
  public InetSocketAddress address() {
    return actor.address();
  }

  /** Whether this root is the registrar (nothing answered at the registrar address). */
  public boolean isRegistrar() {
    return actor.isRegistrar();
  }

  /** The registrar's address (this root's own if it is the registrar), or null if none. */
  public InetSocketAddress registrarAddress() {
    return actor.registrarAddress();
  }

  /** The runtime object behind this root (for this package, and its tests). */
  Actor actor() {
    return actor;
  }

  /** Opens an actor nursery and runs {@code body} in it; see {@link ActorNursery}. */
  public void openNursery(Block<? super ActorNursery> body) {
    Objects.requireNonNull(body, "body");
    ActorNursery.open(actor, an -> {
      body.run(an);
      return null;
    });
  }

  /** Like {@link #openNursery(Block)}, returning what the body returns. */
  public <R> R callNursery(ValueBlock<? super ActorNursery, R> body) {
    return ActorNursery.open(actor, body);
  }

  /**
   * Waits until this root's runtime stops: a remote cancel, {@link Jtractor#cancelCurrentActor()},
   * or {@link #close()} from another thread. Interruptible.
   *
   * @throws io.jtractor.sc.Cancelled if the waiting task is cancelled
   */
  public void awaitStopped() {
    try {
      runtime.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      io.jtractor.sc.Sc.checkpoint();
      throw new IllegalStateException("interrupted while waiting for the root to stop", e);
    }
  }

  /** Stops the root's runtime and waits for it. Idempotent. */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    RootSignals.remove(this);
    actor.cancelRuntime(actor.uid());
    actor.cancelService();
    stop.set();
    join();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
    Throwable t = crash.get();
    if (t != null) throw Sneaky.raise(t);
  }

  private void join() {
    boolean interrupted = false;
    while (true) {
      try {
        runtime.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
  }

  /** JVM shutdown with the root still open: ask children to go, then kill what is left. */
  private void emergencyTeardown() {
    ChildProcesses.killAll(actor, Duration.ofMillis(800));
  }
}
