package io.jtractor.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class SockAddrTest {

  @Test
  void anAddressCrossesAsHostThenPortAndComesBackEqual() {
    InetSocketAddress a = new InetSocketAddress("127.0.0.1", 38821);
    assertThat(SockAddr.toWire(a)).isEqualTo(List.of("127.0.0.1", 38821L));
    assertThat(SockAddr.fromWire(List.of("127.0.0.1", 38821L))).isEqualTo(a);
  }

  @Test
  void anythingElseIsNoAddress() {
    assertThat(SockAddr.fromWire(null)).isNull();
    assertThat(SockAddr.fromWire(List.of("127.0.0.1"))).isNull();
    assertThat(SockAddr.fromWire(List.of(127L, 1L))).isNull();
    assertThat(SockAddr.fromWire(List.of("127.0.0.1", "1616"))).isNull();
    assertThat(SockAddr.fromWire(List.of("127.0.0.1", 70000L))).isNull();
    assertThat(SockAddr.fromWire(List.of("127.0.0.1", -1L))).isNull();
  }
}
