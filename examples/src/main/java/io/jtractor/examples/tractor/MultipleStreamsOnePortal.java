package io.jtractor.examples.tractor;

import io.jtractor.Emitter;
import io.jtractor.MsgStream;
import io.jtractor.Portal;
import io.jtractor.Root;
import io.jtractor.examples.ExampleRoot;
import io.jtractor.sc.Nursery;
import io.jtractor.sc.Sc;
import java.util.HashSet;
import java.util.Set;

/**
 * Two local tasks each open their own stream from the same function through one portal: each
 * stream is independent and carries every value. tractor: {@code multiple_streams_one_portal.py}.
 */
public final class MultipleStreamsOnePortal {
  private MultipleStreamsOnePortal() {}

  /** Runs in the daemon, once per stream: emits 0 .. seed-1. */
  public static void streamData(Emitter<Integer> out, int seed) {
    for (int i = 0; i < seed; i++) {
      out.emit(i);
      Sc.checkpoint();
    }
  }

  /** Reads a whole stream, toggling each value in {@code seen}: a value seen twice leaves it. */
  static void streamFromPortal(Portal portal, Set<Long> seen) {
    try (MsgStream stream = portal.openStreamFrom(MultipleStreamsOnePortal::streamData, 10)) {
      for (Object item : stream) {
        long value = ((Number) item).longValue();
        synchronized (seen) {
          if (!seen.remove(value)) seen.add(value);
        }
      }
    }
  }

  public static void main(String[] args) {
    try (Root root = ExampleRoot.open("root")) {
      root.openNursery(an -> {
        Portal portal = an.startActor("stream_boi", MultipleStreamsOnePortal.class);
        Set<Long> seen = new HashSet<>();
        Nursery.run(n -> {
          for (int i = 0; i < 2; i++) n.startSoon(() -> streamFromPortal(portal, seen));
        });
        // Both consumers saw every value, so every value was toggled in and out again.
        if (!seen.isEmpty()) throw new AssertionError("values seen by only one stream: " + seen);
        System.out.println("both streams delivered 0..9 in full");
        an.cancel();
      });
    }
  }
}
