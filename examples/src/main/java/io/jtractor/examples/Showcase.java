package io.jtractor.examples;

import io.jtractor.Jtractor;
import io.jtractor.Portal;
import io.jtractor.RemoteActorError;
import io.jtractor.Root;
import io.jtractor.sc.CancelScope;
import io.jtractor.sc.MemoryChannel;
import io.jtractor.sc.Nursery;
import io.jtractor.sc.ReceiveChannel;
import io.jtractor.sc.Sc;
import io.jtractor.sc.SendChannel;
import java.io.PrintStream;
import java.time.Duration;

/**
 * The showcase: what structured concurrency on virtual threads gives you, in three short scenes.
 *
 * <ol>
 *   <li>A producer streams jobs over a memory channel to three workers; one worker fails, its
 *       failure cancels the producer and the other workers, and arrives as itself.
 *   <li>A deadline: a slow task is cancelled by {@code moveOnAfter}, while a shielded cleanup
 *       inside it still finishes.
 *   <li>A fan-out that computes in parallel and prints the speed-up over doing it in sequence.
 *   <li>Actors: child JVMs supervised the same way; one fails, its error comes back boxed with
 *       its remote type and trace, its siblings are cancelled, and no process is left.
 * </ol>
 *
 * <p>Later issues grow this into the actor showcase (several processes); the shape stays.
 */
public final class Showcase {
  private final PrintStream out;
  private final long t0 = System.nanoTime();

  Showcase(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    new Showcase(System.out).run();
  }

  void run() {
    out.println("jtractor showcase: structured concurrency on virtual threads");
    supervision();
    deadlines();
    parallelism();
    actors();
    say("main", "done: every task finished, nothing left running");
  }

  private void say(String who, String what) {
    out.printf("%7.1f ms  %-10s %s%n", (System.nanoTime() - t0) / 1e6, who, what);
  }

  /** Scene 1: one failing worker cancels its siblings and the producer; the error arrives whole. */
  void supervision() {
    out.println();
    out.println("-- 1. supervision: one failure cancels the rest and is raised as itself");
    MemoryChannel<Integer> jobs = MemoryChannel.open(0);
    try {
      Nursery.run(
          n -> {
            n.startSoon(
                () -> {
                  try (SendChannel<Integer> tx = jobs.sender()) {
                    for (int job = 1; ; job++) {
                      tx.send(job);
                    }
                  } finally {
                    say("producer", "cancelled, closing the channel");
                  }
                });
            for (int w = 1; w <= 3; w++) {
              String name = "worker-" + w;
              ReceiveChannel<Integer> rx = jobs.receiver().clone();
              n.startSoon(
                  name,
                  () -> {
                    try (rx) {
                      for (int job : rx) {
                        if (job == 7) {
                          say(name, "job 7 is poisoned: failing");
                          throw new IllegalStateException(name + " could not process job 7");
                        }
                        say(name, "processed job " + job);
                        Sc.sleep(Duration.ofMillis(2));
                      }
                    } catch (io.jtractor.sc.Cancelled c) {
                      say(name, "cancelled");
                      throw c;
                    }
                  });
            }
            jobs.receiver().close(); // the workers hold clones
          });
    } catch (IllegalStateException e) {
      say("main", "nursery raised: " + e.getMessage());
    }
  }

  /** Scene 2: a deadline cancels a slow task; a shielded cleanup inside still runs to the end. */
  void deadlines() {
    out.println();
    out.println("-- 2. deadlines: moveOnAfter cancels, a shield protects cleanup");
    CancelScope scope =
        Sc.moveOnAfter(
            Duration.ofMillis(50),
            s -> {
              try {
                say("slow-task", "starting work that takes 10 s");
                Sc.sleep(Duration.ofSeconds(10));
              } finally {
                Sc.shielded(
                    cleanup -> {
                      say("slow-task", "deadline hit; cleaning up (shielded, 20 ms)");
                      Sc.sleep(Duration.ofMillis(20));
                      say("slow-task", "cleanup finished");
                    });
              }
            });
    say("main", "moved on after the deadline: cancelledCaught=" + scope.cancelledCaught());
  }

  /** Scene 3: fan-out/fan-in over a channel, timed against the same work in sequence. */
  void parallelism() {
    out.println();
    out.println("-- 3. fan-out: 16 tasks of 20 ms of (simulated) I/O each");
    long seqStart = System.nanoTime();
    for (int i = 0; i < 4; i++) {
      fakeIo();
    }
    double sequential = (System.nanoTime() - seqStart) / 1e6 * 4; // 16 tasks, extrapolated from 4
    long parStart = System.nanoTime();
    MemoryChannel<Integer> results = MemoryChannel.open(MemoryChannel.UNBOUNDED);
    Nursery.run(
        n -> {
          try (SendChannel<Integer> tx = results.sender()) {
            for (int i = 0; i < 16; i++) {
              int id = i;
              SendChannel<Integer> mine = tx.clone();
              n.startSoon(() -> {
                try (mine) {
                  fakeIo();
                  mine.send(id * id);
                }
              });
            }
          }
        });
    int sum = 0;
    for (int r : results.receiver()) sum += r;
    double parallel = (System.nanoTime() - parStart) / 1e6;
    say("main", String.format("sum of squares 0..15 = %d; sequential ~%.0f ms, concurrent %.0f ms: %.1fx speed-up",
        sum, sequential, parallel, sequential / parallel));
  }

  /** Scene 4: the same supervision across processes. */
  void actors() {
    out.println();
    out.println("-- 4. actors: child JVMs supervised like tasks");
    try (Root root = Jtractor.openRoot("showcase")) {
      try {
        root.openNursery(
            an -> {
              Portal helper = an.startActor("helper", Workers.class);
              say("main", "spawned a daemon; it says it is " + helper.run(Workers::whoAmI));
              an.runInActor("sleeper", Workers::sleepThenAnswer, 60_000L);
              say("main", "spawned 'sleeper' (60 s of work) and 'faulty' (divides by zero)");
              an.runInActor("faulty", Workers::divide, 1L, 0L);
              Sc.sleepForever();
            });
      } catch (RemoteActorError e) {
        say("main", "nursery raised a boxed " + e.boxedTypeName() + " from actor '" + e.srcActorUid().name() + "'");
        String firstFrame = e.remoteTraceback().lines().filter(l -> l.contains("Workers.divide")).findFirst().orElse("?").trim();
        say("main", "remote trace points at: " + firstFrame);
      }
      say("main", "child processes left: " + ProcessHandle.current().children().filter(ProcessHandle::isAlive).count());
    }
  }

  private static void fakeIo() {
    Sc.sleep(Duration.ofMillis(20));
  }
}
