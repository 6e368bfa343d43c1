package io.jtractor.examples.tractor;

import io.jtractor.Discovery;
import io.jtractor.Portal;
import io.jtractor.Root;
import io.jtractor.examples.ExampleRoot;
import java.net.InetSocketAddress;

/**
 * A daemon is found by name through the registrar. The root uses the default registrar address
 * (tractor's 127.0.0.1:1616, or whatever {@code -Djtractor.registry} says) and becomes the
 * registrar if none answers there. tractor: {@code service_discovery.py}.
 */
public final class ServiceDiscovery {
  private ServiceDiscovery() {}

  public static void main(String[] args) {
    String serviceName = args.length > 0 ? args[0] : "some_actor_name";
    try (Root root = ExampleRoot.open("root")) {
      root.openNursery(an -> {
        an.startActor(serviceName);
        try (Portal registrar = Discovery.getRegistrar()) {
          System.out.println("Registrar " + registrar.uid() + " is listening on " + hostPort(root.registrarAddress()));
        }
        try (Portal service = Discovery.waitForActor(serviceName)) {
          System.out.println("my_service is found at " + hostPort(Discovery.queryActor(serviceName).orElseThrow())
              + " (" + service.uid() + ")");
        }
        an.cancel();
      });
    }
  }

  private static String hostPort(InetSocketAddress address) {
    return address.getHostString() + ":" + address.getPort();
  }
}
