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
    List<String> cmd = new java.util.ArrayList<>(List.of("-cp", System.getProperty("java.class.path"), RawEcho.class.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(ActorBench.javaCommand(cmd.toArray(String[]::new)));
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
   * Measures {@code subject} and the raw floor in alternating blocks of 500 round trips ({@code
   * calls} of each in all, after a warm-up of each) and prints mean and median of both, with the
   * ratios.
   */
  static void compare(String label, int calls, Trip subject) throws Exception {
    try (RawPeer raw = new RawPeer()) {
      for (int i = 0; i < 2_000; i++) {
        raw.roundTrip();
        subject.run();
      }
      long[] rawNs = new long[calls];
      long[] subjectNs = new long[calls];
      int block = 500;
      for (int done = 0; done < calls; done += block) {
        int n = Math.min(block, calls - done);
        for (int i = 0; i < n; i++) {
          long t0 = System.nanoTime();
          raw.roundTrip();
          rawNs[done + i] = System.nanoTime() - t0;
        }
        for (int i = 0; i < n; i++) {
          long t0 = System.nanoTime();
          subject.run();
          subjectNs[done + i] = System.nanoTime() - t0;
        }
      }
      double rawMean = mean(rawNs), subjectMean = mean(subjectNs);
      double rawP50 = median(rawNs), subjectP50 = median(subjectNs);
      System.out.printf("%s: mean %.1f us, p50 %.1f us; raw two-JVM ping-pong, interleaved: mean %.1f us, p50 %.1f us; ratio mean %.2f, p50 %.2f%n",
          label, subjectMean / 1e3, subjectP50 / 1e3, rawMean / 1e3, rawP50 / 1e3, subjectMean / rawMean, subjectP50 / rawP50);
    }
  }

  private static double mean(long[] v) {
    double s = 0;
    for (long x : v) s += x;
    return s / v.length;
  }

  private static double median(long[] v) {
    long[] c = v.clone();
    java.util.Arrays.sort(c);
    return c[c.length / 2];
  }
}
