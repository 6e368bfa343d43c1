package io.jtractor.examples;

import io.jtractor.Jtractor;
import io.jtractor.Root;
import io.jtractor.config.ActorConfig;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * How the showcase and the examples open their root: with a registry of their own on a free port
 * unless the user set one ({@code -Djtractor.registry=host:port} or {@code JTRACTOR_REGISTRY}).
 * Two of them started at once then never find, and stream from, each other's actors; set the
 * registry to make several programs share one.
 */
public final class ExampleRoot {
  private ExampleRoot() {}

  /** Opens a root named {@code name} exposing {@code modules}, with a private registry unless told otherwise. */
  public static Root open(String name, Class<?>... modules) {
    InetSocketAddress registry = Jtractor.configuredRegistry().orElse(new InetSocketAddress("127.0.0.1", 0));
    return Jtractor.openRoot(ActorConfig.of(name, List.of(modules)).withRegistry(registry));
  }
}
