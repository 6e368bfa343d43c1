package io.jtractor.examples.tractor;

import io.jtractor.Emitter;
import io.jtractor.Jtractor;
import io.jtractor.MsgStream;
import io.jtractor.Portal;
import io.jtractor.Root;
import io.jtractor.examples.ExampleRoot;
import io.jtractor.sc.MemoryChannel;
import io.jtractor.sc.Nursery;
import io.jtractor.sc.ReceiveChannel;
import io.jtractor.sc.Sc;
import io.jtractor.sc.SendChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Three layers of actors: two streamers each emit 0 .. seed-1; an aggregator they belong to merges
 * both streams through a memory channel, drops the duplicates and streams each value once to the
 * root, which checks it got the whole range. tractor: {@code full_fledged_streaming_service.py}.
 */
public final class FullFledgedStreamingService {
  private FullFledgedStreamingService() {}

  /** Runs in each streamer. */
  public static void streamData(Emitter<Integer> out, int seed) {
    for (int i = 0; i < seed; i++) {
      out.emit(i);
      Sc.sleep(Duration.ofNanos(100_000));
    }
  }

  /** Runs in the aggregator: spawns the two streamers and forwards the union of their values. */
  public static void aggregate(Emitter<Integer> out, int seed) {
    Jtractor.openNursery(an -> {
      List<Portal> streamers = new ArrayList<>();
      for (int i = 1; i <= 2; i++) streamers.add(an.startActor("streamer_" + i, FullFledgedStreamingService.class));

      MemoryChannel<Integer> merged = MemoryChannel.open(500);
      Nursery.run(n -> {
        for (Portal streamer : streamers) {
          SendChannel<Integer> tx = merged.sender().clone();
          n.startSoon(() -> {
            try (tx; MsgStream stream = streamer.openStreamFrom(FullFledgedStreamingService::streamData, seed)) {
              for (Object value : stream) tx.send(((Number) value).intValue()); // waits while the channel is full
            }
            System.out.println("FINISHED ITERATING " + streamer.uid());
          });
        }
        merged.sender().close(); // the pushers hold clones: the channel ends when both are done

        Set<Integer> unique = new HashSet<>();
        try (ReceiveChannel<Integer> rx = merged.receiver()) {
          for (int value : rx) {
            if (unique.add(value)) out.emit(value);
          }
        }
        System.out.println("FINISHED ITERATING in aggregator");
      });
      an.cancel();
      System.out.println("WAITING on ActorNursery to finish");
    });
    System.out.println("AGGREGATOR COMPLETE!");
  }

  public static void main(String[] args) {
    int seed = 1000;
    try (Root root = ExampleRoot.open("root")) {
      root.openNursery(an -> {
        long preStart = System.nanoTime();
        Portal aggregator = an.startActor("aggregator", FullFledgedStreamingService.class);
        long start = System.nanoTime();
        List<Integer> received = new ArrayList<>();
        try (MsgStream stream = aggregator.openStreamFrom(FullFledgedStreamingService::aggregate, seed)) {
          for (Object value : stream) received.add(((Number) value).intValue());
        }
        aggregator.cancelActor();
        System.out.printf("STREAM TIME = %.3f s%n", (System.nanoTime() - start) / 1e9);
        System.out.printf("STREAM + SPAWN TIME = %.3f s%n", (System.nanoTime() - preStart) / 1e9);
        if (!received.equals(IntStream.range(0, seed).boxed().toList())) {
          throw new AssertionError("expected 0.." + (seed - 1) + " in order, got " + received.size() + " values");
        }
        System.out.println("received all " + seed + " values, in order, once each");
      });
    }
  }
}
