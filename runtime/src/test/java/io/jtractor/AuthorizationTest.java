package io.jtractor;

import static io.jtractor.ProcessAssertions.assertNoProcessLeft;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jtractor.errors.RemoteActorError;
import io.jtractor.funcs.CtxFuncs;
import io.jtractor.funcs.Funcs;
import io.jtractor.sc.Nursery;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Among members of one tree (all hold the secret): an actor is cancelled only by its parent
 * chain or its tree's root, and a registry entry is written only by its actor or that actor's
 * parent.
 */
@DisplayName("who may cancel whom, and write whose registry entry")
@Timeout(60)
class AuthorizationTest {

  @AfterEach
  void noProcessLeft() {
    assertNoProcessLeft();
  }

  @Test
  void aSiblingsCancelIsRefusedWithAnErrorAndCancelsNothing() {
    try (Root root = Jtractor.openRoot("root", Funcs.class)) {
      root.openNursery(an -> {
        Portal server = an.startActor("server", Funcs.class);
        long port = server.run(Funcs::listenPort);
        Portal sibling = an.startActor("sibling", Funcs.class);
        Throwable refused = catchThrowable(() -> sibling.run(Funcs::cancelActorAtOrFail, port));
        assertThat(refused).isInstanceOf(RemoteActorError.class);
        assertThat(((RemoteActorError) refused).type()).isEqualTo(SecurityException.class);
        assertThat(((RemoteActorError) refused).remoteTraceback()).contains("only its parent chain or its tree's root may cancel it");
        assertThat(server.run(Funcs::hello, "still")).isEqualTo("hi still");
        an.cancel();
      });
    }
  }

  @Test
  void theTreesRootMayCancelAGrandchildOverAConnectionOfItsOwn() {
    try (Root root = Jtractor.openRoot("root", Funcs.class)) {
      root.openNursery(an -> {
        Portal mid = an.startActor("mid", Funcs.class, CtxFuncs.class);
        Throwable[] hostEnded = {null};
        Nursery.run(n -> {
          n.startSoon("host", () -> hostEnded[0] = catchThrowable(() -> mid.run(Funcs::hostChild, "grandchild")));
          try (Portal grandchild = Discovery.waitForActor("grandchild")) {
            assertThat(grandchild.cancelActor()).isTrue();
          }
        }); // until mid's hosting ends: not cancelled here, so the outcome does not race the cancel
        // The grandchild's own nursery did not ask it to end: mid reports that, as for any daemon.
        assertThat(hostEnded[0]).isInstanceOf(RemoteActorError.class);
        assertThat(((RemoteActorError) hostEnded[0]).remoteTraceback()).contains("grandchild").contains("without being asked to");
        an.cancel();
      });
    }
  }

  @Test
  void aRegistryEntryIsWrittenByItsActorOrItsParentOnly() {
    try (Root root = Jtractor.openRoot("root", Funcs.class)) {
      root.openNursery(an -> {
        Portal mid = an.startActor("mid", Funcs.class, CtxFuncs.class);
        Portal other = an.startActor("other", Funcs.class);
        Nursery.run(n -> {
          n.startSoon("host", () -> mid.run(Funcs::hostChild, "grandchild"));
          Portal gc = Discovery.waitForActor("grandchild");
          gc.close();
          // Not its parent: refused, and the entry stays.
          Throwable refused = catchThrowable(() -> other.run(Funcs::unregisterActor, gc.uid().name(), gc.uid().uuid()));
          assertThat(((RemoteActorError) refused).type()).isEqualTo(SecurityException.class);
          assertThat(Discovery.registry()).containsKey(gc.uid());
          // Its parent may (e.g. for a child that died without unregistering).
          mid.run(Funcs::unregisterActor, gc.uid().name(), gc.uid().uuid());
          assertThat(Discovery.registry()).doesNotContainKey(gc.uid());
          n.cancel();
        });
        an.cancel();
      });
    }
  }

  @Test
  void aMemberMayNotRegisterAnotherActorsUid() {
    try (Root root = Jtractor.openRoot("root", Funcs.class)) {
      root.openNursery(an -> {
        Portal a = an.startActor("a", Funcs.class);
        Portal b = an.startActor("b", Funcs.class);
        Discovery.waitForActor("b").close();
        Map<io.jtractor.wire.Uid, java.net.InetSocketAddress> before = root.actor().localRegistry();
        Throwable refused = catchThrowable(() -> a.run(Funcs::registerActor, b.uid().name(), b.uid().uuid(), 1L));
        assertThat(((RemoteActorError) refused).type()).isEqualTo(SecurityException.class);
        assertThat(root.actor().localRegistry()).isEqualTo(before);
        an.cancel();
      });
    }
  }
}
