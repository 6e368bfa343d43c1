package io.jtractor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.jtractor.config.SpawnOptions;
import io.jtractor.funcs.CtxFuncs;
import io.jtractor.funcs.Funcs;
import io.jtractor.sc.CancelScope;
import io.jtractor.sc.Nursery;
import io.jtractor.sc.Sc;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A platform thread in a conversation over a socket (it sends on a context, then waits for the
 * answer) is lent the connection's reading, and so is a task's virtual thread where its carrier can
 * wait in the kernel (Linux, with native access, as these tests run): its next wait reads the socket itself, as either end
 * of a raw socket does, instead of being woken by a reader thread that read first. Lent, never kept: it gives the reading back
 * when nothing comes within a millisecond, when it is cancelled, when it waits for anything else,
 * or when it stays away; and everything else that arrives meanwhile reaches whoever waits for it.
 * Children here are JVMs of their own: an in-memory link is never lent (docs/design.md, "Lending
 * the reading to a waiting task").
 */
@DisplayName("lent reading: a task waiting on a socket reads it itself, and gives the reading back")
@Timeout(60)
class LentReadingTest extends SharedRootTest {

  private static void withChild(ContextSemanticsTest.PortalBody body) {
    root.openNursery(an -> {
      Portal p = an.startActor("lent", SpawnOptions.DEFAULT.asProcess(), CtxFuncs.class, Funcs.class);
      try {
        body.run(p);
      } finally {
        an.cancel();
      }
    });
  }

  /** What a test does with its child and the stream of a context with the child's echo. */
  private interface EchoBody {
    void run(Portal p, MsgStream s) throws Exception;
  }

  /** Runs {@code body} with a child JVM and an open stream to its echo. */
  private static void withEchoStream(EchoBody body) {
    withChild(p -> p.openContext(CtxFuncs::echo, (ctx, first) -> {
      try (MsgStream s = ctx.openStream()) {
        body.run(p, s);
      }
      return null;
    }));
  }

  /** Sends {@code i} on {@code s} and expects it back. */
  private static void echo(MsgStream s, long i) {
    s.send(i);
    assertThat(s.receive()).isEqualTo(i);
  }

  /**
   * Echoes until this thread has read its echoes itself a few times (a cold JVM's first round
   * trips are slow, and a slow waiter is not lent the reading): it then holds the reading between
   * its waits. Returns the next item to send.
   */
  private static long converseUntilLent(Portal p, MsgStream s) {
    long before = p.channel().lentReads();
    long i = 0;
    while (p.channel().lentReads() - before < 5 && i < 20_000) echo(s, i++);
    assertThat(p.channel().lentReads() - before).as("lent the reading within %d echoes", i).isGreaterThanOrEqualTo(5);
    return i;
  }

  @Test
  void aPlatformThreadStreamingWithAChildReadsTheRepliesItself() {
    assertThat(Thread.currentThread().isVirtual()).isFalse();
    withChild(p -> {
      long before = p.channel().lentReads();
      p.openContext(CtxFuncs::echo, (ctx, first) -> {
        try (MsgStream s = ctx.openStream()) {
          for (long i = 0; i < 500; i++) echo(s, i);
        }
        return null;
      });
      // Each wait that finds its echo within the millisecond reads it itself; on a loaded machine
      // some give up and are lent the reading again by the reader that reads it instead.
      assertThat(p.channel().lentReads() - before).isGreaterThan(100);
    });
  }

  /** Runs {@code body} in a task: a virtual thread of an sc nursery. */
  private static void onTask(Runnable body) {
    Nursery.run(n -> n.startSoon("task", body::run));
  }

  @Test
  void aTaskStreamingWithAChildReadsTheRepliesItselfWhereItsCarrierCanWaitInTheKernel() {
    withChild(p -> {
      assumeThat(p.channel().wire().awaitsInKernel()).as("Linux, with native access").isTrue();
      long before = p.channel().lentReads();
      onTask(() -> p.openContext(CtxFuncs::echo, (ctx, first) -> {
        assertThat(Thread.currentThread().isVirtual()).isTrue();
        try (MsgStream s = ctx.openStream()) {
          for (long i = 0; i < 500; i++) echo(s, i);
        }
        return null;
      }));
      assertThat(p.channel().lentReads() - before).isGreaterThan(100);
    });
  }

  @Test
  void aTaskOnAVirtualThreadHoldingTheReadingIsCancelledOnTimeAndTheConnectionLives() {
    withEchoStream((p, s) -> {
      assumeThat(p.channel().wire().awaitsInKernel()).as("Linux, with native access").isTrue();
      long[] next = {0};
      onTask(() -> {
        next[0] = converseUntilLent(p, s);
        for (int round = 0; round < 20; round++) { // cancelled in its wait, while it holds the reading
          long t0 = System.nanoTime();
          CancelScope waited = Sc.moveOnAfter(Duration.ofMillis(5), scope -> s.receive()); // nothing comes
          assertThat(waited.cancelledCaught()).isTrue();
          assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
          echo(s, next[0]++); // an interrupt that closed the socket under the task would end this
        }
      });
      assertThat(p.run(Funcs::add, 2L, 3L)).isEqualTo(5L);
      echo(s, next[0]);
    });
  }

  @Test
  void aTaskWaitingWithTheReadingLentIsCancelledOnTime() {
    withEchoStream((p, s) -> {
      long next = converseUntilLent(p, s);
      long t0 = System.nanoTime();
      CancelScope waited = Sc.moveOnAfter(Duration.ofMillis(50), scope -> s.receive()); // nothing was sent: nothing comes
      long tookMs = (System.nanoTime() - t0) / 1_000_000;
      assertThat(waited.cancelledCaught()).isTrue();
      assertThat(tookMs).isLessThan(5_000); // a wait that never gave the socket up would hang here
      // The connection still serves everyone (the reading went back to the relay), this stream too.
      assertThat(p.run(Funcs::add, 2L, 3L)).isEqualTo(5L);
      echo(s, next);
    });
  }

  @Test
  void aBorrowerCancelledAsItWaitsGivesTheReadingBackAtOnce() {
    withEchoStream((p, s) -> {
      long next = 0;
      // A try counts only if the watch did not take the loan back before the cancelled wait left
      // (a thread descheduled for a millisecond on a busy machine loses a brief loan): then the
      // wait itself held it, and must have given it back as it left.
      for (int attempt = 0; attempt < 20; attempt++) {
        next = converseUntilLent(p, s); // this thread now holds the reading between its waits
        long takenBack = p.channel().loansTakenBack();
        CancelScope cancelled = CancelScope.create();
        cancelled.cancel();
        cancelled.run(scope -> s.receive()); // Cancelled at once, as it begins to wait
        assertThat(cancelled.cancelledCaught()).isTrue();
        if (p.channel().loansTakenBack() != takenBack) continue; // taken back before it left: try again
        Thread.sleep(50); // held, the loan would be taken back by the watch meanwhile
        assertThat(p.channel().loansTakenBack()).as("given back as it left, not taken back").isEqualTo(takenBack);
        echo(s, next);
        return;
      }
      throw new AssertionError("the watch took every loan back before the cancelled wait left it");
    });
  }

  @Test
  void aPeerCancellingTheActorWhoseTaskHoldsTheReadingIsAnsweredAtOnce() {
    withChild(p -> p.openContext(CtxFuncs::echo, (ctx, first) -> {
      try (MsgStream s = ctx.openStream()) {
        converseUntilLent(p, s); // warm both ways: the child's echo task too holds the reading between its waits
        // Read by that task, self.cancel waits for the child's tasks, that one among them: it must
        // not wait for itself (the answer would come after the 3 s bound, past this limit).
        assertThat(p.cancelActor(Duration.ofSeconds(2))).isTrue();
      } catch (RuntimeException gone) {
        // closing the stream of a cancelled actor
      }
      return null;
    }));
  }

  @Test
  void callsBothWaysGoOnWhileTasksOnBothSidesHoldTheReading() {
    withChild(p -> p.openContext(CtxFuncs::echo, (ctx, first) -> {
      AtomicLong answered = new AtomicLong();
      try (MsgStream s = ctx.openStream()) {
        Nursery.run(n -> {
          // Answers to this task's calls arrive while the echo loop below holds the reading here;
          // the calls themselves arrive while the child's echo task holds it there.
          n.startSoon(() -> {
            for (long i = 0; i < 200; i++) {
              assertThat(p.run(Funcs::add, i, 1L)).isEqualTo(i + 1);
              answered.incrementAndGet();
            }
          });
          for (long i = 0; i < 2_000; i++) echo(s, i);
        });
      }
      assertThat(answered).hasValue(200);
      return null;
    }));
  }

  @Test
  void aTaskThatStopsWaitingWithTheReadingLentLosesItWithinMilliseconds() {
    withEchoStream((p, s) -> {
      long next = converseUntilLent(p, s); // this thread now holds the reading between its waits
      CountDownLatch callsDone = new CountDownLatch(1);
      Nursery.run(n -> {
        n.startSoon(() -> {
          for (long i = 0; i < 20; i++) assertThat(p.run(Funcs::add, i, 1L)).isEqualTo(i + 1);
          callsDone.countDown();
        });
        // Blocked on something else, not on this connection: the answers to the calls above
        // can only be read if the reading was taken back from this thread.
        assertThat(callsDone.await(30, TimeUnit.SECONDS)).isTrue();
      });
      echo(s, next); // and it is lent again, or waits as any task does
    });
  }

  /**
   * The opener of a context is lent the reading with its {@code started}, so that it reads its
   * next answers (a cancel's, say) itself; nothing shows yet how soon it will wait again, so a
   * body that computes instead loses the loan within about a millisecond, not the ten a runnable
   * borrower in a conversation keeps it (the connection is unread meanwhile).
   */
  @Test
  void anOpenerThatComputesAfterStartedLosesTheReadingWithinMilliseconds() {
    withChild(p -> {
      boolean takenWhileComputing = false;
      for (int attempt = 0; attempt < 20 && !takenWhileComputing; attempt++) {
        long before = p.channel().loansTakenBack();
        takenWhileComputing = p.openContext(CtxFuncs::echo, (ctx, first) -> {
          long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(8);
          while (System.nanoTime() - until < 0) Thread.onSpinWait(); // computes, runnable, never waits
          boolean taken = p.channel().loansTakenBack() > before;
          ctx.cancel(); // the echo would wait for a stream for ever
          return taken;
        });
      }
      assertThat(takenWhileComputing).as("a loan taken back within the 8 ms an opener computed").isTrue();
      assertThat(p.run(Funcs::add, 2L, 3L)).isEqualTo(5L);
    });
  }

  @Test
  void aBulkTransferIsReadBesideItsConsumerNotByIt() {
    withChild(p -> {
      long before = p.channel().lentReads();
      long received = p.openContext(CtxFuncs::source, 20_000L, true, (ctx, first) -> {
        long n = 0;
        try (MsgStream s = ctx.openStream(StreamOptions.DEFAULT.withMsgBufferSize(1024))) {
          for (Object ignored : s) n++;
        }
        return n;
      });
      assertThat(received).isEqualTo(20_000L);
      // The consumer sends nothing back: no conversation after the opening. The opener is lent the
      // reading with `started`; its first read then brings a bulk, and it gives the reading back
      // for good, so at most that one read is its own.
      assertThat(p.channel().lentReads() - before).isLessThanOrEqualTo(1);
    });
  }

  @Test
  void aTaskThatComputesBetweenItsMessagesIsNotLentTheReading() {
    withEchoStream((p, s) -> {
      converseUntilLent(p, s);
      long before = p.channel().lentReads();
      for (long i = 0; i < 30; i++) {
        echo(s, i);
        long until = System.nanoTime() + 3_000_000; // 3 ms of work, runnable all along
        while (System.nanoTime() - until < 0) Thread.onSpinWait();
      }
      // Kept between such waits, the reading would leave everything else on this connection
      // unread for 3 ms each time; the runtime stops lending it after the first long gap.
      assertThat(p.channel().lentReads() - before).isLessThanOrEqualTo(3);
    });
  }
}
