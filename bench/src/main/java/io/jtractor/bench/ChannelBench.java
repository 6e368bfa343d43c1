package io.jtractor.bench;

import io.jtractor.sc.MemoryChannel;
import io.jtractor.sc.ReceiveChannel;
import io.jtractor.sc.SendChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One-way throughput and ping-pong between two virtual threads: a memory channel of buffer 0, 1,
 * 64 and unbounded ({@code -1}) against the JDK queue of the same shape ({@code SynchronousQueue},
 * {@code ArrayBlockingQueue}, {@code LinkedBlockingQueue}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ChannelBench {
  static final int MESSAGES = 100_000;
  static final int ROUND_TRIPS = 10_000;
  static final Integer ITEM = 42;

  @Param({"0", "1", "64", "-1"})
  public int buffer;

  private MemoryChannel<Integer> channel() {
    return MemoryChannel.open(buffer < 0 ? MemoryChannel.UNBOUNDED : buffer);
  }

  private BlockingQueue<Integer> queue() {
    return switch (buffer) {
      case 0 -> new SynchronousQueue<>();
      case -1 -> new LinkedBlockingQueue<>();
      default -> new ArrayBlockingQueue<>(buffer);
    };
  }

  @Benchmark
  @OperationsPerInvocation(MESSAGES)
  public long oneWayChannel() throws InterruptedException {
    MemoryChannel<Integer> ch = channel();
    SendChannel<Integer> tx = ch.sender();
    Thread producer =
        Thread.ofVirtual()
            .start(
                () -> {
                  for (int i = 0; i < MESSAGES; i++) tx.send(ITEM);
                  tx.close();
                });
    ReceiveChannel<Integer> rx = ch.receiver();
    long n = 0;
    while (rx.receiveOrClosed() != null) n++;
    producer.join();
    return n;
  }

  @Benchmark
  @OperationsPerInvocation(MESSAGES)
  public long oneWayQueue() throws InterruptedException {
    BlockingQueue<Integer> q = queue();
    Thread producer =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    for (int i = 0; i < MESSAGES; i++) q.put(ITEM);
                  } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                  }
                });
    long n = 0;
    for (int i = 0; i < MESSAGES; i++) {
      q.take();
      n++;
    }
    producer.join();
    return n;
  }

  @Benchmark
  @OperationsPerInvocation(ROUND_TRIPS)
  public long pingPongChannel() throws InterruptedException {
    MemoryChannel<Integer> ping = channel();
    MemoryChannel<Integer> pong = channel();
    Thread echo =
        Thread.ofVirtual()
            .start(
                () -> {
                  Integer v;
                  while ((v = ping.receiver().receiveOrClosed()) != null) pong.sender().send(v);
                });
    long n = 0;
    for (int i = 0; i < ROUND_TRIPS; i++) {
      ping.sender().send(ITEM);
      pong.receiver().receive();
      n++;
    }
    ping.sender().close();
    echo.join();
    return n;
  }

  @Benchmark
  @OperationsPerInvocation(ROUND_TRIPS)
  public long pingPongQueue() throws InterruptedException {
    BlockingQueue<Integer> ping = queue();
    BlockingQueue<Integer> pong = queue();
    Integer stop = -1;
    Thread echo =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    Integer v;
                    while ((v = ping.take()) != stop) pong.put(v);
                  } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                  }
                });
    long n = 0;
    for (int i = 0; i < ROUND_TRIPS; i++) {
      ping.put(ITEM);
      pong.take();
      n++;
    }
    ping.put(stop);
    echo.join();
    return n;
  }
}
