package io.jtractor.runtime.registry.etcd;

import io.jtractor.sc.Event;
import io.jtractor.wire.SockAddr;
import io.jtractor.wire.Uid;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A registry on etcd, selected by {@code -Djtractor.registry=etcd://host:2379[,host2:2379][?ttl=S&prefix=/p]}
 * (or {@code JTRACTOR_REGISTRY}): each actor's entry is a key {@code <prefix>/actors/<name>/<uuid>}
 * bound to a lease its JVM keeps alive. An actor that unregisters deletes its key; one whose JVM
 * dies without unregistering disappears when the lease expires ({@code ttl}, default {@value
 * #DEFAULT_TTL_S} s). Several roots on several hosts that name the same etcd find each other.
 *
 * <p>The queries answer in the shapes of the tractor-wire registrar's {@code self} methods
 * ({@code find_actor}, {@code wait_for_actor}, {@code get_registry}, {@code registry_info}), so
 * {@code Discovery} works unchanged; {@code wait_for_actor} reads, then watches the prefix from
 * the revision it read (no polling).
 *
 * <p>Recovery: the JVM's registrations are kept here too. When the lease is lost (etcd restarted
 * without its data, or was away longer than the TTL), a new lease is granted and every
 * registration is written again; while etcd is away, the keeper retries every second.
 *
 * <p>Semantics kept: tractor's registry calls and their replies. Where we deviate: entries are
 * per JVM-lease rather than probed for liveness (the registrar probes stale addresses), and
 * {@code find_actor} matches the name only, not a uuid.
 *
 * <p>Thread rule: {@link #registrations} is concurrent; {@link #lease} and {@link #dirty} are
 * guarded by this; the keeper is one daemon thread per registry.
 */
public final class EtcdRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdRegistry.class);

  /** The scheme of a registry address on etcd. */
  public static final String SCHEME = "etcd://";
  /** The default lease TTL in seconds: how long a dead JVM's actors stay findable. */
  public static final long DEFAULT_TTL_S = 10;

  private static final Map<String, EtcdRegistry> BY_ADDRESS = new ConcurrentHashMap<>();

  private final String address;
  private final EtcdClient client;
  private final long ttlSeconds;
  private final String prefix;
  /** This JVM's registered actors and their entries. */
  private final Map<Uid, byte[]> registrations = new ConcurrentHashMap<>();
  /** The lease every registration is bound to, 0 when none; guarded by this. */
  private long lease;
  /** Whether some registration may be missing from etcd; guarded by this. */
  private boolean dirty;
  /** The keeper thread, once started; guarded by this. */
  private Thread keeper;

  private EtcdRegistry(String address) {
    this.address = address;
    String rest = address.substring(SCHEME.length());
    int qm = rest.indexOf('?');
    String hosts = (qm < 0 ? rest : rest.substring(0, qm)).replaceAll("/+$", "");
    if (hosts.isEmpty()) throw new IllegalArgumentException("no etcd host in " + address);
    List<URI> endpoints = new ArrayList<>();
    for (String h : hosts.split(",")) endpoints.add(URI.create("http://" + (h.contains(":") ? h : h + ":2379")));
    Map<String, String> q = query(qm < 0 ? null : rest.substring(qm + 1));
    this.ttlSeconds = Long.parseLong(q.getOrDefault("ttl", Long.toString(DEFAULT_TTL_S)));
    if (ttlSeconds < 1) throw new IllegalArgumentException("ttl below 1 s in " + address);
    String p = q.getOrDefault("prefix", "/jtractor");
    this.prefix = (p.endsWith("/") ? p : p + "/") + "actors/";
    this.client = new EtcdClient(endpoints, Duration.ofSeconds(Math.max(2, Math.min(5, ttlSeconds))));
  }

  /** Whether a registry setting names etcd. */
  public static boolean isEtcd(String setting) {
    return setting != null && setting.strip().startsWith(SCHEME);
  }

  /**
   * The etcd registry the {@code jtractor.registry} property (else {@code JTRACTOR_REGISTRY})
   * names, or null if it names none. One per address per JVM.
   *
   * @throws IllegalArgumentException if the address is malformed
   */
  public static EtcdRegistry configured() {
    String v = System.getProperty("jtractor.registry");
    if (v == null || v.isBlank()) v = System.getenv("JTRACTOR_REGISTRY");
    return isEtcd(v) ? at(v.strip()) : null;
  }

  /** The registry at {@code address} ({@code etcd://...}), one per address per JVM. */
  public static EtcdRegistry at(String address) {
    if (!isEtcd(address)) throw new IllegalArgumentException("not an etcd registry address: " + address);
    return BY_ADDRESS.computeIfAbsent(address, EtcdRegistry::new);
  }

  /** The address, as given. */
  public String address() {
    return address;
  }

  /** The arguments a child actor gets so that it registers here too. */
  public List<String> childArgs() {
    return List.of("--registry", address);
  }

  /** The lease TTL. */
  public Duration ttl() {
    return Duration.ofSeconds(ttlSeconds);
  }

  // ----------------------------------------------------------------------------------------------
  // Registrations

  /**
   * Registers {@code uid} at {@code at}; returns once it is in etcd, or once it was tried (it is
   * then retried in the background until etcd takes it). Never throws.
   */
  public void register(Uid uid, InetSocketAddress at, Uid parent, long pid) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("uid", List.of(uid.name(), uid.uuid()));
    v.put("addr", List.of(at.getHostString(), (long) at.getPort()));
    v.put("parent", parent == null ? null : List.of(parent.name(), parent.uuid()));
    v.put("pid", pid);
    byte[] entry = Json.write(v).getBytes(StandardCharsets.UTF_8);
    registrations.put(uid, entry);
    try {
      client.put(key(uid), entry, lease());
    } catch (IOException e) {
      LOG.warn("actor " + uid + " could not register with " + address + " yet (retrying): " + e.getMessage());
      synchronized (this) {
        dirty = true;
      }
    }
    startKeeper();
  }

  /** Withdraws {@code uid}'s registration; never throws (its lease ends it anyway). */
  public void unregister(Uid uid) {
    if (registrations.remove(uid) == null) return;
    try {
      client.delete(key(uid));
    } catch (IOException e) {
      LOG.debug("actor " + uid + " could not unregister from " + address + ": " + e.getMessage());
    }
  }

  private synchronized long lease() throws IOException {
    if (lease == 0) lease = client.grant(ttlSeconds);
    return lease;
  }

  private synchronized void startKeeper() {
    if (keeper != null) return;
    keeper = Thread.ofPlatform().daemon().name("jtractor-etcd-keeper").start(this::keep);
  }

  /** Keeps the lease alive every third of the TTL; on losing it, a new lease and every registration again. */
  private void keep() {
    long every = Math.max(200, ttlSeconds * 1000 / 3);
    while (true) {
      long wait = every;
      try {
        long current;
        boolean rewrite;
        synchronized (this) {
          current = lease;
          rewrite = dirty;
        }
        if (registrations.isEmpty()) {
          if (current != 0) {
            synchronized (this) {
              lease = 0;
            }
            client.revoke(current);
          }
        } else if (current == 0 || client.keepAlive(current) == 0 || rewrite) {
          long fresh;
          synchronized (this) {
            if (lease == current) lease = 0; // lost (or never had): a new one
            dirty = true;
          }
          fresh = lease();
          for (Map.Entry<Uid, byte[]> r : registrations.entrySet()) client.put(key(r.getKey()), r.getValue(), fresh);
          synchronized (this) {
            dirty = false;
          }
          LOG.info("registrations of this JVM written to " + address + " again, lease " + Long.toHexString(fresh));
        }
      } catch (IOException | RuntimeException e) {
        LOG.debug("etcd keeper: " + e.getMessage());
        synchronized (this) {
          dirty = true;
        }
        wait = 1000;
      }
      try {
        Thread.sleep(wait);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  // ----------------------------------------------------------------------------------------------
  // Queries, in the registrar's shapes

  /**
   * Runs registry method {@code func} ({@code find_actor}, {@code wait_for_actor}, {@code
   * get_registry}, {@code registry_info}) against etcd. {@code wait_for_actor} is a checkpoint.
   *
   * @throws IOException if etcd cannot be reached
   * @throws IllegalArgumentException for any other method
   */
  public Object call(String func, Map<String, Object> kwargs) throws IOException {
    return switch (func) {
      case "find_actor" -> {
        List<Entry> found = entries(prefix + segment(String.valueOf(kwargs.get("name"))) + "/").kvs;
        yield found.isEmpty() ? null : SockAddr.toWire(found.getLast().addr);
      }
      case "wait_for_actor" -> waitFor(String.valueOf(kwargs.get("name")));
      case "get_registry" -> {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Entry e : entries(prefix).kvs) out.put(e.uid.name() + "." + e.uid.uuid(), SockAddr.toWire(e.addr));
        yield out;
      }
      case "registry_info" -> {
        List<Object> out = new ArrayList<>();
        for (Entry e : entries(prefix).kvs) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("uid", e.uid);
          m.put("sockaddr", SockAddr.toWire(e.addr));
          m.put("parent", e.parent);
          m.put("pid", e.pid);
          out.add(m);
        }
        yield out;
      }
      default -> throw new IllegalArgumentException("the etcd registry has no method " + func);
    };
  }

  /** One registered actor, read back. */
  private record Entry(Uid uid, InetSocketAddress addr, Uid parent, long pid, long created) {}

  private record Entries(List<Entry> kvs, long revision) {}

  /** The entries under {@code keyPrefix}, oldest registration first. */
  private Entries entries(String keyPrefix) throws IOException {
    EtcdClient.Range r = client.range(keyPrefix);
    List<Entry> out = new ArrayList<>();
    for (EtcdClient.Kv kv : r.kvs()) {
      Entry e = entry(kv);
      if (e != null) out.add(e);
    }
    out.sort(Comparator.comparingLong(Entry::created));
    return new Entries(out, r.revision());
  }

  private static Entry entry(EtcdClient.Kv kv) {
    try {
      Map<?, ?> m = (Map<?, ?>) Json.parse(new String(kv.value(), StandardCharsets.UTF_8));
      List<?> u = (List<?>) m.get("uid");
      List<?> a = (List<?>) m.get("addr");
      Uid parent = m.get("parent") instanceof List<?> p ? new Uid((String) p.get(0), (String) p.get(1)) : null;
      return new Entry(new Uid((String) u.get(0), (String) u.get(1)),
          new InetSocketAddress((String) a.get(0), (int) EtcdClient.number(a.get(1))), parent, EtcdClient.number(m.get("pid")), kv.createRevision());
    } catch (RuntimeException e) {
      LOG.debug("ignoring a malformed registry entry " + kv.key() + ": " + e);
      return null;
    }
  }

  /** tractor's wait_for_actor: the addresses of actors named {@code name}, once there is one. */
  private List<Object> waitFor(String name) throws IOException {
    String keyPrefix = prefix + segment(name) + "/";
    Entries now = entries(keyPrefix);
    if (!now.kvs.isEmpty()) return addresses(now.kvs);
    CompletableFuture<Entry> put = new CompletableFuture<>();
    Thread watcher = Thread.ofVirtual().name("etcd-watch:" + name).start(
        () -> client.watchPuts(keyPrefix, now.revision + 1, kv -> {
          Entry e = entry(kv);
          if (e != null) put.complete(e);
        }, put));
    Event done = new Event();
    put.whenComplete((v, e) -> done.set());
    try {
      done.await(); // a checkpoint: cancelling the caller ends the wait
    } finally {
      put.cancel(false);
      watcher.interrupt();
    }
    return List.of(SockAddr.toWire(put.join().addr));
  }

  private static List<Object> addresses(List<Entry> entries) {
    List<Object> out = new ArrayList<>();
    for (Entry e : entries) out.add(SockAddr.toWire(e.addr));
    return out;
  }

  private String key(Uid uid) {
    return prefix + segment(uid.name()) + "/" + segment(uid.uuid());
  }

  private static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static Map<String, String> query(String q) {
    Map<String, String> m = new LinkedHashMap<>();
    if (q == null) return m;
    for (String kv : q.split("&")) {
      int eq = kv.indexOf('=');
      if (eq > 0) m.put(kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return m;
  }

  @Override
  public String toString() {
    return "EtcdRegistry[" + address + "]";
  }
}
