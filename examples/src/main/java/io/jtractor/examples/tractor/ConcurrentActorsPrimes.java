package io.jtractor.examples.tractor;

import io.jtractor.Jtractor;
import io.jtractor.Portal;
import io.jtractor.Remote;
import io.jtractor.Root;
import io.jtractor.examples.ExampleRoot;
import io.jtractor.sc.Block;
import io.jtractor.sc.MemoryChannel;
import io.jtractor.sc.Nursery;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The prime checker of Python's {@code concurrent.futures} documentation, on a pool of daemon
 * actors: no executor or futures, only portals, tasks and a memory channel. tractor: {@code
 * parallelism/concurrent_actors_primes.py}.
 */
public final class ConcurrentActorsPrimes {
  private ConcurrentActorsPrimes() {}

  static final List<Long> PRIMES = List.of(
      112272535095293L,
      112582705942171L,
      112272535095293L,
      115280095190773L,
      115797848077099L,
      1099726899285419L);

  /** Runs in a worker: trial division. */
  public static boolean isPrime(long n) {
    if (n < 2) return false;
    if (n == 2) return true;
    if (n % 2 == 0) return false;
    long sqrt = (long) Math.floor(Math.sqrt(n));
    for (long i = 3; i <= sqrt; i += 2) {
      if (n % i == 0) return false;
    }
    return true;
  }

  /** Maps a remote function over values on the pool's workers, round robin. */
  interface Mapper {
    /** Calls {@code fn} on every value and hands each (value, result) to {@code onResult} as it arrives. */
    <R> void map(Remote.Fn1<Long, R> fn, List<Long> values, BiConsumer<Long, R> onResult);
  }

  /**
   * Runs {@code body} with a pool of {@code workers} daemons that stay up, ready for work, until it
   * returns; then the pool is cancelled.
   */
  static void withWorkerPool(int workers, Block<Mapper> body) {
    Jtractor.openNursery(an -> {
      List<Portal> portals = new ArrayList<>();
      for (int i = 0; i < workers; i++) portals.add(an.startActor("worker_" + i, ConcurrentActorsPrimes.class));

      body.run(new Mapper() {
        @Override
        public <R> void map(Remote.Fn1<Long, R> fn, List<Long> values, BiConsumer<Long, R> onResult) {
          record Done<R>(long value, R result) {}
          MemoryChannel<Done<R>> results = MemoryChannel.open(values.size());
          Nursery.run(n -> {
            for (int i = 0; i < values.size(); i++) {
              long value = values.get(i);
              Portal portal = portals.get(i % portals.size());
              n.startSoon(() -> results.sender().send(new Done<>(value, portal.run(fn, value))));
            }
            for (int i = 0; i < values.size(); i++) { // in the order they finish
              Done<R> done = results.receiver().receive();
              onResult.accept(done.value(), done.result());
            }
          });
        }
      });
      an.cancel();
    });
  }

  public static void main(String[] args) {
    long scriptStart = System.nanoTime();
    int workers = Math.min(4, Runtime.getRuntime().availableProcessors());
    try (Root root = ExampleRoot.open("root")) {
      withWorkerPool(workers, pool -> {
        long start = System.nanoTime();
        pool.map(ConcurrentActorsPrimes::isPrime, PRIMES,
            (number, prime) -> System.out.println(number + " is prime: " + prime));
        System.out.printf("processing took %.3f seconds%n", (System.nanoTime() - start) / 1e9);
      });
    }
    System.out.printf("script took %.3f seconds%n", (System.nanoTime() - scriptStart) / 1e9);
  }
}
