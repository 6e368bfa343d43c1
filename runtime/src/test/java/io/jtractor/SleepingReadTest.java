package io.jtractor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.jtractor.config.SpawnOptions;
import io.jtractor.funcs.CtxFuncs;
import io.jtractor.funcs.Funcs;
import io.jtractor.funcs.LeakFuncs;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A context's body that the callee's reader runs keeps the connection's reading: while it sleeps
 * it reads, so the {@code _cancel_task} aimed at it is read by its own thread; when it blocks
 * outside sc the watch takes the reading back within milliseconds.
 */
@DisplayName("sleeping reads: a callee that sleeps reads its own cancel, and never keeps the connection unread")
@Timeout(60)
class SleepingReadTest extends SharedRootTest {

  private static void withChild(ContextSemanticsTest.PortalBody body) {
    root.openNursery(an -> {
      Portal p = an.startActor("sleeper", SpawnOptions.DEFAULT.asProcess(), CtxFuncs.class, Funcs.class, LeakFuncs.class);
      try {
        body.run(p);
      } finally {
        an.cancel();
      }
    });
  }

  /** Opens {@code n} contexts with a callee that sleeps until cancelled, and cancels each. */
  private static void openAndCancel(Portal p, int n) {
    for (int i = 0; i < n; i++) {
      p.openContext(LeakFuncs::sleepUntilCancelled, (ctx, first) -> {
        ctx.cancel();
        return null;
      });
    }
  }

  @Test
  void aCalleeSleepingUntilCancelledReadsItsOwnCancel() {
    withChild(p -> {
      assumeThat(p.channel().wire().awaitsInKernel()).as("Linux, with native access").isTrue();
      openAndCancel(p, 100); // warm: a cold JVM's first calls may run long, and are not kept for a while
      long before = p.run(LeakFuncs::sleepingReadsFrom, root.uid().name());
      openAndCancel(p, 100);
      long read = p.run(LeakFuncs::sleepingReadsFrom, root.uid().name()) - before;
      // Most are; a call the watch took the reading from (slow on a busy machine) keeps none for 20 ms.
      assertThat(read).as("cancels read by the sleeping callee itself, of 100").isGreaterThanOrEqualTo(30);
      assertThat(p.run(Funcs::add, 2L, 3L)).isEqualTo(5L);
    });
  }

  @Test
  void aCalleeThatBlocksOutsideScLosesTheReadingWithinMilliseconds() {
    withChild(p -> p.openContext(LeakFuncs::blockOutsideSc, 1_000L, (ctx, first) -> {
      long t0 = System.nanoTime();
      assertThat(p.run(Funcs::add, 2L, 3L)).isEqualTo(5L); // read by another reader meanwhile
      assertThat((System.nanoTime() - t0) / 1_000_000).as("ms until a call beside the blocked body is answered").isLessThan(500);
      Object result = ctx.result();
      assertThat(result).isEqualTo("done");
      return null;
    }));
  }
}
