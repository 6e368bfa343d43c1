package io.jtractor.bench;

import io.jtractor.MsgStream;
import io.jtractor.Portal;
import io.jtractor.sc.Nursery;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

/**
 * The latency figures of a context between two JVMs: the stream echo round trip, and {@code
 * Context.cancel()} until the callee acknowledged, each measured in blocks interleaved with the raw
 * two-JVM ping-pong ({@link RawPeer#compare}), so that each ratio compares like moments: on these
 * VMs the raw floor alone moves by 2x from one run to the next (what the CPUs were doing just
 * before decides how fast a sleeping one wakes). Each is measured from the root's own thread (a
 * platform thread, where every wait for the peer is an OS park and wake-up) and from a task (a
 * virtual thread of an sc nursery, as a user's tasks and every actor's are); the raw floor always
 * runs on the root's thread.
 */
final class StreamLatency {
  private StreamLatency() {}

  /** The stream echo round trip over {@code calls}, from the root's thread, then from a task. */
  static void echoes(Portal p, int calls) throws Exception {
    long peer = ActorBench.childPid(p);
    RawPeer.Comparison[] root = {null};
    withEchoStream(p, s -> root[0] = RawPeer.compare("stream echo round trip from the root's own (platform) thread", calls, RawPeer.Block.of(() -> echo(s, 42L)), peer));
    RawPeer.Comparison task = compareOnTask("stream echo round trip from a task", calls, peer, server -> withEchoStream(p, s -> server.serve(RawPeer.Block.of(() -> echo(s, 42L)))));
    RawAcross.show("the stream echoes", root[0], task);
    Aims.atMost("stream echo between JVMs from the root's thread, p50 ratio to the raw ping-pong", 1.5, root[0].ratio(), "x");
    Aims.atMost("stream echo between JVMs from a task, p50 ratio to the raw ping-pong", 1.5, task.ratio(), "x");
  }

  /**
   * {@code calls} times {@code Context.cancel()} of a context whose callee sleeps, from the root's
   * thread, then from a task. Only the cancel is timed; the CPU figures cover opening the context too.
   */
  static void cancels(Portal p, int calls) throws Exception {
    long peer = ActorBench.childPid(p);
    String what = "Context.cancel() until the callee acknowledged (CPU: opening the context and cancelling it)";
    RawPeer.Comparison root = RawPeer.compare(what + ", from the root's own (platform) thread", calls, cancelBlock(p), peer);
    RawPeer.Comparison task = compareOnTask(what + ", from a task", calls, peer, server -> server.serve(cancelBlock(p)));
    RawAcross.show("the cancels", root, task);
    Aims.atMost("Context.cancel() between JVMs from the root's thread, p50 ratio to the raw round trip", 2, root.ratio(), "x");
    Aims.atMost("Context.cancel() between JVMs from a task, p50 ratio to the raw round trip", 2, task.ratio(), "x");
  }

  private static RawPeer.Block cancelBlock(Portal p) {
    return n -> timedCancels(p, n);
  }

  /** {@code n} times {@code Context.cancel()} of a context whose callee sleeps: the time of each cancel, in nanoseconds. */
  static long[] timedCancels(Portal p, int n) {
    long[] ns = new long[n];
    for (int i = 0; i < n; i++) {
      int k = i;
      p.openContext(BenchFuncs::sleeper, (ctx, first) -> {
        long t0 = System.nanoTime();
        ctx.cancel();
        ns[k] = System.nanoTime() - t0;
        return null;
      });
    }
    return ns;
  }

  /** One echo: {@code value} out and back. */
  static void echo(MsgStream s, long value) {
    s.send(value);
    s.receive();
  }

  /** What runs with an open stream to the child's echo. */
  interface WithStream {
    void run(MsgStream s) throws Exception;
  }

  /** Runs {@code body} with a stream open to {@code BenchFuncs.echoStream} in {@code p}'s actor. */
  static void withEchoStream(Portal p, WithStream body) {
    p.openContext(BenchFuncs::echoStream, (ctx, first) -> {
      try (MsgStream s = ctx.openStream()) {
        body.run(s);
      }
      return null;
    });
  }

  /** Runs, in the task, the blocks the root's thread asks for, until the comparison is over. */
  private interface Server {
    void serve(RawPeer.Block block) throws Exception;
  }

  /** Sets a subject up in the task (opens its stream, say) and hands it to the server. */
  private interface Host {
    void run(Server server) throws Exception;
  }

  /**
   * {@link RawPeer#compare} on this thread, with the raw floor here and the subject's blocks run in
   * a task that {@code host} sets up: each block is asked for and answered through a rendezvous
   * (one hand-over each way per block of 500 round trips, outside the timed trips). Returns what
   * {@link RawPeer#compare} measured.
   */
  private static RawPeer.Comparison compareOnTask(String label, int calls, long peer, Host host) {
    SynchronousQueue<Integer> asks = new SynchronousQueue<>();
    SynchronousQueue<Object> answers = new SynchronousQueue<>();
    RawPeer.Comparison[] measured = {null};
    Nursery.run(n -> {
      n.startSoon("bench", () -> host.run(block -> {
        for (int k; (k = asks.take()) > 0; ) {
          Object answer;
          try {
            answer = block.run(k);
          } catch (Exception e) {
            answer = e;
          }
          answers.put(answer);
        }
      }));
      try {
        measured[0] = RawPeer.compare(label, calls, k -> {
          if (!asks.offer(k, 60, TimeUnit.SECONDS)) throw new IllegalStateException("the task measuring " + label + " is gone");
          Object answer = answers.take();
          if (answer instanceof Exception e) throw e;
          return (long[]) answer;
        }, peer);
      } finally {
        asks.offer(0, 10, TimeUnit.SECONDS); // the task's server returns
      }
    });
    return measured[0];
  }
}
