package io.jtractor;

import static io.jtractor.ProcessAssertions.assertNoProcessLeft;
import static org.assertj.core.api.Assertions.assertThat;

import io.jtractor.config.SpawnOptions;
import io.jtractor.funcs.LeakFuncs;
import io.jtractor.runtime.Bookkeeping;
import io.jtractor.runtime.ChildProcess;
import io.jtractor.sc.Sc;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A long-lived tree keeps nothing of what came and went: after many rounds of each kind of churn,
 * every table of the runtime is back at its baseline (or, for threads that may still be ending,
 * within a small bound that does not grow with the number of rounds). Counts, not heap sizes.
 */
@DisplayName("nothing grows in a long-lived tree: every table returns to its baseline")
@Timeout(120)
class NoGrowthTest {
  /**
   * Finished tasks' threads a nursery may still hold: those that were ending when the last task
   * finished. A leak grows with the rounds (hundreds here); this does not.
   */
  private static final int ENDING_THREADS_BOUND = 8;

  @AfterEach
  void noProcessLeft() {
    assertNoProcessLeft();
  }

  @Test
  void aLongLivedNurseryKeepsNothingOfChildrenSpawnedAndCancelled() {
    SpawnOptions pooled = SpawnOptions.DEFAULT.withWarmPool(1);
    try (Root root = Jtractor.openRoot("root", LeakFuncs.class)) {
      root.openNursery(an -> {
        an.withSpawnOptions(pooled);
        Portal keeper = an.startActor("keeper", LeakFuncs.class);
        // Settled: the pool refilled, and the keeper registered (its registration's connection closed).
        Bookkeeping base = settled(root, b -> b.warmStarting() == 0 && b.registryEntries() == 2 && b.channels() == 1);
        assertThat(base.warmIdle()).isEqualTo(1);
        for (int i = 0; i < 12; i++) {
          Portal p = an.startActor("short" + i, LeakFuncs.class);
          long v = p.run(LeakFuncs::echo, (long) i);
          assertThat(v).isEqualTo(i);
          p.cancelActor();
        }
        Bookkeeping after = settled(root, b -> b.childProcesses() == base.childProcesses()
            && b.registryEntries() == base.registryEntries() && b.warmStarting() == 0 && b.channels() == base.channels());
        assertThat(an.portals()).as("the nursery's children").containsExactly(keeper);
        assertThat(an.retainedThreadCount()).as("finished supervisors' threads").isLessThanOrEqualTo(ENDING_THREADS_BOUND);
        assertThat(after.childProcesses()).as("child processes").isEqualTo(base.childProcesses());
        assertThat(after.expectedChildren()).as("children expected to connect").isZero();
        assertThat(after.channels()).as("connections").isEqualTo(base.channels());
        assertThat(after.peers()).as("peers").isEqualTo(base.peers());
        assertThat(after.inboxes()).as("inboxes").isEqualTo(base.inboxes());
        assertThat(after.registryEntries()).as("registry entries").isEqualTo(base.registryEntries());
        assertThat(after.warmIdle()).as("idle warm JVMs").isEqualTo(1);
        assertThat(after.serviceRetainedThreads()).as("service threads held").isLessThanOrEqualTo(ENDING_THREADS_BOUND);
        an.cancel();
      });
    }
  }

  @Test
  void contextsCancelledAndCallsMadeOnOneConnectionLeaveNothingOnEitherSide() {
    try (Root root = Jtractor.openRoot("root", LeakFuncs.class)) {
      root.openNursery(an -> {
        Portal p = an.startActor("server", LeakFuncs.class);
        Map<String, Object> childBase = p.run(LeakFuncs::bookkeeping);
        Bookkeeping rootBase = root.actor().bookkeeping();
        for (int round = 0; round < 300; round++) {
          p.openContext(LeakFuncs::streamForever, (ctx, first) -> {
            try (MsgStream s = ctx.openStream()) {
              for (int i = 0; i < 5; i++) s.receive();
              ctx.cancel();
            }
            return null;
          });
          long echoed = p.openContext(LeakFuncs::echoStream, (ctx, first) -> {
            try (MsgStream s = ctx.openStream()) {
              for (long i = 0; i < 3; i++) {
                s.send(i);
                assertThat(s.receive()).isEqualTo(i);
              }
            }
            return ctx.<Long>result();
          });
          assertThat(echoed).isEqualTo(3L);
          for (long i = 0; i < 10; i++) p.run(LeakFuncs::echo, i);
        }
        Map<String, Object> child = p.run(LeakFuncs::bookkeeping);
        for (String table : new String[] {"channels", "inboxes", "rpcTasks"}) {
          assertThat(child.get(table)).as("the child's %s", table).isEqualTo(childBase.get(table));
        }
        assertThat((Long) child.get("serviceRetainedThreads")).as("the child's service threads held")
            .isLessThanOrEqualTo(ENDING_THREADS_BOUND);
        Bookkeeping rootAfter = root.actor().bookkeeping();
        assertThat(rootAfter.inboxes()).as("the root's inboxes").isEqualTo(rootBase.inboxes());
        assertThat(rootAfter.rpcTasks()).as("the root's RPC tasks").isEqualTo(rootBase.rpcTasks());
        assertThat(rootAfter.serviceRetainedThreads()).as("the root's service threads held")
            .isLessThanOrEqualTo(ENDING_THREADS_BOUND);
        an.cancel();
      });
    }
  }

