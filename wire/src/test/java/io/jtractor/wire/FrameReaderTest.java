package io.jtractor.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The reader buffers for itself, and so knows without asking the socket when a frame is here. */
@DisplayName("FrameReader: its own buffer, and whether a whole frame is buffered")
class FrameReaderTest {

  /** A stream that hands out at most a few bytes per read, as a slow socket does. */
  private static InputStream trickling(byte[] bytes, long seed) {
    Random random = new Random(seed);
    return new ByteArrayInputStream(bytes) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, 1 + random.nextInt(7)));
      }
    };
  }

  private static byte[] frames(List<byte[]> bodies) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] b : bodies) out.write(FrameWriter.frame(b));
    return out.toByteArray();
  }

  private static List<byte[]> bodies(Random random, int count, int maxSize) {
    List<byte[]> bodies = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] b = new byte[random.nextInt(maxSize)];
      random.nextBytes(b);
      bodies.add(b);
    }
    return bodies;
  }

  @Test
  void itsBufferStartsSmallAndGrowsOnlyWhileReadsFillIt() throws Exception {
    Random random = new Random(11);
    List<byte[]> few = bodies(random, 20, 100);
    FrameReader quiet = new FrameReader(new ByteArrayInputStream(frames(few)), 1 << 20);
    for (byte[] b : few) assertThat(quiet.read()).isEqualTo(b);
    assertThat(quiet.bufferSize()).as("a few small messages: the first size").isEqualTo(FrameReader.INITIAL_BUFFER);

    List<byte[]> many = bodies(random, 5_000, 200); // ~500 KiB, each read filling what it is offered
    FrameReader busy = new FrameReader(new ByteArrayInputStream(frames(many)), 1 << 20);
    for (byte[] b : many) assertThat(busy.read()).isEqualTo(b);
    assertThat(busy.bufferSize()).as("a stream: grown to the most one read may bring").isEqualTo(FrameReader.BUFFER_SIZE);
  }

  @Test
  void returnsEveryFrameWhileItsBufferGrowsUnderLargeAndSmallReads() throws Exception {
    Random random = new Random(13);
    List<byte[]> bodies = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      int size = switch (random.nextInt(4)) {
        case 0 -> random.nextInt(16);
        case 1 -> random.nextInt(5_000);
        case 2 -> FrameReader.INITIAL_BUFFER - 8 + random.nextInt(16); // about the first size
        default -> random.nextInt(3 * FrameReader.BUFFER_SIZE);
      };
      byte[] b = new byte[size];
      random.nextBytes(b);
      bodies.add(b);
    }
    byte[] all = frames(bodies);
    for (long seed = 0; seed < 3; seed++) {
      Random reads = new Random(seed);
      InputStream chunky = new ByteArrayInputStream(all) {
        @Override
        public synchronized int read(byte[] b, int off, int len) {
          return super.read(b, off, Math.min(len, 1 + reads.nextInt(100_000)));
        }
      };
      FrameReader r = new FrameReader(chunky, 1 << 20);
      for (int i = 0; i < bodies.size(); i++) {
        // Every other frame made into its body where it lies, as a connection's messages are.
        byte[] got = i % 2 == 0 ? r.read() : r.read((buf, from, to) -> Arrays.copyOfRange(buf, from, to));
        assertThat(got).isEqualTo(bodies.get(i));
      }
      assertThatThrownBy(r::read).isInstanceOf(WireException.TransportClosed.class);
    }
  }

  @Test
  void aFrameIsMadeIntoItsBodyWhereItLiesAndConsumedEvenIfThatFails() throws Exception {
    FrameReader r = new FrameReader(new ByteArrayInputStream(frames(List.of(new byte[] {1, 2, 3}, new byte[] {4}))), 1024);
    byte[][] seen = new byte[1][];
    int length = r.read((buf, from, to) -> {
      seen[0] = buf;
      return to - from;
    });
    assertThat(length).isEqualTo(3);
    assertThat(seen[0].length).as("the reader's own buffer, not a copy").isEqualTo(FrameReader.INITIAL_BUFFER);
    FrameReader.Body<Object> refuse = (buf, from, to) -> {
      throw new WireException.Malformed("refused");
    };
    FrameReader again = new FrameReader(new ByteArrayInputStream(frames(List.of(new byte[] {1}, new byte[] {4}))), 1024);
    assertThatThrownBy(() -> again.read(refuse)).isInstanceOf(WireException.Malformed.class);
    assertThat(again.read()).as("the refused frame is gone").containsExactly(4);
  }

  @Test
  void returnsEveryFrameWhateverTheReadsBring() throws Exception {
    Random random = new Random(7);
    List<byte[]> bodies = bodies(random, 300, 300);
    bodies.add(new byte[FrameReader.BUFFER_SIZE * 3 + 5]); // larger than the buffer
    bodies.addAll(bodies(random, 50, 40));
    for (long seed = 0; seed < 5; seed++) {
      FrameReader r = new FrameReader(trickling(frames(bodies), seed), 1 << 20);
      for (byte[] b : bodies) assertThat(r.read()).isEqualTo(b);
      assertThatThrownBy(r::read).isInstanceOf(WireException.TransportClosed.class).hasMessageContaining("closed");
    }
  }

  @Test
  void saysAFrameIsBufferedOnlyWhenAllOfItIs() throws Exception {
    byte[] two = frames(List.of(new byte[] {1, 2, 3}, new byte[] {4}));
    FrameReader r = new FrameReader(new ByteArrayInputStream(two), 1024);
    assertThat(r.hasBufferedFrame()).as("nothing read yet").isFalse();
    assertThat(r.read()).containsExactly(1, 2, 3); // one read brought both
    assertThat(r.hasBufferedFrame()).isTrue();
    assertThat(r.read()).containsExactly(4);
    assertThat(r.hasBufferedFrame()).isFalse();

    byte[] cut = frames(List.of(new byte[] {1}, new byte[] {5, 6, 7}));
    byte[] partial = java.util.Arrays.copyOf(cut, cut.length - 1);
    FrameReader p = new FrameReader(new ByteArrayInputStream(partial), 1024);
    assertThat(p.read()).containsExactly(1);
    assertThat(p.hasBufferedFrame()).as("the second frame lacks a byte").isFalse();
    assertThatThrownBy(p::read).isInstanceOf(WireException.TransportClosed.class).hasMessageContaining("mid-frame");
  }

  @Test
  void aBufferedFrameOverTheLimitIsNotCalledBuffered() throws Exception {
    FrameReader r = new FrameReader(new ByteArrayInputStream(frames(List.of(new byte[1], new byte[20]))), 1024);
    r.read();
    r.maxFrame(10);
    assertThat(r.hasBufferedFrame()).isFalse();
    assertThatThrownBy(r::read).isInstanceOf(WireException.FrameTooLarge.class);
  }

  @Test
  void aHeaderCutShortIsAVanishedPeer() {
    FrameReader r = new FrameReader(new ByteArrayInputStream(new byte[] {3, 0}), 1024);
    assertThatThrownBy(r::read).isInstanceOf(WireException.TransportClosed.class).hasMessageContaining("mid-frame");
  }
}
