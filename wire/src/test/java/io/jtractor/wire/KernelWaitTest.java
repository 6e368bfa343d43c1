package io.jtractor.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A virtual thread's wait for the next message can block its carrier in {@code poll(2)}, found
 * through {@code /proc}: the tests run with native access, as children do.
 */
@DisplayName("KernelWait: a virtual thread waiting in poll(2)")
@Timeout(30)
class KernelWaitTest {

  @Test
  void endpointsAreWrittenAsProcNetTcpWritesThem() throws Exception {
    InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080);
    assertThat(KernelWait.endpoint(v4, false)).isEqualTo("0100007F:1F90");
    assertThat(KernelWait.endpoint(v4, true)).as("IPv4-mapped in tcp6").isEqualTo("0000000000000000FFFF00000100007F:1F90");
    InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 443);
    assertThat(KernelWait.endpoint(v6, true)).isEqualTo("00000000000000000000000001000000:01BB");
    assertThat(KernelWait.endpoint(v6, false)).as("no IPv6 address in tcp").isNull();
  }

  @Test
  void aVirtualThreadWaitsInTheKernelUntilBytesArriveAndGivesUpInTime() throws Exception {
    assumeThat(System.getProperty("os.name").toLowerCase(Locale.ROOT)).contains("linux");
    assertThat(KernelWait.AVAILABLE).as("native access is enabled for the tests").isTrue();
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket raw = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        WireChannel ch = WireChannel.wrap(server.accept(), WireChannel.Config.DEFAULT);
        var virtual = Executors.newVirtualThreadPerTaskExecutor()) {
      assertThat(ch.awaitsInKernel()).isTrue();
      OutputStream out = raw.getOutputStream();
      // Nothing sent: the wait gives up at its limit (and says so), on a virtual thread.
      long t0 = System.nanoTime();
      assertThat(virtual.submit(() -> ch.awaitMessage(30)).get(5, TimeUnit.SECONDS)).isFalse();
      assertThat(System.nanoTime() - t0).as("waited its 30 ms").isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(25));
      // A frame that arrives while it waits ends the wait; the message is read whole.
      CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
        try {
          return ch.awaitMessage(5_000);
        } catch (WireException e) {
          throw new RuntimeException(e);
        }
      }, virtual);
      Thread.sleep(50);
      out.write(WireChannelTest.frame(new Msg.Yield("c", 7L)));
      out.flush();
      assertThat(waiting.get(5, TimeUnit.SECONDS)).isTrue();
      assertThat(virtual.submit(ch::receive).get(5, TimeUnit.SECONDS)).isEqualTo(new Msg.Yield("c", 7L));
      // The peer's end ends the wait too.
      raw.close();
      assertThat(virtual.submit(() -> ch.awaitMessage(5_000)).get(5, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aWaitInAConnectionsKeptPollfdAllocatesNothing() throws Exception {
    assumeThat(KernelWait.AVAILABLE).isTrue();
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket a = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        Socket peer = server.accept()) {
      int fd = KernelWait.descriptorOf(a);
      var pollfd = KernelWait.pollfd();
      for (int i = 0; i < 20_000; i++) assertThat(KernelWait.readable(fd, 0, pollfd)).isZero(); // warm
      long before = WireChannelTest.allocatedByThisThread();
      for (int i = 0; i < 20_000; i++) KernelWait.readable(fd, 0, pollfd);
      long perWait = (WireChannelTest.allocatedByThisThread() - before) / 20_000;
      for (int i = 0; i < 20_000; i++) KernelWait.readable(fd, 0); // its own memory, an arena per wait
      long ownBefore = WireChannelTest.allocatedByThisThread();
      for (int i = 0; i < 20_000; i++) KernelWait.readable(fd, 0);
      long perOwnWait = (WireChannelTest.allocatedByThisThread() - ownBefore) / 20_000;
      assertThat(perWait).as("bytes allocated per wait in the kept pollfd, against %d with an arena each", perOwnWait)
          .isLessThan(16).isLessThan(perOwnWait);
      peer.getOutputStream().write(1);
      peer.getOutputStream().flush();
      assertThat(KernelWait.readable(fd, 5_000, pollfd)).isEqualTo(1);
      assertThat(KernelWait.readable(fd, 5_000, pollfd)).as("still readable: nothing was read").isEqualTo(1);
      assertThat(a.getInputStream().read()).isEqualTo(1);
      assertThat(KernelWait.readable(fd, 10, pollfd)).isZero();
    }
  }

  @Test
  void theDescriptorFoundIsTheSocketsOwn() throws Exception {
    assumeThat(KernelWait.AVAILABLE).isTrue();
    try (ServerSocket server = new ServerSocket(0, 2, InetAddress.getLoopbackAddress());
        Socket a = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        Socket aPeer = server.accept();
        Socket b = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        Socket bPeer = server.accept()) {
      int fa = KernelWait.descriptorOf(a);
      int fb = KernelWait.descriptorOf(b);
      assertThat(fa).isNotNegative().isNotEqualTo(fb);
      assertThat(KernelWait.readable(fa, 10)).isZero();
      bPeer.getOutputStream().write(1); // readable: b, not a
      bPeer.getOutputStream().flush();
      assertThat(KernelWait.readable(fb, 5_000)).isEqualTo(1);
      assertThat(KernelWait.readable(fa, 10)).isZero();
      assertThat(b.getInputStream().read()).isEqualTo(1);
    }
  }
}
