package io.jtractor.funcs;

import io.jtractor.Jtractor;
import io.jtractor.Portal;
import io.jtractor.Root;
import java.net.InetSocketAddress;

/**
 * A root on another host for the etcd tests: run with {@code -Djtractor.registry=etcd://...} and
 * TLS properties, it listens on {@code args[0]}, registers in etcd with a child of its own, prints
 * {@code READY} and waits until its stdin ends.
 */
public final class EtcdRootProgram {
  private EtcdRootProgram() {}

  public static void main(String[] args) throws Exception {
    var config = Jtractor.rootConfig("far-root", Funcs.class, HostFuncs.class).withBindAddress(new InetSocketAddress(args[0], 0));
    try (Root root = Jtractor.openRoot(config)) {
      root.openNursery(an -> {
        Portal kid = an.startActor("far-kid", Funcs.class, HostFuncs.class);
        kid.run(Funcs::pid);
        System.out.println("READY");
        System.out.flush();
        while (System.in.read() >= 0) {
          // until the test closes our stdin
        }
        an.cancel();
      });
    }
  }
}
