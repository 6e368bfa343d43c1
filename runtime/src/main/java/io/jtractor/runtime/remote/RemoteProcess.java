package io.jtractor.runtime.remote;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A child actor on another host, as its parent sees it: the local {@code ssh} session that runs
 * it, plus the heartbeat the parent writes into that session. Everything a local child's {@link
 * Process} does, this does through the session: its output is the child's, its exit is the
 * child's (or ssh's 255 when the link was lost), and ending it ends the child.
 *
 * <p>The stream the spawner writes the trust line to stays open when the spawner closes it: the
 * heartbeat goes on through it. Thread rule: writes to the session's stdin are serialized on
 * {@link #stdin}.
 */
final class RemoteProcess extends Process {
  /** A heartbeat: one line break (the remote side counts any byte). */
  private static final byte[] BEAT = {'\n'};

  private final Process ssh;
  private final String host;
  private final OutputStream stdin;
  private final OutputStream keptOpen;

  RemoteProcess(Process ssh, String host, Duration heartbeatTimeout) {
    this.ssh = ssh;
    this.host = host;
    this.stdin = ssh.getOutputStream();
    this.keptOpen = new FilterOutputStream(stdin) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        synchronized (stdin) {
          stdin.write(b, off, len);
        }
      }

      @Override
      public void flush() throws IOException {
        synchronized (stdin) {
          stdin.flush();
        }
      }

      @Override
      public void close() throws IOException {
        flush(); // the heartbeat needs the stream: closed when the session ends
      }
    };
    long every = Math.max(100, heartbeatTimeout.toMillis() / 5);
    Thread.ofVirtual().name("heartbeat:" + host).start(() -> beat(every));
  }

  /** The remote host's name. */
  String host() {
    return host;
  }

  private void beat(long everyMs) {
    try {
      while (!ssh.waitFor(everyMs, TimeUnit.MILLISECONDS)) {
        synchronized (stdin) {
          stdin.write(BEAT);
          stdin.flush();
        }
      }
    } catch (IOException | InterruptedException e) {
      // the session ended: nothing to beat for
    } finally {
      try {
        stdin.close();
      } catch (IOException ignored) {
        // already gone
      }
    }
  }

  @Override
  public OutputStream getOutputStream() {
    return keptOpen;
  }

  @Override
  public InputStream getInputStream() {
    return ssh.getInputStream();
  }

  @Override
  public InputStream getErrorStream() {
    return ssh.getErrorStream();
  }

  @Override
  public int waitFor() throws InterruptedException {
    return ssh.waitFor();
  }

  @Override
  public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
    return ssh.waitFor(timeout, unit);
  }

  @Override
  public int exitValue() {
    return ssh.exitValue();
  }

  /** Ends the session: the remote child sees its stdin end and exits at once. */
  @Override
  public void destroy() {
    ssh.destroy();
  }

  @Override
  public Process destroyForcibly() {
    ssh.destroyForcibly();
    return this;
  }

  @Override
  public boolean isAlive() {
    return ssh.isAlive();
  }

  @Override
  public long pid() {
    return ssh.pid();
  }

  @Override
  public ProcessHandle toHandle() {
    return ssh.toHandle();
  }

  @Override
  public CompletableFuture<Process> onExit() {
    return ssh.onExit().thenApply(p -> this);
  }

  @Override
  public Stream<ProcessHandle> descendants() {
    return ssh.descendants();
  }

  @Override
  public Stream<ProcessHandle> children() {
    return ssh.children();
  }

  @Override
  public ProcessHandle.Info info() {
    return ssh.info();
  }

  @Override
  public String toString() {
    return "RemoteProcess[" + host + ", ssh pid " + ssh.pid() + "]";
  }
}
