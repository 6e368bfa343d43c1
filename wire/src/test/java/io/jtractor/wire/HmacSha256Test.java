package io.jtractor.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("the handshake's HMAC-SHA256")
class HmacSha256Test {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] repeat(int b, int n) {
    byte[] a = new byte[n];
    java.util.Arrays.fill(a, (byte) b);
    return a;
  }

  @Test
  void rfc4231TestVectors() {
    // Test cases 1, 2, 3, 4, 6 and 7 of RFC 4231 (5 truncates the output).
    assertThat(HEX.formatHex(HmacSha256.mac(repeat(0x0b, 20), "Hi There".getBytes())))
        .isEqualTo("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    assertThat(HEX.formatHex(HmacSha256.mac("Jefe".getBytes(), "what do ya want for nothing?".getBytes())))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    assertThat(HEX.formatHex(HmacSha256.mac(repeat(0xaa, 20), repeat(0xdd, 50))))
        .isEqualTo("773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
    assertThat(HEX.formatHex(HmacSha256.mac(HEX.parseHex("0102030405060708090a0b0c0d0e0f10111213141516171819"), repeat(0xcd, 50))))
        .isEqualTo("82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
    assertThat(HEX.formatHex(HmacSha256.mac(repeat(0xaa, 131), "Test Using Larger Than Block-Size Key - Hash Key First".getBytes())))
        .isEqualTo("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    assertThat(HEX.formatHex(HmacSha256.mac(repeat(0xaa, 131),
        "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".getBytes())))
        .isEqualTo("9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
  }

  @Test
  void agreesWithTheJdkOnEveryLengthAroundTheBlockBoundaries() throws Exception {
    Random r = new Random(42);
    for (int keyLen : new int[] {16, 32, 63, 64, 65, 200}) {
      for (int len = 0; len < 300; len++) {
        byte[] key = new byte[keyLen];
        byte[] msg = new byte[len];
        r.nextBytes(key);
        r.nextBytes(msg);
        Mac jdk = Mac.getInstance("HmacSHA256");
        jdk.init(new SecretKeySpec(key, "HmacSHA256"));
        assertThat(HmacSha256.mac(key, msg)).as("key %d, message %d", keyLen, len).isEqualTo(jdk.doFinal(msg));
      }
    }
  }

  @Test
  void comparesInConstantTimeButCorrectly() {
    assertThat(HmacSha256.equalsInConstantTime(new byte[] {1, 2}, new byte[] {1, 2})).isTrue();
    assertThat(HmacSha256.equalsInConstantTime(new byte[] {1, 2}, new byte[] {1, 3})).isFalse();
    assertThat(HmacSha256.equalsInConstantTime(new byte[] {1, 2}, new byte[] {1})).isFalse();
  }

  @Test
  void entropyGivesFreshBytes() {
    assertThat(Entropy.bytes(32)).hasSize(32).isNotEqualTo(Entropy.bytes(32));
  }
}
