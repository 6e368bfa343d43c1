package io.jtractor.examples.tractor;

import io.jtractor.Portal;
import io.jtractor.Root;
import io.jtractor.examples.ExampleRoot;
import io.jtractor.sc.Sc;

/**
 * The same CPU-bound function runs in a child actor and in the root at once: two processes, two
 * cores. Watch it with {@code watch -n 0.1 pstree -a <pid>}. tractor: {@code
 * parallelism/single_func.py}.
 */
public final class SingleFunc {
  private SingleFunc() {}

  /** Keeps a core busy for about half a second (staying cancellable), then returns its pid. */
  public static long burnCpu() {
    long until = System.nanoTime() + 500_000_000L;
    double x = 0;
    while (System.nanoTime() < until) {
      for (int i = 1; i < 10_000; i++) x += Math.sqrt(i);
      Sc.checkpoint();
    }
    if (x < 0) throw new AssertionError(); // keeps the loop from being optimised away
    return ProcessHandle.current().pid();
  }

  public static void main(String[] args) {
    long pid;
    try (Root root = ExampleRoot.open("root")) {
      pid = root.callNursery(an -> {
        Portal portal = an.runInActor(SingleFunc::burnCpu);
        long mine = burnCpu(); // the root burns a core of its own meanwhile
        System.out.println("Root burnt pid " + mine);
        return portal.<Long>result();
      });
    }
    System.out.println("Collected subproc " + pid);
  }
}
