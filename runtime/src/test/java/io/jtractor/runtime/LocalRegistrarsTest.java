package io.jtractor.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtractor.Jtractor;
import io.jtractor.Portal;
import io.jtractor.Root;
import io.jtractor.config.SpawnOptions;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An actor registers with a registrar of its tree in the same JVM by a direct call. */
@Timeout(60)
class LocalRegistrarsTest {

  /** Remote functions: run in the child. */
  public static final class Probe {
    private Probe() {}

    /** Whether this actor reaches its registrar directly (it serves in this JVM, in this tree). */
    public static boolean reachesItsRegistrarDirectly() {
      Actor self = Actor.current();
      return LocalRegistrars.sameTree(self.registrarAddress(), self) != null;
    }
  }

  @Test
  void anInProcessActorRegistersDirectlyAndUnregistersAsItEnds() {
    InetSocketAddress registrar;
    try (Root root = Jtractor.openRoot("root", Probe.class)) {
      Actor rootActor = Actor.current();
      registrar = rootActor.address();
      assertThat(rootActor.isRegistrar()).isTrue();
      root.openNursery(an -> {
        Portal p = an.startActor("child", SpawnOptions.DEFAULT.inProcess(), Probe.class);
        assertThat(p.run(Probe::reachesItsRegistrarDirectly)).isTrue();
        assertThat(rootActor.localRegistry()).containsKey(p.uid());
        assertThat(LocalRegistrars.sameTree(registrar, rootActor)).as("never itself").isNull();
        assertThat(p.cancelActor()).isTrue();
        an.cancel();
      });
      assertThat(rootActor.localRegistry()).containsOnlyKeys(rootActor.uid()); // unregistered, not pruned
    }
  }
}
