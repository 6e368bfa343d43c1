package io.jtractor.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("call ids: random version-4 UUID strings, as tractor's")
class CallIdTest {
  @Test
  void areVersion4UuidsOfTheIetfVariantAndDoNotRepeat() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String cid = PeerChannel.newCid();
      UUID u = UUID.fromString(cid);
      assertThat(u.version()).isEqualTo(4);
      assertThat(u.variant()).isEqualTo(2);
      assertThat(cid).hasSize(36).isEqualTo(u.toString());
      assertThat(seen.add(cid)).isTrue();
    }
  }
}
