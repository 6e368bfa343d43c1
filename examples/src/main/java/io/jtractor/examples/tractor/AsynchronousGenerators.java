package io.jtractor.examples.tractor;

import io.jtractor.Emitter;
import io.jtractor.MsgStream;
import io.jtractor.Portal;
import io.jtractor.Root;
import io.jtractor.examples.ExampleRoot;
import io.jtractor.sc.Sc;
import java.time.Duration;

/**
 * A never-ending stream from a daemon: the root reads 51 values, then closing the stream stops
 * the remote loop. tractor: {@code asynchronous_generators.py}.
 */
public final class AsynchronousGenerators {
  private AsynchronousGenerators() {}

  /** Runs in the daemon: emits the same line every 10 ms until the caller closes the stream. */
  public static void streamForever(Emitter<String> out) {
    while (true) {
      out.emit("I can see these little future bubble things");
      Sc.sleep(Duration.ofMillis(10));
    }
  }

  public static void main(String[] args) {
    try (Root root = ExampleRoot.open("root")) {
      root.openNursery(an -> {
        Portal donny = an.startActor("donny", AsynchronousGenerators.class);
        try (MsgStream stream = donny.openStreamFrom(AsynchronousGenerators::streamForever)) {
          int count = 0;
          for (Object line : stream) {
            System.out.println(line);
            if (++count > 50) break;
          }
        }
        System.out.println("stream terminated");
        donny.cancelActor();
      });
    }
  }
}
