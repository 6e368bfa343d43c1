package io.jtractor.runtime;

import io.jtractor.config.Security;
import io.jtractor.config.TreeSecret;
import io.jtractor.wire.Msgpack;
import io.jtractor.wire.TlsConfig;
import io.jtractor.wire.Uid;
import io.jtractor.wire.WireException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a parent hands a child besides tractor's command line: the tree secret, the security
 * settings, and the child's ancestors (for {@link Authorization}). It travels as one line of
 * base64 msgpack on the child's stdin, written by the parent as soon as the JVM starts (a warm JVM
 * reads it right after its identity), so the secret never appears on a command line or in the
 * environment, where other users of the host could read it.
 *
 * @param secret the tree secret
 * @param security the parent's settings (its secret and Unix socket are not passed on)
 * @param lineage the child's ancestors, nearest first (its parent, ..., the root)
 */
record ChildTrust(TreeSecret secret, Security security, List<Uid> lineage) {
  ChildTrust {
    lineage = List.copyOf(lineage);
  }

  /** The child's security settings: the parent's, with the tree's secret and no Unix socket. */
  Security childSecurity() {
    return security.withSecret(secret).withUnixSocket(null);
  }

  /** One line (no line break) to write on the child's stdin. */
  String encode() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("secret", secret.bytes());
    m.put("allow_tractor_peers", security.allowTractorPeers());
    m.put("allow_plaintext", security.allowPlaintext());
    TlsConfig tls = security.tls();
    if (tls != null) {
      m.put("tls", List.of(tls.keyStore().toString(), new String(tls.keyStorePassword()),
          tls.trustStore().toString(), new String(tls.trustStorePassword())));
    }
    List<Object> l = new ArrayList<>(lineage);
    m.put("lineage", l);
    return Base64.getEncoder().encodeToString(Msgpack.encode(m));
  }

  /**
   * Reads a line written by {@link #encode()}.
   *
   * @throws IllegalArgumentException if it is not one
   */
  static ChildTrust decode(String line) {
    try {
      Object v = Msgpack.decode(Base64.getDecoder().decode(line.strip().getBytes(StandardCharsets.US_ASCII)));
      if (!(v instanceof Map<?, ?> m) || !(m.get("secret") instanceof byte[] secret)) throw new IllegalArgumentException("no secret");
      TlsConfig tls = null;
      if (m.get("tls") instanceof List<?> t && t.size() == 4) {
        tls = new TlsConfig(Path.of((String) t.get(0)), ((String) t.get(1)).toCharArray(),
            Path.of((String) t.get(2)), ((String) t.get(3)).toCharArray());
      }
      List<Uid> lineage = new ArrayList<>();
      if (m.get("lineage") instanceof List<?> l) {
        for (Object u : l) lineage.add(Uid.fromWire(u));
      }
      Security s = new Security(null, Boolean.TRUE.equals(m.get("allow_tractor_peers")), tls, Boolean.TRUE.equals(m.get("allow_plaintext")), null);
      return new ChildTrust(TreeSecret.fromParent(secret), s, lineage);
    } catch (WireException.Malformed | RuntimeException e) {
      throw new IllegalArgumentException("the parent's trust line is malformed: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "ChildTrust[" + lineage + "]";
  }
}
