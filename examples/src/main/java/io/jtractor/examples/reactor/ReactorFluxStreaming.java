package io.jtractor.examples.reactor;

import io.jtractor.MsgStream;
import io.jtractor.Portal;
import io.jtractor.Root;
import io.jtractor.config.SpawnOptions;
import io.jtractor.examples.ExampleRoot;
import io.jtractor.sc.Event;
import io.jtractor.sc.Nursery;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Signal;

/**
 * A Project Reactor {@link Flux} streamed from one actor to another, with cancellation both ways.
 * An infected daemon exposes a function returning a {@code Flow.Publisher} (a Flux adapted with
 * {@link JdkFlowAdapter}): the runtime streams it to the caller with the caller's demand. The root
 * reads the stream back as a Flux.
 *
 * <ul>
 *   <li>The consumer cancels: {@code take(10)} cancels its subscription, which closes the stream,
 *       which cancels the remote call, which cancels the remote Flux (its {@code doOnCancel}
 *       counts it).
 *   <li>The producer is cancelled: the root cancels the daemon while reading, and the consumer's
 *       Flux ends (the remote generator's {@code stop}, or the error that ended it) instead of
 *       waiting forever.
 * </ul>
 */
public final class ReactorFluxStreaming {
  private ReactorFluxStreaming() {}

  private static final AtomicInteger CANCELLED = new AtomicInteger();

  /** In the daemon: an endless Flux of ticks, as a {@code Flow.Publisher}. */
  public static Flow.Publisher<Long> ticks() {
    Flux<Long> flux = Flux.interval(Duration.ofMillis(1)).onBackpressureBuffer(256).doOnCancel(CANCELLED::incrementAndGet);
    return JdkFlowAdapter.publisherToFlowPublisher(flux);
  }

  /** In the daemon: how many of its Flux subscriptions were cancelled. */
  public static int cancelledFluxes() {
    return CANCELLED.get();
  }

  public static void main(String[] args) {
    try (Root root = ExampleRoot.open("root")) {
      root.openNursery(an -> {
        Portal p = an.startActor("flux_server", SpawnOptions.inherited().infected(), ReactorFluxStreaming.class);

        // 1. The consumer cancels the producer.
        Nursery.run(n -> {
          MsgStream stream = p.openStreamFromNs(ReactorFluxStreaming.class.getName(), "ticks", Map.of());
          List<Object> first = JdkFlowAdapter.flowPublisherToFlux(stream.toPublisher(n)).take(10).collectList().block();
          check(first.equals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L)), "got " + first);
        });
        while (p.run(ReactorFluxStreaming::cancelledFluxes) < 1) Thread.sleep(5); // the cancel crosses asynchronously
        System.out.println("the consumer took 10 ticks and cancelled the remote Flux");

        // 2. The producer is cancelled while the consumer reads.
        Nursery.run(n -> {
          MsgStream stream = p.openStreamFromNs(ReactorFluxStreaming.class.getName(), "ticks", Map.of());
          Event fifth = new Event();
          n.startSoon(() -> {
            fifth.await();
            p.cancelActor();
          });
          AtomicInteger seen = new AtomicInteger();
          Signal<Void> end = JdkFlowAdapter.flowPublisherToFlux(stream.toPublisher(n))
              .doOnNext(t -> {
                if (seen.incrementAndGet() == 5) fifth.set();
              })
              .then()
              .materialize()
              .block();
          System.out.println("the producer was cancelled after " + seen.get() + " ticks or more; the consumer's Flux ended: "
              + (end.isOnComplete() ? "completed (the remote generator's stop)" : end.getThrowable()));
        });
      });
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) throw new AssertionError(what);
  }
}
