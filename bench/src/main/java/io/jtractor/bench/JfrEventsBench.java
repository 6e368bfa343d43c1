package io.jtractor.bench;

import io.jtractor.runtime.JfrEvents;
import io.jtractor.wire.Uid;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the runtime's flight-recorder events cost when nobody records them: the helpers the
 * runtime calls on a context's opening and closing and on a cancel's request and answer, against
 * the same arguments consumed by nothing. Run it plain (not recorded), and with {@code
 * -jvmArgsAppend -XX:StartFlightRecording} to see what recording costs.
 *
 * <p>{@code java -jar bench/target/benchmarks.jar JfrEventsBench}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JfrEventsBench {
  private final Uid actor = Uid.random("bench");
  private final Uid peer = Uid.random("peer");
  private final String cid = "0b7c4bde-7d35-4b4c-9a4f-3c0e3d1c1a11";

  @Benchmark
  public void baseline(Blackhole bh) {
    bh.consume(actor);
    bh.consume(peer);
    bh.consume(cid);
  }

  @Benchmark
  public void contextOpenedAndClosed(Blackhole bh) {
    bh.consume(actor);
    bh.consume(peer);
    bh.consume(cid);
    JfrEvents.contextOpened(actor, peer, cid, "echo", true);
    JfrEvents.contextClosed(actor, peer, cid, "echo", true, "returned");
  }

  @Benchmark
  public void cancelRequestedAndAnswered(Blackhole bh) {
    bh.consume(actor);
    bh.consume(peer);
    bh.consume(cid);
    JfrEvents.cancelAnswered(JfrEvents.cancelRequested(actor, peer, cid), actor, peer, cid, true);
  }
}
