package io.jtractor;

import io.jtractor.errors.AttributeError;
import io.jtractor.runtime.Actor;
import io.jtractor.runtime.Sneaky;
import io.jtractor.wire.SockAddr;
import io.jtractor.wire.Uid;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Finding actors by name through the registrar. Prior art: tractor's {@code _discovery.py} ({@code
 * find_actor}, {@code wait_for_actor}, {@code query_actor}, {@code get_arbiter}).
 *
 * <p>Every actor of a tree registers with the registrar its root found (or became) when it
 * starts, and unregisters when it stops; separate programs whose roots use the same registrar
 * address find each other the same way. Each method asks the current actor's registrar unless
 * given another registrar address.
 *
 * <pre>{@code
 * try (Portal p = Discovery.waitForActor("worker")) {
 *   p.run(Work::step);
 * }
 * }</pre>
 *
 * <p>Portals returned here own a connection: close them (try-with-resources). Deviation from
 * tractor: an actor that died without unregistering is not returned once the registrar notices
 * its address is dead (within about a second), instead of forever.
 */
public final class Discovery {
  private Discovery() {}

  /**
   * The address of an actor registered under {@code name} (tractor matches the uid's name or its
   * uuid), if any. tractor: {@code query_actor}.
   *
   * @throws IllegalStateException if no actor runs in this process, or it has no registrar
   */
  public static Optional<InetSocketAddress> queryActor(String name) {
    return queryActor(name, null);
  }

  /** {@link #queryActor(String)}, asking the registrar at {@code registrar}. */
  public static Optional<InetSocketAddress> queryActor(String name, InetSocketAddress registrar) {
    Objects.requireNonNull(name, "name");
    Object reply = ask(registrar, "find_actor", Map.of("name", name));
    return Optional.ofNullable(reply == null ? null : address(reply));
  }

  /**
   * A portal to an actor registered under {@code name}, or empty if none is — also when the
   * registry still names one that has gone and refuses connections (its entry not yet withdrawn or
   * noticed). tractor: {@code find_actor}. Close the portal when done.
   *
   * @throws java.io.UncheckedIOException if the registrar cannot be reached, or the actor's
   *     address fails in another way than refusing (a timeout, no route)
   */
  public static Optional<Portal> findActor(String name) {
    return findActor(name, null);
  }

  /** {@link #findActor(String)}, asking the registrar at {@code registrar}. */
  public static Optional<Portal> findActor(String name, InetSocketAddress registrar) {
    Optional<InetSocketAddress> at = queryActor(name, registrar);
    if (at.isEmpty()) return Optional.empty();
    try {
      return Optional.of(Portal.connect(at.get()));
    } catch (java.io.UncheckedIOException e) {
      if (e.getCause() instanceof java.net.ConnectException) return Optional.empty(); // gone: stale entry
      throw e;
    }
  }

  /**
   * Waits until an actor named {@code name} is registered, then returns a portal to it (to the
   * one registered last, as tractor does). A checkpoint: cancelling the caller ends the wait.
   * Close the portal when done.
   */
  public static Portal waitForActor(String name) {
    return waitForActor(name, null);
  }

  /** {@link #waitForActor(String)}, asking the registrar at {@code registrar}. */
  public static Portal waitForActor(String name, InetSocketAddress registrar) {
    Objects.requireNonNull(name, "name");
    Object reply = ask(registrar, "wait_for_actor", Map.of("name", name));
    if (!(reply instanceof List<?> addrs) || addrs.isEmpty()) {
      throw new IllegalStateException("the registrar answered wait_for_actor with " + reply);
    }
    return Portal.connect(address(addrs.get(addrs.size() - 1)));
  }

  /**
   * A portal to the registrar (tractor: {@code get_arbiter}), through which its {@code self}
   * methods can be called by name. Close it when done.
   *
   * @throws IllegalStateException if the current actor has no registrar
   */
  public static Portal getRegistrar() {
    InetSocketAddress at = Jtractor.requireActor().registrarAddress();
    if (at == null) throw new IllegalStateException("actor " + Jtractor.currentActor() + " has no registrar");
    return Portal.connect(at);
  }

  /** A portal to the registrar at {@code registrar}. Close it when done. */
  public static Portal getRegistrar(InetSocketAddress registrar) {
    return Portal.connect(Objects.requireNonNull(registrar, "registrar"));
  }

  /** Every actor the registrar knows and where it listens, in registration order. */
  public static Map<Uid, InetSocketAddress> registry() {
    return registry(null);
  }

  /** {@link #registry()} of the registrar at {@code registrar}. */
  public static Map<Uid, InetSocketAddress> registry(InetSocketAddress registrar) {
    Object reply = ask(registrar, "get_registry", Map.of());
    Map<Uid, InetSocketAddress> out = new LinkedHashMap<>();
    if (reply instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        String key = String.valueOf(e.getKey());
        int dot = key.lastIndexOf('.');
        Uid uid = dot < 0 ? new Uid(key, "") : new Uid(key.substring(0, dot), key.substring(dot + 1));
        out.put(uid, address(e.getValue()));
      }
    }
    return out;
  }

  /**
   * What a jtractor registrar knows of each actor: its uid, address, parent (if it registered
   * one) and process id. A plain tractor registrar has no such method ({@link AttributeError}).
   */
  public static List<ActorInfo> actors(InetSocketAddress registrar) {
    Object reply = ask(registrar, "registry_info", Map.of());
    List<ActorInfo> out = new ArrayList<>();
    if (reply instanceof List<?> l) {
      for (Object o : l) {
        if (!(o instanceof Map<?, ?> m)) continue;
        Uid parent = m.get("parent") == null ? null : Uid.fromWire(m.get("parent"));
        long pid = m.get("pid") instanceof Long p ? p : -1;
        out.add(new ActorInfo(Uid.fromWire(m.get("uid")), address(m.get("sockaddr")), parent, pid));
      }
    }
    return out;
  }

  /**
   * One registered actor as a jtractor registrar describes it.
   *
   * @param uid its uid
   * @param address where it listens
   * @param parent the actor that spawned it, or null for a root (or an actor that did not say)
   * @param pid its process id, or -1 if unknown
   */
  public record ActorInfo(Uid uid, InetSocketAddress address, Uid parent, long pid) {}

  private static Object ask(InetSocketAddress registrar, String func, Map<String, Object> kwargs) {
    Actor actor = Jtractor.requireActor();
    try {
      return actor.registryCall(registrar, func, kwargs);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(
          "could not reach the registrar at " + (registrar != null ? registrar : actor.registrarAddress()) + ": " + e.getMessage(), e);
    } catch (Exception e) {
      throw Sneaky.raise(e);
    }
  }

  private static InetSocketAddress address(Object wire) {
    InetSocketAddress a = SockAddr.fromWire(wire);
    if (a == null) throw new IllegalStateException("the registrar sent a malformed address: " + wire);
    return a;
  }
}
