package io.jtractor;

import static io.jtractor.ProcessAssertions.assertNoProcessLeft;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jtractor.config.SpawnOptions;
import io.jtractor.errors.RemoteActorError;
import io.jtractor.funcs.Funcs;
import io.jtractor.funcs.InProcFuncs;
import io.jtractor.sc.ExceptionGroup;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The in-process backend: actors that run in their parent's JVM, with the API and semantics of
 * child JVMs. The conformance suites run on this backend too (a second surefire execution); here
 * is what is particular to it: where it runs, which actor a task belongs to, mixed trees.
 */
@DisplayName("in-process actors")
@Timeout(60)
class InProcessActorsTest extends SharedRootTest {
  private static final SpawnOptions IN_PROCESS = SpawnOptions.DEFAULT.inProcess();

  @AfterEach
  void noActorThreadLeft() {
    // An in-process actor is a task named after it: none may outlive its nursery.
    assertThat(liveActorThreads()).isEmpty();
    assertThat(root.actor().bookkeeping().childProcesses()).isZero();
  }

  private static List<String> liveActorThreads() {
    return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).filter(n -> n.startsWith("actor:")).toList();
  }

  @Test
  void aDaemonRunsInThisJvmAndSeesItselfAsTheCurrentActor() {
    root.openNursery(an -> {
      Portal frank = an.startActor("frank", IN_PROCESS, Funcs.class);
      assertThat(frank.run(Funcs::pid)).isEqualTo(ProcessHandle.current().pid());
      assertThat(frank.run(Funcs::actorName)).as("its tasks see their own actor, not the root").isEqualTo("frank");
      assertThat(Jtractor.currentActor()).as("the root's thread still sees the root").isEqualTo(root.uid());
      assertThat(frank.uid()).isNotEqualTo(root.uid());
      assertThat(frank.cancelActor()).isTrue();
    });
  }

  @Test
  void itsLinkToItsParentIsInMemoryWhileOthersReachItOverASocket() {
    root.openNursery(an -> {
      Portal frank = an.startActor("frank", IN_PROCESS, Funcs.class);
      assertThat(root.actor().channelsTo(frank.uid()))
          .as("the parent's channel to its in-process child: no socket")
          .singleElement()
          .satisfies(pc -> assertThat(pc.wire().connection()).isInstanceOf(io.jtractor.wire.MemoryConnection.class));
      assertThat(frank.run(Funcs::echo, "copied both ways")).isEqualTo("copied both ways");
      long port = frank.run(Funcs::listenPort); // it still listens, for everyone else
      try (Portal bySocket = Portal.connect(new java.net.InetSocketAddress("127.0.0.1", (int) port))) {
        assertThat(bySocket.uid()).isEqualTo(frank.uid());
        assertThat(bySocket.run(Funcs::actorName)).isEqualTo("frank");
      }
      assertThat(frank.cancelActor()).isTrue();
    });
  }

  @Test
  void anInMemoryLinkIsReadOnVirtualThreadsOnly() {
    // A platform thread reading an in-memory link is woken by a signal, an OS context switch per
    // message where a virtual reader costs a carrier's turn (measured: the in-process echo went
    // from 11 us to 3 us on one CPU). A running context makes the child's reader pass the reading
    // to a new reader thread: it must be a virtual one.
    long before = platformReaderThreads();
    root.openNursery(an -> {
      Portal frank = an.startActor("frank", IN_PROCESS, Funcs.class, io.jtractor.funcs.CtxFuncs.class);
      frank.openContext(io.jtractor.funcs.CtxFuncs::echo, (ctx, first) -> {
        try (MsgStream s = ctx.openStream()) {
          for (long i = 0; i < 100; i++) {
            s.send(i);
            assertThat(s.<Long>receive()).isEqualTo(i);
          }
          assertThat(frank.run(Funcs::echo, "a call while the context runs")).isEqualTo("a call while the context runs");
          assertThat(platformReaderThreads()).as("platform threads reading connections").isEqualTo(before);
        }
        return ctx.result();
      });
      frank.cancelActor();
    });
  }

  private static long platformReaderThreads() {
    // Thread.getAllStackTraces sees platform threads only.
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith("conn:")).count();
  }

  @Test
  void aNurseryDefaultMakesEveryChildInProcessAndResultsComeBack() {
    String r = root.callNursery(an -> an.withSpawnOptions(IN_PROCESS)
        .runInActor("linguist", Funcs::cellarDoor, "Dang that's beautiful").result());
    assertThat(r).isEqualTo("Dang that's beautiful");
  }

  @Test
  void anErrorIsBoxedWithTheRemoteTraceAndCancelsTheNursery() {
    Throwable t = catchThrowable(() -> root.openNursery(an -> {
      an.withSpawnOptions(IN_PROCESS);
      an.runInActor("errorer", Funcs::assertErr, 0L);
      an.startActor("bystander", Funcs.class); // cancelled with the nursery: one-cancels-all
    }));
    assertThat(t).isInstanceOf(RemoteActorError.class);
    RemoteActorError e = (RemoteActorError) t;
    assertThat(e.type()).isEqualTo(AssertionError.class);
    assertThat(e.getMessage()).contains("kaboom");
  }

  @Test
  void anInProcessActorRegistersAndIsReachableFromAnotherProcess() {
    root.openNursery(an -> {
      an.startActor("local", IN_PROCESS, Funcs.class);
      try (Portal p = Discovery.waitForActor("local")) {
        assertThat(p.run(Funcs::question)).isEqualTo("have you ever seen a portal?");
      }
      Portal remote = an.startActor("remote", SpawnOptions.DEFAULT, Funcs.class, InProcFuncs.class);
      assertThat(remote.run(InProcFuncs::askByName, "local")).isEqualTo("have you ever seen a portal?");
      an.cancel();
    });
    assertThat(Discovery.queryActor("local")).as("unregistered when cancelled").isEmpty();
  }

  @Test
  void backendsMixInOneTree() {
    long self = ProcessHandle.current().pid();
    root.openNursery(an -> {
      Portal inner = an.startActor("inner", IN_PROCESS, Funcs.class, InProcFuncs.class);
      // An in-process actor's nurseries spawn in-process by default; a process child on request.
      assertThat(inner.run(InProcFuncs::defaultGrandchild)).isEqualTo(self + " grandchild");
      assertThat(inner.run(InProcFuncs::processGrandchildPid)).isNotEqualTo(self);
      Portal outer = an.startActor("outer", SpawnOptions.DEFAULT, Funcs.class, InProcFuncs.class);
      long outerPid = outer.run(Funcs::pid);
      assertThat(outerPid).isNotEqualTo(self);
      assertThat(outer.run(InProcFuncs::inProcessGrandchildPid)).isEqualTo(outerPid);
      an.cancel();
    });
    assertNoProcessLeft();
  }

  @Test
  void anErroringTreeInProcessTearsDownWithEveryError() {
    Throwable t = catchThrowable(() -> root.openNursery(an -> {
      an.withSpawnOptions(IN_PROCESS);
      an.runInActor("spawner", InProcFuncs::spawnAndErrorInProcess, 2, 1);
    }));
    assertThat(t).isInstanceOf(RemoteActorError.class);
    assertThat(((RemoteActorError) t).type()).isIn(ExceptionGroup.class, AssertionError.class);
  }

  // Repeated: the reaping raced the child's connection loop (its first reader, cancelled, left the
  // loop to a platform thread blocked in a socket read that no one closed); it lost about once in 25.
  @org.junit.jupiter.api.RepeatedTest(10)
  void aChildBlockedInATaskIsCancelledAndReaped() {
    long began = System.nanoTime();
    root.openNursery(an -> {
      Portal p = an.startActor("sleeper", IN_PROCESS, Funcs.class);
      io.jtractor.sc.Nursery.run(n -> {
        n.startSoon(() -> catchThrowable(() -> p.run(Funcs::sleepForever)));
        Thread.sleep(100);
        an.cancel(true); // where a process would get SIGTERM: its service is stopped
      });
    });
    assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(5));
  }
}
