package io.jtractor.runtime;

import io.jtractor.errors.AttributeError;
import io.jtractor.errors.KeyError;
import io.jtractor.errors.TypeError;
import io.jtractor.sc.Event;
import io.jtractor.wire.SockAddr;
import io.jtractor.wire.Uid;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry a registrar actor keeps: which actors run where. Prior art: tractor's {@code
 * Arbiter} ({@code _runtime.py}), whose {@code self} methods any tractor peer calls with the
 * kwargs and replies of spec §3.7: {@code register_actor}, {@code unregister_actor}, {@code
 * find_actor}, {@code wait_for_actor}, {@code get_registry}.
 *
 * <p>An actor that died without unregistering is forgotten as soon as a query notices that its
 * address refuses connections (tractor keeps the entry; see docs/design.md, "Deviations"). Every
 * query first probes the entries it would return that
 * were not confirmed alive within {@link #FRESH_NANOS} (a plain connect, closed at once: what
 * tractor's own registry probe does), so a dead actor is returned for at most that long.
 *
 * <p>jtractor peers also send {@code parent} and {@code pid} with {@code register_actor} (only to a
 * registrar that announced jtractor in its hello); {@code registry_info} returns them, for
 * {@code jtractor ps}.
 *
 * <p>Writes are authorized ({@link #method}): {@code register_actor} and {@code unregister_actor}
 * for a uid only from a connection whose peer is that uid, or from the actor that registered as
 * its parent, over an authenticated connection. A plain tractor peer (its uid only claimed, never
 * proved) may write its own entry, never one an authenticated jtractor actor wrote. A refused
 * write is a {@link SecurityException} (tractor's peers read {@code PermissionError}); nothing is
 * changed. Reads are open to every peer the actor admitted.
 *
 * <p>Threads: any; the registry is guarded by {@code this}.
 */
final class Registrar {
  private static final Logger LOG = LoggerFactory.getLogger(Registrar.class);

  /** How long an entry counts as alive after it registered or last answered a probe. */
  static final long FRESH_NANOS = 1_000_000_000L;

  /** How long a liveness probe may take to connect. */
  private static final int PROBE_TIMEOUT_MS = 250;

  /** The names of the remotely callable registry methods. */
  static final List<String> METHODS =
      List.of("register_actor", "unregister_actor", "find_actor", "wait_for_actor", "get_registry", "registry_info");

  /** One registered actor. */
  private static final class Entry {
    final Uid uid;
    final InetSocketAddress address;
    final Uid parent;
    final long pid;
    /** Whether an authenticated jtractor connection wrote it (a tractor peer may then not touch it). */
    final boolean proven;
    /** When it last proved alive (registered, or answered a probe). Guarded by the registrar. */
    long confirmedAt;

    Entry(Uid uid, InetSocketAddress address, Uid parent, long pid, boolean proven) {
      this.uid = uid;
      this.address = address;
      this.parent = parent;
      this.pid = pid;
      this.proven = proven;
      this.confirmedAt = System.nanoTime();
    }
  }

  /** The registrar's own uid: its entry is never probed. */
  private final Uid self;
  /** Registered actors in registration order. Guarded by {@code this}. */
  private final LinkedHashMap<Uid, Entry> entries = new LinkedHashMap<>();
  /**
   * The tasks waiting for a name to register, by name: an event that wakes them, and how many
   * wait on it, so the last to leave (woken, or cancelled) removes it. Guarded by {@code this}.
   */
  private final Map<String, Waiters> waiters = new LinkedHashMap<>();

  /** The waiters for one name. Guarded by the registrar. */
  private static final class Waiters {
    final Event arrived = new Event();
    int count;
  }

  Registrar(Uid self) {
    this.self = self;
  }

  /**
   * Resolves a call of one of the registry methods by {@code caller} into the work to run in its
   * task.
   *
   * @throws AttributeError if {@code func} is not one of them
   * @throws TypeError if its kwargs do not fit
   */
  Callable<Object> method(String func, Map<String, Object> kwargs, Authorization.Caller caller) {
    return switch (func) {
      case "register_actor" -> {
        Uid uid = uidArg(kwargs, "uid");
        InetSocketAddress addr = addressArg(kwargs.get("sockaddr"), "sockaddr");
        Uid parent = kwargs.get("parent") == null ? null : uidArg(kwargs, "parent");
        long pid = kwargs.get("pid") instanceof Long p ? p : -1;
        yield () -> {
          register(uid, addr, parent, pid, caller);
          return null;
        };
      }
      case "unregister_actor" -> {
        Uid uid = uidArg(kwargs, "uid");
        yield () -> {
          unregister(uid, caller);
          return null;
        };
      }
      case "find_actor" -> {
        String name = stringArg(kwargs, "name");
        yield () -> {
          InetSocketAddress a = find(name);
          return a == null ? null : SockAddr.toWire(a);
        };
      }
      case "wait_for_actor" -> {
        String name = stringArg(kwargs, "name");
        yield () -> {
          List<Object> out = new ArrayList<>();
          for (InetSocketAddress a : waitFor(name)) out.add(SockAddr.toWire(a));
          return out;
        };
      }
      case "get_registry" -> () -> registry();
      case "registry_info" -> () -> info();
      default -> throw new AttributeError("'Arbiter' object has no attribute '" + func + "'");
    };
  }

  /** The registrar's own entry: written by itself. */
  void register(Uid uid, InetSocketAddress address, Uid parent, long pid) {
    register(uid, address, parent, pid, new Authorization.Caller(uid, true));
  }

  /**
   * Records that {@code uid} listens at {@code address}, and wakes whoever waits for its name.
   *
   * @throws SecurityException if {@code caller} may not write {@code uid}'s entry
   */
  void register(Uid uid, InetSocketAddress address, Uid parent, long pid, Authorization.Caller caller) {
    Event wake;
    synchronized (this) {
      authorizeWrite("register", uid, caller);
      entries.put(uid, new Entry(uid, address, parent, pid, caller.proven()));
      Waiters w = waiters.remove(uid.name());
      wake = w == null ? null : w.arrived;
    }
    Log.RUNTIME.debug("registered " + uid + " at " + address);
    if (wake != null) wake.set();
  }

  /**
   * Forgets {@code uid}.
   *
   * @throws KeyError if it is not registered (as tractor's dict pop)
   * @throws SecurityException if {@code caller} may not write {@code uid}'s entry
   */
  void unregister(Uid uid, Authorization.Caller caller) {
    synchronized (this) {
      authorizeWrite("unregister", uid, caller);
      if (entries.remove(uid) == null) throw new KeyError(uid.toWire().toString());
    }
    Log.RUNTIME.debug("unregistered " + uid);
  }

  /**
   * The address of the first registered actor whose name or uuid is {@code name} (tractor matches
   * either element of the uid), or null.
   */
  InetSocketAddress find(String name) {
    for (Entry e : alive(e -> e.uid.name().equals(name) || e.uid.uuid().equals(name))) {
      return e.address;
    }
    return null;
  }

  /** The addresses of every actor named {@code name}; waits until there is at least one. */
  List<InetSocketAddress> waitFor(String name) {
    while (true) {
      List<InetSocketAddress> found = new ArrayList<>();
      for (Entry e : alive(e -> e.uid.name().equals(name))) found.add(e.address);
      if (!found.isEmpty()) return found;
      Waiters w;
      synchronized (this) {
        boolean arrived = entries.values().stream().anyMatch(e -> e.uid.name().equals(name));
        if (arrived) continue;
        w = waiters.computeIfAbsent(name, k -> new Waiters());
        w.count++;
      }
      try {
        w.arrived.await();
      } finally {
        synchronized (this) {
          if (--w.count == 0) waiters.remove(name, w);
        }
      }
    }
  }

  /** How many names tasks are waiting for (for leak tests). */
  synchronized int waitedNames() {
    return waiters.size();
  }

  /**
   * Checks that {@code caller} may write {@code uid}'s entry: it is that actor (proved, or only
   * claimed by a tractor peer when no authenticated actor wrote the entry), or the entry's parent
   * over an authenticated connection. The caller holds the lock.
   */
  private void authorizeWrite(String what, Uid uid, Authorization.Caller caller) {
    Entry e = entries.get(uid);
    boolean itself = caller.uid().equals(uid) && (caller.proven() || e == null || !e.proven);
    boolean parent = caller.proven() && e != null && e.parent != null && e.parent.equals(caller.uid());
    if (!itself && !parent) {
      throw new SecurityException(caller.uid().pythonRepr() + " may not " + what + " " + uid.pythonRepr()
          + ": only that actor or its parent may");
    }
  }

  /** tractor's {@code get_registry}: {@code {'name.uuid': [host, port]}}. */
  Map<String, Object> registry() {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Entry e : alive(e -> true)) out.put(e.uid.name() + "." + e.uid.uuid(), SockAddr.toWire(e.address));
    return out;
  }

  /** jtractor's {@code registry_info}: one map per actor with its uid, sockaddr, parent and pid. */
  List<Object> info() {
    List<Object> out = new ArrayList<>();
    for (Entry e : alive(e -> true)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("uid", e.uid);
      m.put("sockaddr", SockAddr.toWire(e.address));
      m.put("parent", e.parent);
      m.put("pid", e.pid);
      out.add(m);
    }
    return out;
  }

  /** Every entry, unprobed, in registration order. */
  synchronized Map<Uid, InetSocketAddress> snapshot() {
    Map<Uid, InetSocketAddress> out = new LinkedHashMap<>();
    for (Entry e : entries.values()) out.put(e.uid, e.address);
    return java.util.Collections.unmodifiableMap(out);
  }

  /** The number of entries, unprobed (for tests and {@code toString}). */
  synchronized int size() {
    return entries.size();
  }

  /**
   * The entries matching {@code filter}, in registration order, after forgetting those among them
   * that are stale and whose address refuses connections.
   */
  private List<Entry> alive(java.util.function.Predicate<Entry> filter) {
    List<Entry> candidates;
    java.util.Set<Entry> stale = new java.util.HashSet<>();
    long now = System.nanoTime();
    synchronized (this) {
      candidates = entries.values().stream().filter(filter).toList();
      for (Entry e : candidates) {
        if (!e.uid.equals(self) && now - e.confirmedAt >= FRESH_NANOS) stale.add(e);
      }
    }
    List<Entry> out = new ArrayList<>(candidates.size());
    for (Entry e : candidates) {
      if (!stale.contains(e)) {
        out.add(e);
      } else if (answers(e.address)) { // probed outside the lock: it may take a while
        synchronized (this) {
          e.confirmedAt = System.nanoTime();
        }
        out.add(e);
      } else {
        synchronized (this) {
          entries.remove(e.uid, e);
        }
        LOG.info("forgot " + e.uid + ": nothing listens at " + e.address + " any more");
      }
    }
    return out;
  }

  /**
   * Whether an actor may still listen at {@code address}: false only when the connection is
   * refused (nothing listens there). A timeout or a routing error says nothing certain (a slow
   * link, a full accept queue), so such an entry is kept.
   */
  private static boolean answers(InetSocketAddress address) {
    try (Socket s = new Socket()) {
      s.connect(address, PROBE_TIMEOUT_MS);
      return true;
    } catch (java.net.ConnectException refused) {
      return false;
    } catch (IOException uncertain) {
      return true;
    }
  }

  private static Uid uidArg(Map<String, Object> kwargs, String key) {
    try {
      return Uid.fromWire(kwargs.get(key));
    } catch (RuntimeException e) {
      throw new TypeError("'" + key + "' must be a [name, uuid] pair, got " + kwargs.get(key));
    }
  }

  private static String stringArg(Map<String, Object> kwargs, String key) {
    if (kwargs.get(key) instanceof String s) return s;
    throw new TypeError("'" + key + "' must be a string, got " + kwargs.get(key));
  }

  private static InetSocketAddress addressArg(Object wire, String what) {
    InetSocketAddress a = SockAddr.fromWire(wire);
    if (a == null) throw new TypeError("'" + what + "' must be a [host, port] pair, got " + wire);
    return a;
  }

  @Override
  public String toString() {
    return "Registrar[" + size() + " actors]";
  }
}
