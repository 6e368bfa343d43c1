package io.jtractor.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;

/**
 * A connection to a {@link RawEcho} JVM: the floor a runtime round trip is compared with. Opened
 * once and used in blocks interleaved with the runtime's own round trips, so both are measured in
 * the same moments (on these VMs the floor itself drifts by 2-3x from one second to the next).
 */
final class RawPeer implements AutoCloseable {
  private final Process process;
  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;
  private final byte[] msg = new byte[50]; // about the size of a return or a yield message

  /** Starts an echoing {@link RawEcho} and connects to it. */
  RawPeer() throws IOException {
    this(new String[0]);
  }

  /** Starts a {@link RawEcho} with {@code args} ({@code sink N}: it only reads) and connects to it. */
  RawPeer(String... args) throws IOException {
    this(List.of(), args);
  }

  /**
   * Starts a {@link RawEcho} with {@code args}, its command line behind {@code prefix} (say {@code
   * taskset -c 1}), and connects to it.
   */
  RawPeer(List<String> prefix, String... args) throws IOException {
    List<String> cmd = new java.util.ArrayList<>(List.of("-cp", System.getProperty("java.class.path"), RawEcho.class.getName()));
    cmd.addAll(List.of(args));
    List<String> line = new java.util.ArrayList<>(prefix);
    line.addAll(ActorBench.javaCommand(cmd.toArray(String[]::new)));
    ProcessBuilder pb = new ProcessBuilder(line);
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    process = pb.start();
    try {
      int port = Integer.parseInt(new BufferedReader(new InputStreamReader(process.getInputStream())).readLine().trim());
      socket = new Socket(InetAddress.getLoopbackAddress(), port);
      socket.setTcpNoDelay(true);
      in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
      out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
    } catch (IOException | RuntimeException e) {
      process.destroy();
      throw e;
    }
  }

  /**
   * Writes {@code messages} small frames (about the size of a yield message) through the buffered
   * socket, then waits for the sink's one answer; returns messages per second. For a peer started
   * with {@code sink messages}.
   */
  double oneWay(int messages) throws IOException {
    long t0 = System.nanoTime();
    for (int i = 0; i < messages; i++) {
      out.writeInt(Integer.reverseBytes(msg.length));
      out.write(msg);
    }
    out.flush();
    in.readInt(); // the sink's answer: it has read them all
    return messages / ((System.nanoTime() - t0) / 1e9);
  }

  /** The mean round trip in microseconds over {@code calls}, after a warm-up of 2,000. */
  double meanRoundTripMicros(int calls) throws IOException {
    for (int i = 0; i < 2_000; i++) roundTrip();
    long t0 = System.nanoTime();
    for (int i = 0; i < calls; i++) roundTrip();
    return (System.nanoTime() - t0) / 1e3 / calls;
  }

  /** One round trip of a small frame. */
  void roundTrip() throws IOException {
    out.writeInt(Integer.reverseBytes(msg.length));
    out.write(msg);
    out.flush();
    int n = Integer.reverseBytes(in.readInt());
    in.readFully(msg, 0, n);
  }

