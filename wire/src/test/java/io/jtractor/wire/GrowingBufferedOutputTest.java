package io.jtractor.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A connection's write buffer: small until it needs to be large, and the bytes in order whatever the sizes. */
@DisplayName("GrowingBufferedOutput: a write buffer that grows")
class GrowingBufferedOutputTest {

  /** Records each write it gets from the buffer, as a socket would see them. */
  private static final class Recording extends OutputStream {
    final ByteArrayOutputStream all = new ByteArrayOutputStream();
    final List<Integer> writes = new ArrayList<>();
    int flushes;

    @Override
    public void write(int b) {
      all.write(b);
      writes.add(1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      all.write(b, off, len);
      writes.add(len);
    }

    @Override
    public void flush() {
      flushes++;
    }
  }

  @Test
  void smallWritesLeaveInOneWriteOnFlush() throws Exception {
    Recording socket = new Recording();
    GrowingBufferedOutput out = new GrowingBufferedOutput(socket, 1 << 16);
    out.write(new byte[] {1, 2, 3});
    out.write(4);
    assertThat(socket.writes).as("nothing before the flush").isEmpty();
    out.flush();
    assertThat(socket.writes).containsExactly(4);
    assertThat(socket.all.toByteArray()).containsExactly(1, 2, 3, 4);
    assertThat(socket.flushes).isEqualTo(1);
  }

  @Test
  void itGrowsToHoldABurstThenGoesOutInWritesOfAtMostItsLimit() throws Exception {
    Recording socket = new Recording();
    int limit = 1 << 16;
    GrowingBufferedOutput out = new GrowingBufferedOutput(socket, limit);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    Random random = new Random(3);
    for (int i = 0; i < 2_000; i++) { // ~200 KiB of small frames, no flush between them
      byte[] b = new byte[random.nextInt(200)];
      random.nextBytes(b);
      out.write(b);
      expected.write(b);
    }
    out.flush();
    assertThat(socket.all.toByteArray()).isEqualTo(expected.toByteArray());
    assertThat(socket.writes).allMatch(n -> n <= limit);
    assertThat(socket.writes.get(0)).as("the buffer grew past its first size before it first drained").isGreaterThan(GrowingBufferedOutput.INITIAL);
  }

  @Test
  void aWriteJustUnderTheLimitFitsAfterWhatWasBufferedIsDrained() throws Exception {
    Recording socket = new Recording();
    int limit = 1 << 16;
    GrowingBufferedOutput out = new GrowingBufferedOutput(socket, limit);
    out.write(new byte[100]); // the buffer still at its first size
    byte[] almost = new byte[limit - 10]; // too large to join the 100 bytes, small enough to buffer
    new Random(9).nextBytes(almost);
    out.write(almost);
    out.flush();
    assertThat(socket.writes).containsExactly(100, almost.length);
    assertThat(java.util.Arrays.copyOfRange(socket.all.toByteArray(), 100, 100 + almost.length)).isEqualTo(almost);
  }

  @Test
  void whateverTheSizesAndFlushesEveryByteLeavesOnceInOrder() throws Exception {
    int limit = 1 << 16;
    for (long seed = 0; seed < 5; seed++) {
      Random random = new Random(seed);
      Recording socket = new Recording();
      GrowingBufferedOutput out = new GrowingBufferedOutput(socket, limit);
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      for (int i = 0; i < 500; i++) {
        int size = switch (random.nextInt(4)) {
          case 0 -> random.nextInt(8);
          case 1 -> random.nextInt(2_000);
          case 2 -> limit - 64 + random.nextInt(128); // about the limit, either side
          default -> random.nextInt(2 * limit);
        };
        byte[] b = new byte[size];
        random.nextBytes(b);
        if (size == 1) out.write(b[0]);
        else out.write(b);
        expected.write(b);
        if (random.nextInt(10) == 0) out.flush();
      }
      out.flush();
      assertThat(socket.all.toByteArray()).isEqualTo(expected.toByteArray());
    }
  }

  @Test
  void aWriteLargerThanTheLimitGoesStraightThroughAfterWhatWasBuffered() throws Exception {
    Recording socket = new Recording();
    GrowingBufferedOutput out = new GrowingBufferedOutput(socket, GrowingBufferedOutput.INITIAL);
    byte[] big = new byte[3 * GrowingBufferedOutput.INITIAL];
    new Random(5).nextBytes(big);
    out.write(new byte[] {9, 9});
    out.write(big);
    out.write(7);
    out.flush();
    assertThat(socket.writes).containsExactly(2, big.length, 1);
    byte[] all = socket.all.toByteArray();
    assertThat(all).hasSize(big.length + 3);
    assertThat(all[0]).isEqualTo((byte) 9);
    assertThat(java.util.Arrays.copyOfRange(all, 2, 2 + big.length)).isEqualTo(big);
    assertThat(all[all.length - 1]).isEqualTo((byte) 7);
  }
}
