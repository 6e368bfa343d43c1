package io.jtractor.runtime;

import io.jtractor.config.SpawnOptions;
import io.jtractor.sc.CancelScope;
import io.jtractor.sc.Cancelled;
import io.jtractor.wire.Connection;
import io.jtractor.wire.MemoryConnection;
import io.jtractor.wire.Uid;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A child actor that runs inside its parent's JVM, on virtual threads, as a task of the parent's
 * service nursery: the in-process spawn backend ({@link SpawnOptions#inProcess()}).
 *
 * <p>It runs the same child runtime as a child JVM ({@link ChildBoot}), but its link to the parent
 * is an in-memory connection ({@link MemoryConnection}: byte pipes, no socket) instead of loopback
 * TCP: over it, it proves the tree secret (handed over in memory, never on a command line or a
 * pipe), reads the spawn init message; then it listens on a port of its own, registers, and
 * serves; every other actor reaches it like any actor, over a socket. It is dressed as a {@link Process} so that the
 * parent's supervision and reaping ({@link ChildProcess}) are the same code for both backends.
 *
 * <p>Semantics kept / where we deviate from a child JVM:
 *
 * <ul>
 *   <li>No {@code System.exit}, no signal handler, no shutdown hook, no orphan watch, no own log
 *       level, no debugger: those are process-wide. It cannot be orphaned: it is a task of its
 *       parent's service nursery, which does not end before it does.
 *   <li>{@link #destroy()} (where a child JVM gets SIGTERM) stops its service, as a child JVM's
 *       shutdown hook does (exit status 143); {@link #destroyForcibly()} (SIGKILL) cancels its
 *       scope as well (137). A thread of it that ignores interrupts and never reaches a
 *       checkpoint cannot be killed: the reaper then waits, and says so.
 *   <li>Messages between in-process actors are msgpack copies, as between JVMs. But {@code
 *       System.exit}, an {@code OutOfMemoryError}, a native crash or a thread spinning forever
 *       take or starve the whole JVM: use a child JVM where that isolation matters.
 * </ul>
 *
 * <p>Threads: started by the spawning thread; {@link #exit} completes on the child's own task
 * thread; the rest may be called from any thread.
 */
final class InProcessChild extends Process {
  /** Exit status after {@link #destroy()}, as a JVM stopped by SIGTERM. */
  static final int TERMINATED = 143;
  /** Exit status after {@link #destroyForcibly()}, as a JVM stopped by SIGKILL. */
  static final int KILLED = 137;

  private final Uid uid;
  /** The scope the child runs in; cancelled to kill it. */
  private final CancelScope scope = CancelScope.create();
  /** Completed with this once the child's task has ended; its status in {@link #status}. */
  private final CompletableFuture<Process> exit = new CompletableFuture<>();
  /** What the child wrote as it failed (a child JVM's stderr); read once {@link #exit} is done. */
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  /** Written by the child's task before {@link #exit} completes. */
  private volatile int status;
  /** The actor, once it has booted; null before. */
  private volatile Actor actor;
  /** How it was told to stop: 0, {@link #TERMINATED} or {@link #KILLED}; any thread, only raised. */
  private volatile int stopSignal;
  /** The child's end of its in-memory link to the parent; set before its task starts. */
  private volatile Connection link;

  private InProcessChild(Uid uid) {
    this.uid = uid;
  }

  /**
   * Starts the child as a task of {@code parent}'s service nursery. It connects back to {@code
   * parentAddr} as a child JVM would.
   *
   * @param foreignLoop the factory class of an infected child's loop, or null
   * @throws IllegalStateException if the parent is not serving
   */
  static InProcessChild start(Actor parent, Uid uid, InetSocketAddress parentAddr, String foreignLoop, ChildTrust trust) {
    InProcessChild child = new InProcessChild(uid);
    // The link to the parent is in memory: the parent serves its end as an accepted connection.
    MemoryConnection.Pair link = MemoryConnection.pair(uid.name(), parent.uid().name());
    child.link = link.initiator();
    parent.connections().serveInMemory(link.acceptor());
    try {
      parent.service().startSoon("actor:" + uid.name(), () -> child.run(parentAddr, foreignLoop, trust, link.initiator()));
    } catch (RuntimeException notServing) {
      link.initiator().close();
      throw notServing;
    }
    return child;
  }

  private void run(InetSocketAddress parentAddr, String foreignLoop, ChildTrust trust, Connection link) {
    PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8);
    int code = 1;
    try {
      Integer ran = scope.call(s -> ChildBoot.run(uid, parentAddr, foreignLoop, trust, new ChildBoot.Host() {
        @Override
        public boolean sharesJvm() {
          return true;
        }

        @Override
        public PrintStream err() {
          return err;
        }

        @Override
        public Connection parentLink() {
          return link;
        }

        @Override
        public void booted(Actor a) {
          HostedActors.bind(a); // this thread and every one it starts belong to the child
          actor = a;
          if (stopSignal != 0) a.cancelService(); // told to stop while it booted
        }
      }));
      code = ran != null ? ran : KILLED; // null: its scope was cancelled
    } catch (Cancelled c) {
      code = KILLED; // the parent's service is being cancelled: the child dies with it
      throw c;
    } catch (Throwable t) {
      // An error escaping a child JVM's main thread ends that JVM with status 1.
      err.println("actor " + uid + " crashed:");
      t.printStackTrace(err);
      code = 1;
    } finally {
      link.close(); // however it ended, the parent's end learns it (a no-op if its channel closed it)
      HostedActors.unbind();
      status = stopSignal != 0 && code == 0 ? stopSignal : code;
      err.flush();
      exit.complete(this);
    }
  }

  @Override
  public OutputStream getOutputStream() {
    return OutputStream.nullOutputStream(); // its trust is handed over in memory
  }

  @Override
  public InputStream getInputStream() {
    return InputStream.nullInputStream(); // it writes to the JVM's own stdout
  }

  /** What it wrote as it failed, readable once it has exited. */
  @Override
  public InputStream getErrorStream() {
    return new InputStream() {
      private java.io.ByteArrayInputStream bytes;

      @Override
      public int read() {
        return open().read();
      }

      @Override
      public int read(byte[] b, int off, int len) {
        return open().read(b, off, len);
      }

      private java.io.ByteArrayInputStream open() {
        if (bytes == null) {
          exit.join();
          bytes = new java.io.ByteArrayInputStream(stderr.toByteArray());
        }
        return bytes;
      }
    };
  }

  @Override
  public int waitFor() throws InterruptedException {
    try {
      exit.get();
    } catch (ExecutionException impossible) {
      throw new IllegalStateException(impossible);
    }
    return status;
  }

  @Override
  public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
    try {
      exit.get(timeout, unit);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  @Override
  public int exitValue() {
    if (!exit.isDone()) throw new IllegalThreadStateException("actor " + uid + " is still running");
    return status;
  }

  @Override
  public boolean isAlive() {
    return !exit.isDone();
  }

  @Override
  public CompletableFuture<Process> onExit() {
    return exit.copy();
  }

  /** Where a child JVM gets SIGTERM: stops the actor's service, as its shutdown hook would. */
  @Override
  public void destroy() {
    if (stopSignal == 0) stopSignal = TERMINATED;
    Actor a = actor;
    if (a != null) {
      a.cancelService();
    } else { // still booting: nothing to tear down gracefully
      scope.cancel();
      link.close(); // its boot may wait for the parent in a read, which no interrupt ends
    }
  }

  /** Where a child JVM gets SIGKILL: cancels everything the child runs, at once. */
  @Override
  public Process destroyForcibly() {
    stopSignal = KILLED;
    Actor a = actor;
    if (a != null) a.cancelService(); // closes its sockets, which an interrupt does not
    scope.cancel();
    link.close(); // and its link to the parent, in case it is still booting
    return this;
  }

  @Override
  public boolean supportsNormalTermination() {
    return true;
  }

  /** The JVM's own pid: the actor lives in it. */
  @Override
  public long pid() {
    return ProcessHandle.current().pid();
  }

  /** None: its own children are reaped by its own nurseries, which it cancels as it stops. */
  @Override
  public Stream<ProcessHandle> descendants() {
    return Stream.empty();
  }

  @Override
  public Stream<ProcessHandle> children() {
    return Stream.empty();
  }

  @Override
  public String toString() {
    return "InProcessChild[" + uid + (isAlive() ? "" : " exited " + status) + "]";
  }
}