  @Override
  public void close() throws IOException {
    try {
      socket.close();
    } finally {
      process.destroy();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A round trip to measure. */
  interface Trip {
    void run() throws Exception;
  }

  /**
   * {@code n} round trips of the subject, wherever they must run (on this thread, or handed to a
   * task that holds the subject's stream): the time of each, in nanoseconds. A block may time only
   * part of each trip (a cancel, not the opening of the context it cancels).
   */
  interface Block {
    long[] run(int n) throws Exception;

    /** Runs {@code trip} {@code n} times on the calling thread, timing each whole. */
    static Block of(Trip trip) {
      return n -> {
        long[] ns = new long[n];
        for (int i = 0; i < n; i++) {
          long t0 = System.nanoTime();
          trip.run();
          ns[i] = System.nanoTime() - t0;
        }
        return ns;
      };
    }
  }

  /** {@link #compare(String, int, Block, long)} for round trips run on this thread. */
  static Comparison compare(String label, int calls, Trip subject, long subjectPeerPid) throws Exception {
    return compare(label, calls, Block.of(subject), subjectPeerPid);
  }

  /**
   * What {@link #compare} measured: the medians of the subject's round trips and of the raw ones
   * interleaved with them, in nanoseconds.
   */
  record Comparison(double subjectP50Ns, double rawP50Ns) {
    /** The subject's p50 over the raw floor's. */
    double ratio() {
      return subjectP50Ns / rawP50Ns;
    }
  }

  /** How many round trips of each a block of {@link #compare} runs. */
  private static final int BLOCK = 500;

  /**
   * Measures {@code subject} and the raw floor in alternating blocks of 500 round trips ({@code
   * calls} of each in all, after a warm-up of each) and prints mean, median and tail of both, with
   * the ratios; and the CPU time each round trip costs on both ends: this JVM (all its threads)
   * and {@code subjectPeerPid}, the process that answers {@code subject}, against this JVM and the
   * raw echo for the floor. Unlike latency, CPU time does not depend on where the scheduler put the
   * threads, so it shows the work a change saves even on a noisy VM. The raw floor always runs on
   * this thread. Returns the two medians.
   */
  static Comparison compare(String label, int calls, Block subject, long subjectPeerPid) throws Exception {
    try (RawPeer raw = new RawPeer()) {
      Blocks blocks = new Blocks(raw, subject, subjectPeerPid, calls);
      // Warm up until this JVM's compilers are quiet (JitQuiet): after the full benchmark's
      // spawning runs, the caller's C2 compiler was measured still busy (0.7 s of CPU in 2 s)
      // during a fixed warm-up of 2 s, and pinned to one CPU at 22% of the CPU 11 s into the
      // cancel loop, which is taken from the round trips being measured. A child JVM runs C1 only:
      // its paths take seconds of work to compile, so the warm-up is at least 3 s too. The
      // warm-up runs the very blocks measured, the CPU readings between them included: warmed
      // without them, the compilers were busy for up to a third of the measurement that followed.
      long warmUntil = System.nanoTime() + 3_000_000_000L;
      for (int i = 0; i < 2_000 || System.nanoTime() - warmUntil < 0; i += BLOCK) blocks.run(BLOCK, false);
      JitQuiet.warmUp(() -> {
        try {
          blocks.run(BLOCK, false);
          return 0;
        } catch (Exception e) {
          throw new IllegalStateException("the warm-up of " + label + " failed", e);
        }
      });
      for (int done = 0; done < calls; done += BLOCK) blocks.run(Math.min(BLOCK, calls - done), true);
      long[] rawNs = blocks.rawNs;
      long[] subjectNs = blocks.subjectNs;
      long rawSelfCpu = blocks.rawSelfCpu, rawEchoCpu = blocks.rawEchoCpu;
      long subjectSelfCpu = blocks.subjectSelfCpu, subjectPeerCpu = blocks.subjectPeerCpu;
      double rawMean = mean(rawNs), subjectMean = mean(subjectNs);
      double rawP50 = percentile(rawNs, 50), subjectP50 = percentile(subjectNs, 50);
      System.out.printf("%s: mean %.1f us, p50 %.1f us; raw two-JVM ping-pong, interleaved: mean %.1f us, p50 %.1f us; ratio mean %.2f, p50 %.2f%n",
          label, subjectMean / 1e3, subjectP50 / 1e3, rawMean / 1e3, rawP50 / 1e3, subjectMean / rawMean, subjectP50 / rawP50);
      System.out.printf("  tail: p90 %.1f | raw %.1f us, p99 %.1f | raw %.1f us, max %.0f | raw %.0f us%n",
          percentile(subjectNs, 90) / 1e3, percentile(rawNs, 90) / 1e3, percentile(subjectNs, 99) / 1e3, percentile(rawNs, 99) / 1e3,
          percentile(subjectNs, 100) / 1e3, percentile(rawNs, 100) / 1e3);
      System.out.printf("  CPU per round trip: caller %.1f | raw %.1f us, callee %.1f | raw %.1f us, both %.1f | raw %.1f us (ratio %.2f)%n",
          subjectSelfCpu / 1e3 / calls, rawSelfCpu / 1e3 / calls, subjectPeerCpu / 1e3 / calls, rawEchoCpu / 1e3 / calls,
          (subjectSelfCpu + subjectPeerCpu) / 1e3 / calls, (rawSelfCpu + rawEchoCpu) / 1e3 / calls,
          (double) (subjectSelfCpu + subjectPeerCpu) / (rawSelfCpu + rawEchoCpu));
      return new Comparison(subjectP50, rawP50);
    }
  }

  /**
   * The alternating blocks of {@link #compare}: {@code n} raw round trips, then {@code n} of the
   * subject, each timed, with the CPU of this JVM, the raw echo and the subject's peer read
   * around them. Kept only when asked; a warm-up runs the same code and keeps nothing.
   */
  private static final class Blocks {
    private final RawPeer raw;
    private final Block subject;
    private final long self = ProcessHandle.current().pid();
    private final long echo;
    private final long peer;
    final long[] rawNs;
    final long[] subjectNs;
    /** How many of each were kept so far. */
    private int kept;
    long rawSelfCpu;
    long rawEchoCpu;
    long subjectSelfCpu;
    long subjectPeerCpu;

    Blocks(RawPeer raw, Block subject, long peer, int calls) {
      this.raw = raw;
      this.subject = subject;
      this.echo = raw.process.pid();
      this.peer = peer;
      this.rawNs = new long[calls];
      this.subjectNs = new long[calls];
    }

    void run(int n, boolean keep) throws Exception {
      long[] rawTimes = new long[n];
      var selfCpu = threadCpuNanos(self);
      var echoCpu = threadCpuNanos(echo);
      for (int i = 0; i < n; i++) {
        long t0 = System.nanoTime();
        raw.roundTrip();
        rawTimes[i] = System.nanoTime() - t0;
      }
      var selfCpuAfterRaw = threadCpuNanos(self);
      long rawSelf = cpuBetween(selfCpu, selfCpuAfterRaw);
      long rawEcho = cpuBetween(echoCpu, threadCpuNanos(echo));
      var peerCpu = threadCpuNanos(peer);
      long[] subjectTimes = subject.run(n);
      long subjectSelf = cpuBetween(selfCpuAfterRaw, threadCpuNanos(self));
      long subjectPeer = cpuBetween(peerCpu, threadCpuNanos(peer));
      if (!keep) return;
      System.arraycopy(rawTimes, 0, rawNs, kept, n);
      System.arraycopy(subjectTimes, 0, subjectNs, kept, n);
      kept += n;
      rawSelfCpu += rawSelf;
      rawEchoCpu += rawEcho;
      subjectSelfCpu += subjectSelf;
      subjectPeerCpu += subjectPeer;
    }
  }

  /**
   * The CPU time of process {@code pid}'s threads, by thread id, in nanoseconds, from the
   * scheduler's own accounting ({@code /proc/PID/task/TID/schedstat}).
   */
  static java.util.Map<String, Long> threadCpuNanos(long pid) {
    java.util.Map<String, Long> byThread = new java.util.HashMap<>();
    try (var tasks = java.nio.file.Files.newDirectoryStream(java.nio.file.Path.of("/proc", Long.toString(pid), "task"))) {
      for (java.nio.file.Path t : tasks) {
        try {
          String stat = java.nio.file.Files.readString(t.resolve("schedstat"));
          byThread.put(t.getFileName().toString(), Long.parseLong(stat.substring(0, stat.indexOf(' '))));
        } catch (IOException | RuntimeException gone) {
          // the thread ended between the listing and the read
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read the CPU time of process " + pid, e);
    }
    return byThread;
  }

  /**
   * CPU used between two {@link #threadCpuNanos} samples: per thread, so that a thread ending in
   * between (the JVM retires idle compiler threads) does not take its whole past out of the sum.
   * A thread that ended in between is missing its last moments; one that began counts whole.
   */
  static long cpuBetween(java.util.Map<String, Long> before, java.util.Map<String, Long> after) {
    long sum = 0;
    for (var e : after.entrySet()) sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
    return sum;
  }

  static double mean(long[] v) {
    double s = 0;
    for (long x : v) s += x;
    return s / v.length;
  }

  /** The {@code p}th percentile (nearest rank) of {@code v}; 100 is the maximum. */
  static double percentile(long[] v, int p) {
    long[] c = v.clone();
    java.util.Arrays.sort(c);
    int rank = (int) Math.ceil(c.length * p / 100.0); // 1-based
    return c[Math.max(0, Math.min(c.length, rank) - 1)];
  }
}
