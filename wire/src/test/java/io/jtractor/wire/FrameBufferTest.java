package io.jtractor.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Stream items encoded straight into one buffer are the very frames the codec and the frame
 * writer make one by one, and an item that cannot be encoded leaves the buffer as it was.
 */
@DisplayName("FrameBuffer: a burst of items encoded straight into one buffer")
class FrameBufferTest {
  private static final String CID = "3f7a1c2e-0d4b-4e8a-9b1f-5c6d7e8f9a0b";

  /** Values of every shape a stream item takes, small and large. */
  private static final List<Object> VALUES = Arrays.asList(
      null, true, 0L, -1L, 127L, 128L, -33L, 1L << 40, Long.MIN_VALUE, 1.5, 2.5f, "", "hé",
      "x".repeat(300), new byte[] {1, 2, 3}, List.of(1L, "two", List.of()), Map.of("k", 1L),
      "y".repeat(70_000));

  private static byte[] oneByOne(List<Object> values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object v : values) out.writeBytes(FrameWriter.frame(MsgCodec.encode(new Msg.Yield(CID, v))));
    return out.toByteArray();
  }

  private static byte[] bytesOf(FrameBuffer b) {
    return Arrays.copyOf(b.bytes(), b.size());
  }

  @Test
  void itsBytesAreTheFramesTheCodecAndTheWriterMakeOneByOne() {
    FrameBuffer b = new FrameBuffer();
    for (Object v : VALUES) b.appendYield(CID, v);
    assertThat(bytesOf(b)).isEqualTo(oneByOne(VALUES));
  }

  @Test
  void aReaderGetsEveryItemBackInOrder() throws Exception {
    FrameBuffer b = new FrameBuffer();
    for (long i = 0; i < 10_000; i++) b.appendYield(CID, i);
    FrameReader reader = new FrameReader(new ByteArrayInputStream(bytesOf(b)), FrameReader.DEFAULT_MAX_FRAME);
    List<Object> got = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) got.add(((Msg.Yield) MsgCodec.decode(reader.read())).value());
    assertThat(got).hasSize(10_000).startsWith(0L, 1L).endsWith(9_999L);
  }

  @Test
  void anItemMsgpackCannotCarryIsRefusedAndLeavesNothingBehind() {
    FrameBuffer b = new FrameBuffer();
    b.appendYield(CID, 1L);
    byte[] before = bytesOf(b);
    // Refused part-way: the list's first element was already written when the second failed.
    assertThatThrownBy(() -> b.appendYield(CID, List.of(2L, new Object())))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(bytesOf(b)).isEqualTo(before);
    b.appendYield(CID, 3L);
    assertThat(bytesOf(b)).isEqualTo(oneByOne(List.of(1L, 3L)));
  }

  @Test
  void clearedItKeepsNoFrameAndAHugeOneIsNotWorthKeeping() {
    FrameBuffer b = new FrameBuffer();
    b.appendYield(CID, "z".repeat(1000));
    b.clear();
    assertThat(b.size()).isZero();
    assertThat(b.reusable()).isTrue();
    b.appendYield(CID, "z".repeat(FrameBuffer.KEPT_CAPACITY + 1));
    assertThat(b.reusable()).isFalse();
  }
}
