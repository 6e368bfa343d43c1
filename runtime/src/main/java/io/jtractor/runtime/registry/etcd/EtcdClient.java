package io.jtractor.runtime.registry.etcd;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * etcd's v3 API through its JSON gateway ({@code POST /v3/...}), over the JDK's HttpClient: no
 * gRPC stack, no client library. Keys and values are base64 on the wire, 64-bit numbers are
 * strings. Several endpoints may be given; a call that cannot reach one tries the next.
 *
 * <p>Thread-safe: the HttpClient is; the index of the endpoint that answered last is a hint.
 */
final class EtcdClient {
  /** One key: its value, the revision that created it, and its lease (0: none). */
  record Kv(String key, byte[] value, long createRevision, long lease) {}

  /** A range's keys and the store's revision when it was read. */
  record Range(List<Kv> kvs, long revision) {}

  private final List<URI> endpoints;
  private final HttpClient http;
  private final Duration timeout;
  /** The endpoint to try first; a hint, any thread. */
  private volatile int preferred;

  EtcdClient(List<URI> endpoints, Duration timeout) {
    this.endpoints = List.copyOf(endpoints);
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
  }

  List<URI> endpoints() {
    return endpoints;
  }

  /** A new lease of {@code ttlSeconds}; its id. */
  long grant(long ttlSeconds) throws IOException {
    return number(post("/v3/lease/grant", Map.of("TTL", ttlSeconds)).get("ID"));
  }

  /** Renews {@code lease} once; its remaining TTL, 0 if etcd no longer has it. */
  long keepAlive(long lease) throws IOException {
    Object result = post("/v3/lease/keepalive", Map.of("ID", Long.toString(lease))).get("result");
    return result instanceof Map<?, ?> r ? number(r.get("TTL")) : 0;
  }

  void revoke(long lease) throws IOException {
    post("/v3/lease/revoke", Map.of("ID", Long.toString(lease)));
  }

  void put(String key, byte[] value, long lease) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("key", b64(key));
    body.put("value", Base64.getEncoder().encodeToString(value));
    if (lease != 0) body.put("lease", Long.toString(lease));
    post("/v3/kv/put", body);
  }

  void delete(String key) throws IOException {
    post("/v3/kv/deleterange", Map.of("key", b64(key)));
  }

  /** Every key that starts with {@code prefix}, in key order. */
  Range range(String prefix) throws IOException {
    Map<String, Object> r = post("/v3/kv/range", Map.of("key", b64(prefix), "range_end", b64(rangeEnd(prefix))));
    List<Kv> kvs = new ArrayList<>();
    if (r.get("kvs") instanceof List<?> l) {
      for (Object o : l) kvs.add(kv((Map<?, ?>) o));
    }
    long rev = r.get("header") instanceof Map<?, ?> h ? number(h.get("revision")) : 0;
    return new Range(kvs, rev);
  }

  /**
   * Watches {@code prefix} from {@code fromRevision} until {@code until} is done: each key put is
   * handed to {@code onPut}. Runs on the calling thread; a broken stream (etcd restarting) is
   * opened again from the last revision seen. Returns when {@code until} completes.
   */
  void watchPuts(String prefix, long fromRevision, java.util.function.Consumer<Kv> onPut, CompletableFuture<?> until) {
    long next = fromRevision;
    AtomicReference<Stream<String>> open = new AtomicReference<>();
    until.whenComplete((v, e) -> {
      Stream<String> s = open.get();
      if (s != null) s.close();
    });
    while (!until.isDone()) {
      Map<String, Object> create = new LinkedHashMap<>();
      create.put("key", b64(prefix));
      create.put("range_end", b64(rangeEnd(prefix)));
      create.put("start_revision", Long.toString(next));
      URI at = endpoints.get(preferred);
      HttpRequest req = HttpRequest.newBuilder(at.resolve("/v3/watch"))
          .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("create_request", create))))
          .build();
      try {
        HttpResponse<Stream<String>> resp = http.send(req, HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> lines = resp.body()) {
          open.set(lines);
          if (until.isDone()) return;
          var it = lines.iterator();
          while (it.hasNext() && !until.isDone()) {
            String line = it.next();
            if (line.isBlank()) continue;
            if (!(Json.parse(line) instanceof Map<?, ?> m) || !(m.get("result") instanceof Map<?, ?> r)) continue;
            if (r.get("header") instanceof Map<?, ?> h) next = Math.max(next, number(h.get("revision")) + 1);
            if (!(r.get("events") instanceof List<?> events)) continue;
            for (Object e : events) {
              Map<?, ?> ev = (Map<?, ?>) e;
              if (ev.get("type") == null || "PUT".equals(ev.get("type"))) onPut.accept(kv((Map<?, ?>) ev.get("kv")));
            }
          }
        }
      } catch (IOException | RuntimeException e) {
        if (until.isDone()) return;
        preferred = (preferred + 1) % endpoints.size();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (!until.isDone()) sleepQuietly(200); // etcd is away: try again shortly
    }
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Map<String, Object> post(String path, Map<String, ?> body) throws IOException {
    String json = Json.write(body);
    IOException last = null;
    for (int n = 0; n < endpoints.size(); n++) {
      int k = (preferred + n) % endpoints.size();
      HttpRequest req = HttpRequest.newBuilder(endpoints.get(k).resolve(path))
          .timeout(timeout)
          .POST(HttpRequest.BodyPublishers.ofString(json))
          .build();
      try {
        HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (resp.statusCode() != 200) throw new IOException("etcd at " + endpoints.get(k) + " answered " + path + " with " + resp.statusCode() + ": " + resp.body());
        preferred = k;
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) Json.parse(resp.body());
        return m;
      } catch (IOException e) {
        last = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while calling etcd");
      }
    }
    throw new IOException("cannot reach etcd at " + endpoints + ": " + (last == null ? "no endpoint" : last.getMessage()), last);
  }

  private static Kv kv(Map<?, ?> m) {
    String key = new String(Base64.getDecoder().decode((String) m.get("key")), StandardCharsets.UTF_8);
    byte[] value = m.get("value") instanceof String v ? Base64.getDecoder().decode(v) : new byte[0];
    return new Kv(key, value, number(m.get("create_revision")), number(m.get("lease")));
  }

  static long number(Object o) {
    if (o == null) return 0;
    if (o instanceof Number n) return n.longValue();
    return Long.parseLong(o.toString());
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** The first key after every key that starts with {@code prefix}. */
  static String rangeEnd(String prefix) {
    char last = prefix.charAt(prefix.length() - 1);
    return prefix.substring(0, prefix.length() - 1) + (char) (last + 1);
  }
}
