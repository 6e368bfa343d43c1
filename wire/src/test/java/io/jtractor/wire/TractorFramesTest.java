package io.jtractor.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every frame of a real tractor capture decodes, and re-encodes byte for byte. */
@DisplayName("tractor's own frames (real capture) as test vectors")
class TractorFramesTest {

  /** One captured frame: where it was seen and its bytes (prefix + body). */
  record Captured(int line, String conn, String dir, byte[] frame) {
    byte[] body() {
      return Arrays.copyOfRange(frame, 4, frame.length);
    }

    @Override
    public String toString() {
      return "line " + line + " " + conn + " " + dir + " (" + frame.length + " bytes)";
    }
  }

  static List<Captured> frames() throws IOException {
    List<Captured> out = new ArrayList<>();
    try (InputStream in = TractorFramesTest.class.getResourceAsStream("/tractor-frames.txt");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank() || line.startsWith("#")) continue;
        String[] f = line.trim().split("\\s+");
        out.add(new Captured(n, f[1], f[2], HexFormat.of().parseHex(f[f.length - 1])));
      }
    }
    return out;
  }

  /** Every captured frame, decoded as a message. */
  static List<Msg> messages() throws IOException {
    List<Msg> out = new ArrayList<>();
    for (Captured c : frames()) {
      try {
        out.add(Msg.fromWire(Msgpack.decode(c.body())));
      } catch (WireException e) {
        throw new AssertionError(c + " does not decode", e);
      }
    }
    return out;
  }

  static Stream<Captured> eachFrame() throws IOException {
    return frames().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("eachFrame")
  void decodesAndReencodesByteForByte(Captured c) throws Exception {
    byte[] body = c.body();
    long announced = Integer.toUnsignedLong(
        (c.frame()[0] & 0xff) | (c.frame()[1] & 0xff) << 8 | (c.frame()[2] & 0xff) << 16 | (c.frame()[3] & 0xff) << 24);
    assertThat(announced).isEqualTo(body.length);

    Msg msg = Msg.fromWire(Msgpack.decode(body));
    byte[] again = Msgpack.encode(msg.toWire());
    assertThat(HexFormat.of().formatHex(again)).isEqualTo(HexFormat.of().formatHex(body));
    assertThat(FrameWriter.frame(again)).isEqualTo(c.frame());
  }

  @Test
  void theCaptureHoldsEveryKindOfMessage() throws IOException {
    Map<String, Integer> kinds = new LinkedHashMap<>();
    for (Msg m : messages()) {
      kinds.merge(m.getClass().getSimpleName(), 1, Integer::sum);
    }
    assertThat(kinds).containsKeys("Cmd", "Functype", "Return", "Started", "Yield", "Stop", "Error", "Other");
  }

  @Test
  void aCapturedCommandReadsAsTractorMeantIt() throws IOException {
    Msg.Cmd cmd =
        messages().stream()
            .filter(Msg.Cmd.class::isInstance)
            .map(Msg.Cmd.class::cast)
            .filter(c -> c.func().equals("compute"))
            .findFirst()
            .orElseThrow();
    assertThat(cmd.ns()).isEqualTo("__main__");
    assertThat(cmd.kwargs()).containsEntry("x", 21L);
    assertThat(cmd.caller().name()).isEqualTo("root");
    assertThat(cmd.cid()).hasSize(36);
  }

  @Test
  void aCapturedContextCancelledCarriesItsCanceller() throws IOException {
    Msg.Error err =
        messages().stream()
            .filter(Msg.Error.class::isInstance)
            .map(Msg.Error.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(err.info().typeStr()).isEqualTo("ContextCancelled");
    assertThat(err.info().hasCanceller()).isTrue();
    assertThat(err.info().canceller().name()).isEqualTo("root");
    assertThat(err.info().srcActorUid().name()).isEqualTo("child");
    assertThat(err.info().tbStr()).contains("ContextCancelled");
  }

  @Test
  void theHandshakeFramesAreUids() throws IOException {
    Captured first = frames().getFirst();
    Hello hello = Hello.fromWire(Msgpack.decode(first.body()));
    assertThat(hello.uid().name()).isEqualTo("child");
    assertThat(hello.capabilities()).isEmpty();
    assertThat(Msgpack.encode(Hello.plain(hello.uid()))).isEqualTo(first.body());
  }
}
