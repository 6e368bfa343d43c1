package io.jtractor.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Frames from many threads: whole, each thread's in its order, and a writer that finds another
 * writing hands its frames over instead of sleeping behind it.
 */
@DisplayName("FrameWriter: frames from many threads")
@Timeout(60)
class FrameWriterTest {

  /** A socket whose first write waits until {@link #release} is counted down, then records. */
  private static final class StallingSocket extends OutputStream {
    final ByteArrayOutputStream all = new ByteArrayOutputStream();
    final CountDownLatch stalled = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    volatile IOException failNextWrite;
    private boolean first = true;

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
      if (first) {
        first = false;
        stalled.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          throw new IOException(e);
        }
      }
      IOException fail = failNextWrite;
      if (fail != null) throw fail;
      all.write(b, off, len);
    }
  }

  private static byte[] body(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The bodies of the frames in {@code bytes}, in order. */
  private static List<String> frames(byte[] bytes) {
    List<String> out = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining()) {
      byte[] body = new byte[b.getInt()];
      b.get(body);
      out.add(new String(body, java.nio.charset.StandardCharsets.UTF_8));
    }
    return out;
  }

  /** Starts a thread that writes {@code body} (a direct write: no buffer between it and the socket). */
  private static Thread writer(FrameWriter w, String body, List<Throwable> failures) {
    return Thread.ofPlatform().start(() -> {
      try {
        w.write(body(body));
      } catch (Throwable e) {
        failures.add(e);
      }
    });
  }

  // A writer whose first frame, "first", is stuck in the socket's write on its own thread (the
  // holder); set by stallFirstWrite, one per test (JUnit makes a new instance for each).
  private StallingSocket socket;
  private FrameWriter w;
  private final List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
  private Thread holder;

  private void stallFirstWrite() throws InterruptedException {
    socket = new StallingSocket();
    w = new FrameWriter(socket);
    holder = writer(w, "first", failures);
    assertThat(socket.stalled.await(10, TimeUnit.SECONDS)).as("the holder is in the socket's write").isTrue();
  }

  @Test
  void aWriterThatFindsAnotherWritingHandsItsFramesOverAndReturnsAtOnce() throws Exception {
    stallFirstWrite();

    w.write(body("second"), body("third")); // returns while the holder still writes
    w.write(body("fourth"));
    assertThat(w.writing()).as("frames wait for the holder").isTrue();
    assertThat(frames(socket.all.toByteArray())).as("nothing out yet").isEmpty();

    socket.release.countDown();
    holder.join();
    assertThat(failures).isEmpty();
    assertThat(frames(socket.all.toByteArray())).containsExactly("first", "second", "third", "fourth");
    assertThat(w.writing()).isFalse();
  }

  @Test
  void framesWrittenWholeGoOutAfterWhatWasHandedOverBeforeThem() throws Exception {
    stallFirstWrite();
    w.write(body("handed over"));
    ByteArrayOutputStream framed = new ByteArrayOutputStream();
    framed.writeBytes(FrameWriter.frame(body("framed one")));
    framed.writeBytes(FrameWriter.frame(body("framed two")));
    byte[] bytes = framed.toByteArray();
    Thread writerTask = Thread.ofPlatform().start(() -> {
      try {
        w.writeFramed(bytes, 0, bytes.length); // waits for the lock: it does not hand over
      } catch (Throwable e) {
        failures.add(e);
      }
    });
    socket.release.countDown();
    holder.join();
    writerTask.join();
    assertThat(failures).isEmpty();
    assertThat(frames(socket.all.toByteArray())).containsExactly("first", "handed over", "framed one", "framed two");
  }

  @Test
  void pastTheLimitAWriterWaitsForTheLockAsBefore() throws Exception {
    stallFirstWrite();

    String big = "x".repeat(FrameWriter.HAND_OVER_LIMIT);
    Thread waiting = writer(w, big, failures);
    long until = System.nanoTime() + 10_000_000_000L;
    while (waiting.getState() != Thread.State.WAITING && System.nanoTime() < until) Thread.onSpinWait();
    assertThat(waiting.getState()).as("a frame past the limit waits for the lock").isEqualTo(Thread.State.WAITING);

    socket.release.countDown();
    holder.join();
    waiting.join();
    assertThat(failures).isEmpty();
    assertThat(frames(socket.all.toByteArray())).containsExactly("first", big);
  }

  @Test
  void aFailedWriteOfHandedOverFramesFailsTheNextWrite() throws Exception {
    stallFirstWrite();
    w.write(body("handed over"));
    socket.failNextWrite = new IOException("connection reset");
    socket.release.countDown();
    holder.join();

    assertThat(failures).as("the holder's own frame failed with the socket").hasSize(1);
    assertThat(w.writing()).as("what was handed over is dropped with the failure").isFalse();
    socket.failNextWrite = null; // the socket would take bytes again: a half-written stream must not
    assertThatThrownBy(() -> w.write(body("later"))).isInstanceOf(IOException.class).hasMessageContaining("connection reset");
    assertThat(frames(socket.all.toByteArray())).isEmpty();
  }

  @Test
  void settlingBeforeACloseWaitsForWhatWasHandedOverOrGivesUpOnAStuckWrite() throws Exception {
    stallFirstWrite();
    w.write(body("last words"));

    long t0 = System.nanoTime();
    w.settle(50); // the holder's write is stuck: give up
    assertThat(System.nanoTime() - t0).as("gave up after its bound").isGreaterThanOrEqualTo(50_000_000L);
    assertThat(w.writing()).isTrue();

    Thread closer = Thread.ofPlatform().start(() -> w.settle(10_000));
    long until = System.nanoTime() + 10_000_000_000L;
    while (closer.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < until) Thread.onSpinWait();
    socket.release.countDown();
    closer.join();
    holder.join();
    assertThat(failures).isEmpty();
    assertThat(frames(socket.all.toByteArray())).containsExactly("first", "last words");
  }

  @Test
  void framesFromManyThreadsArriveWholeEachThreadsInOrder() throws Exception {
    ByteArrayOutputStream socket = new ByteArrayOutputStream();
    OutputStream slowish = new OutputStream() { // every write yields, so that writers meet
      @Override
      public void write(int b) {
        socket.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        Thread.yield();
        socket.write(b, off, len);
      }
    };
    FrameWriter w = new FrameWriter(new GrowingBufferedOutput(slowish, 1 << 16));
    int threads = 8;
    int each = 2_000;
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      started.add(Thread.ofPlatform().start(() -> {
        try {
          for (int i = 0; i < each; i++) {
            if (i % 3 == 0) w.write(body(id + ":" + i), body(id + ":" + i + "b"));
            else w.write(body(id + ":" + i));
          }
        } catch (IOException e) {
          throw new AssertionError(e);
        }
      }));
    }
    for (Thread t : started) t.join();
    assertThat(w.writing()).isFalse();
    int[] next = new int[threads];
    boolean[] wantB = new boolean[threads];
    int total = 0;
    for (String s : frames(socket.toByteArray())) {
      String[] parts = s.split(":");
      int id = Integer.parseInt(parts[0]);
      if (wantB[id]) {
        assertThat(s).isEqualTo(id + ":" + (next[id] - 1) + "b");
        wantB[id] = false;
      } else {
        assertThat(s).isEqualTo(id + ":" + next[id]);
        wantB[id] = next[id] % 3 == 0;
        next[id]++;
      }
      total++;
    }
    assertThat(next).containsOnly(each);
    assertThat(total).isEqualTo(threads * (each + (each + 2) / 3));
  }
}
