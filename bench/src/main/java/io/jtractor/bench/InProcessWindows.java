package io.jtractor.bench;

import io.jtractor.Context;
import io.jtractor.Jtractor;
import io.jtractor.MsgStream;
import io.jtractor.Portal;
import io.jtractor.Root;
import io.jtractor.StreamOptions;
import io.jtractor.config.SpawnOptions;
import io.jtractor.sc.MemoryChannel;
import io.jtractor.sc.Nursery;
import io.jtractor.sc.ReceiveChannel;
import io.jtractor.sc.SendChannel;

/**
 * The in-process one-way stream against sc's {@code MemoryChannel} at two buffer sizes, a round
 * of each in turn: what {@link InProcessBench}'s ratio compares (our 4,096-item window against a
 * 64-item channel), beside the like-for-like pairs, so that the baseline's own spread from round
 * to round is visible next to the ratio.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar io.jtractor.bench.InProcessWindows [rounds]} (16
 * by default), best under {@code taskset -c 0}.
 */
public final class InProcessWindows {
  private InProcessWindows() {}

  private static final int ITEMS = 1_000_000;
  private static final int[] WINDOWS = {64, 4096};

  /** The callee: counts the caller's items through a stream with a {@code window}-item buffer. */
  public static long sinkWithWindow(Context ctx, long window) {
    ctx.started();
    long n = 0;
    try (MsgStream s = ctx.openStream(StreamOptions.DEFAULT.withMsgBufferSize((int) window))) {
      for (Object ignored : s) n++;
    }
    return n;
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 16;
    if (rounds < 1) throw new IllegalArgumentException("rounds must be at least 1: " + rounds);
    try (Root root = Jtractor.openRoot("bench", InProcessWindows.class)) {
      root.openNursery(an -> {
        Portal p = an.startActor("sink", SpawnOptions.DEFAULT.inProcess(), InProcessWindows.class);
        for (int r = 0; r < rounds; r++) {
          StringBuilder line = new StringBuilder("round " + r + ", M items/s:");
          for (int w : WINDOWS) {
            double channel = StreamBench.onTask(() -> channel(w));
            double stream = StreamBench.onTask(() -> stream(p, w));
            line.append(String.format(" | buffer %d: MemoryChannel %.1f, stream %.1f", w, channel / 1e6, stream / 1e6));
          }
          System.out.println(line);
        }
        p.cancelActor();
      });
    }
  }

  private static double channel(int buffer) {
    MemoryChannel<Long> ch = MemoryChannel.open(buffer);
    SendChannel<Long> tx = ch.sender();
    ReceiveChannel<Long> rx = ch.receiver();
    long[] n = {0};
    long t0 = System.nanoTime();
    Nursery.run(nursery -> {
      nursery.startSoon(() -> {
        for (long i = 0; i < ITEMS; i++) tx.send(i);
        tx.close();
      });
      while (rx.receiveOrClosed() != null) n[0]++;
    });
    return n[0] / ((System.nanoTime() - t0) / 1e9);
  }

  private static double stream(Portal p, long window) {
    long[] got = {0};
    long t0 = System.nanoTime();
    p.openContext(InProcessWindows::sinkWithWindow, window, (ctx, first) -> {
      try (MsgStream s = ctx.openStream()) {
        for (long i = 0; i < ITEMS; i++) s.send(i);
      }
      got[0] = ctx.<Long>result();
      return null;
    });
    return got[0] / ((System.nanoTime() - t0) / 1e9);
  }
}
