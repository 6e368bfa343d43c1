package io.jtractor.config;

import io.jtractor.wire.WireChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * How an actor is set up.
 *
 * @param name its name (not unique)
 * @param bindAddress where to listen (port 0: any free port)
 * @param modules the namespaces it exposes to RPC
 * @param wireConfig frame size and handshake limits for its connections
 * @param security the tree secret, whether plain tractor peers are accepted, the transport
 * @param registryAddress the registrar's address, or null for none (the actor neither registers
 *     nor serves as a registrar). A root probes it: if nothing answers there, the root becomes the
 *     registrar, listening at that address; port 0 makes a root a registrar on a free port
 *     without probing (each test run gets its own registry that way).
 * @param debugMode whether this actor and, by default, its descendants run under the
 *     multi-process debugger (see {@link #withDebugMode})
 */
public record ActorConfig(
    String name,
    InetSocketAddress bindAddress,
    List<Class<?>> modules,
    WireChannel.Config wireConfig,
    Security security,
    InetSocketAddress registryAddress,
    boolean debugMode) {
  /** A configuration with debug mode off. */
  public ActorConfig(
      String name, InetSocketAddress bindAddress, List<Class<?>> modules, WireChannel.Config wireConfig, Security security, InetSocketAddress registryAddress) {
    this(name, bindAddress, modules, wireConfig, security, registryAddress, false);
  }

  public ActorConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(bindAddress, "bindAddress");
    modules = List.copyOf(modules);
    Objects.requireNonNull(wireConfig, "wireConfig");
    Objects.requireNonNull(security, "security");
  }

  /** Defaults: listen on 127.0.0.1, any port; {@link Security#defaults()}. */
  public static ActorConfig of(String name, List<Class<?>> modules) {
    return new ActorConfig(
        name,
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        modules,
        WireChannel.Config.DEFAULT,
        Security.defaults(),
        null);
  }

  /** This configuration with another registrar address (null: none). */
  public ActorConfig withRegistry(InetSocketAddress registry) {
    return new ActorConfig(name, bindAddress, modules, wireConfig, security, registry, debugMode);
  }

  /** This configuration listening at another address. */
  public ActorConfig withBindAddress(InetSocketAddress bind) {
    return new ActorConfig(name, bind, modules, wireConfig, security, registryAddress, debugMode);
  }

  /**
   * This configuration with debug mode on or off: an error that leaves a user function, or a
   * {@code Jtractor.pause()}, in this actor or any descendant stops that task and opens a REPL in
   * the root's terminal. Off by default, and then free.
   */
  public ActorConfig withDebugMode(boolean on) {
    return new ActorConfig(name, bindAddress, modules, wireConfig, security, registryAddress, on);
  }

  /** This configuration with other security settings. */
  public ActorConfig withSecurity(Security s) {
    return new ActorConfig(name, bindAddress, modules, wireConfig, s, registryAddress, debugMode);
  }

  /** This configuration accepting plain tractor peers (on loopback, or over TLS) or not. */
  public ActorConfig withAllowTractorPeers(boolean allow) {
    return withSecurity(security.withAllowTractorPeers(allow));
  }
}
