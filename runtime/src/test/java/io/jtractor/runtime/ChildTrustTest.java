package io.jtractor.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jtractor.config.Security;
import io.jtractor.config.TreeSecret;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The line on which a parent hands its child the tree's secret, its security settings and its ancestors. */
class ChildTrustTest {
  @Test
  void theTrustLineCarriesTheSecretSettingsAndAncestors() {
    TreeSecret s = TreeSecret.of("the tree secret, long enough".getBytes());
    Security sec = Security.defaults().withSecret(s).withAllowTractorPeers(true)
        .withTls(new io.jtractor.wire.TlsConfig(Path.of("/k.p12"), "kp".toCharArray(), Path.of("/t.p12"), "tp".toCharArray()))
        .withUnixSocket(java.net.UnixDomainSocketAddress.of("/tmp/parent.sock"));
    List<io.jtractor.wire.Uid> lineage = List.of(io.jtractor.wire.Uid.random("parent"), io.jtractor.wire.Uid.random("root"));
    String line = new ChildTrust(s, sec, lineage).encode();
    assertThat(line).doesNotContain("\n");
    ChildTrust back = ChildTrust.decode(line);
    assertThat(back.secret().bytes()).isEqualTo(s.bytes());
    assertThat(back.lineage()).isEqualTo(lineage);
    Security child = back.childSecurity();
    assertThat(child.allowTractorPeers()).isTrue();
    assertThat(child.tls()).isEqualTo(sec.tls());
    assertThat(child.unixSocket()).isNull(); // a path is the parent's own
    assertThatThrownBy(() -> ChildTrust.decode("not base64 msgpack")).isInstanceOf(IllegalArgumentException.class);
  }
}