  @Test
  void connectionsOpenedAndClosedAreForgottenOnBothSides() {
    try (Root root = Jtractor.openRoot("root", LeakFuncs.class)) {
      root.openNursery(an -> {
        Portal p = an.startActor("server", LeakFuncs.class);
        Map<String, Object> childBase = p.run(LeakFuncs::bookkeeping);
        Bookkeeping rootBase = root.actor().bookkeeping();
        var address = Discovery.queryActor("server").orElseThrow();
        for (int i = 0; i < 60; i++) {
          try (Portal found = Discovery.findActor("server").orElseThrow()) {
            found.run(LeakFuncs::echo, 1L);
          }
          try (Portal direct = Portal.connect(address)) {
            direct.run(LeakFuncs::echo, 2L);
          }
        }
        Bookkeeping rootAfter = settled(root, b -> b.channels() == rootBase.channels());
        assertThat(rootAfter.peers()).as("the root's peers").isEqualTo(rootBase.peers());
        assertThat(rootAfter.inboxes()).as("the root's inboxes").isEqualTo(rootBase.inboxes());
        assertThat(rootAfter.serviceRetainedThreads()).as("the root's service threads held")
            .isLessThanOrEqualTo(ENDING_THREADS_BOUND);
        Map<String, Object> child = settledRemote(p, m -> m.get("channels").equals(childBase.get("channels")));
        assertThat(child.get("peers")).as("the child's peers").isEqualTo(childBase.get("peers"));
        assertThat((Long) child.get("serviceRetainedThreads")).as("the child's service threads held")
            .isLessThanOrEqualTo(ENDING_THREADS_BOUND);
        an.cancel();
      });
    }
  }

  @Test
  void registrarWaitersThatGiveUpAreForgotten() {
    try (Root root = Jtractor.openRoot("root", LeakFuncs.class)) {
      assertThat(root.isRegistrar()).isTrue();
      for (int i = 0; i < 50; i++) {
        String name = "nobody" + i;
        Sc.moveOnAfter(Duration.ofMillis(2), s -> Discovery.waitForActor(name).close());
      }
      root.openNursery(an -> {
        Portal p = an.startActor("asker", LeakFuncs.class);
        for (int i = 0; i < 20; i++) {
          boolean gaveUp = p.run(LeakFuncs::waitBriefly, "absent" + i, 20L);
          assertThat(gaveUp).isTrue();
        }
        Bookkeeping after = settled(root, b -> b.registryWaiters() == 0 && b.rpcTasks() == 0);
        assertThat(after.registryWaiters()).as("names waited for").isZero();
        assertThat(after.rpcTasks()).as("the registrar's RPC tasks").isZero();
        an.cancel();
      });
    }
  }

  /**
   * The root's bookkeeping once {@code settled} holds, or after 20 s whatever it is (the caller's
   * assertions then say what did not return): connections end and warm JVMs boot in the
   * background, so their tables settle a moment after the churn.
   */
  private static Bookkeeping settled(Root root, Predicate<Bookkeeping> settled) {
    return eventually(() -> root.actor().bookkeeping(), settled);
  }

  private static Map<String, Object> settledRemote(Portal p, Predicate<Map<String, Object>> settled) {
    return eventually(() -> p.run(LeakFuncs::bookkeeping), settled);
  }

  private static <T> T eventually(Supplier<T> read, Predicate<T> ok) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    T v = read.get();
    while (!ok.test(v) && System.nanoTime() < deadline) {
      Sc.sleep(Duration.ofMillis(20));
      v = read.get();
    }
    return v;
  }
}
