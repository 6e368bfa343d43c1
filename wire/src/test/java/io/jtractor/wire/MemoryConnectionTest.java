package io.jtractor.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("the in-memory connection")
@Timeout(30)
class MemoryConnectionTest {
  private static final WireChannel.Config CONFIG = new WireChannel.Config(1 << 20, Duration.ofSeconds(5));
  private static final byte[] SECRET = "0123456789abcdef-tree-secret".getBytes();

  @Test
  void bytesCrossEachWayAsCopiesInOrder() throws Exception {
    MemoryConnection.Pair p = MemoryConnection.pair("a", "b");
    byte[] sent = {1, 2, 3, 4, 5};
    p.initiator().output().write(sent);
    sent[0] = 99; // the writer's buffer is its own again at once
    byte[] got = new byte[8];
    assertThat(p.acceptor().input().read(got, 0, 8)).as("what is there, without waiting to fill").isEqualTo(5);
    assertThat(Arrays.copyOf(got, 5)).containsExactly(1, 2, 3, 4, 5);
    p.acceptor().output().write(7);
    assertThat(p.initiator().input().read()).isEqualTo(7);
    assertThat(p.initiator().initiator()).isTrue();
    assertThat(p.acceptor().initiator()).isFalse();
    assertThat(p.acceptor().remoteAddress()).isEqualTo(p.initiator().localAddress()).hasToString("mem:a");
    assertThat(p.initiator().peerIsLocal()).isTrue();
    p.initiator().close();
  }

  @Test
  void aCloseWakesABlockedReaderAndThePeerReadsWhatIsLeftThenTheEnd() throws Exception {
    MemoryConnection.Pair p = MemoryConnection.pair("a", "b");
    InputStream in = p.acceptor().input();
    CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(() -> {
      try {
        return in.read(new byte[4], 0, 4);
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    }, r -> Thread.ofPlatform().start(r));
    Thread.sleep(50);
    assertThat(blocked).isNotDone();
    p.acceptor().close(); // its own end closed: the read ends
    assertThat(blocked.get(5, TimeUnit.SECONDS)).isEqualTo(-1);
    assertThat(p.acceptor().isOpen()).isFalse();

    MemoryConnection.Pair q = MemoryConnection.pair("a", "b");
    q.initiator().output().write(new byte[] {1, 2});
    q.initiator().close();
    byte[] b = new byte[4];
    assertThat(q.acceptor().input().read(b, 0, 4)).isEqualTo(2);
    assertThat(q.acceptor().input().read(b, 0, 4)).isEqualTo(-1);
    assertThatThrownBy(() -> q.acceptor().output().write(1)).isInstanceOf(IOException.class);
  }

  @Test
  void aWriterWaitsWhileThePipeIsFullAndAnInterruptDoesNotEndTheWait() throws Exception {
    MemoryConnection.Pair p = MemoryConnection.pair("a", "b");
    OutputStream out = p.initiator().output();
    byte[] big = new byte[MemoryPipe.CAPACITY + 1000];
    Arrays.fill(big, (byte) 5);
    Thread writer = Thread.ofPlatform().start(() -> {
      try {
        out.write(big);
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    Thread.sleep(50);
    assertThat(writer.isAlive()).as("full: it waits for room").isTrue();
    writer.interrupt();
    Thread.sleep(50);
    assertThat(writer.isAlive()).as("as a platform thread's socket write: an interrupt does not end it").isTrue();
    InputStream in = p.acceptor().input();
    byte[] buf = new byte[big.length];
    int got = 0;
    while (got < big.length) got += in.read(buf, got, big.length - got);
    writer.join(5_000);
    assertThat(writer.isAlive()).isFalse();
    assertThat(buf).isEqualTo(big);
    p.acceptor().close();
  }

  @Test
  void theRingGrowsFromASmallStartKeepingTheOrderOfBytesThatWrappedAround() throws Exception {
    MemoryConnection.Pair p = MemoryConnection.pair("a", "b");
    OutputStream out = p.initiator().output();
    InputStream in = p.acceptor().input();
    byte[] sent = new byte[6_000 + 6_000 + 20_000];
    for (int i = 0; i < sent.length; i++) sent[i] = (byte) (i * 31 + i / 251);
    byte[] got = new byte[sent.length];
    out.write(sent, 0, 6_000);
    int read = readFully(in, got, 0, 5_000); // the ring's start moves past its middle
    out.write(sent, 6_000, 6_000); // wraps around the first, small ring
    out.write(sent, 12_000, 20_000); // more than it holds: it grows, without a reader
    read += readFully(in, got, read, sent.length - read);
    assertThat(read).isEqualTo(sent.length);
    assertThat(got).isEqualTo(sent);
    p.acceptor().close();
  }

  private static int readFully(InputStream in, byte[] b, int off, int len) throws IOException {
    int got = 0;
    while (got < len) got += in.read(b, off + got, len - got);
    return got;
  }

  @Test
  void eachPairHasItsOwnBindingTheSameOnBothEnds() throws Exception {
    MemoryConnection.Pair p = MemoryConnection.pair("a", "b");
    MemoryConnection.Pair q = MemoryConnection.pair("a", "b");
    assertThat(p.initiator().channelBinding()).isEqualTo(p.acceptor().channelBinding()).isNotEmpty();
    assertThat(p.initiator().channelBinding()).isNotEqualTo(q.initiator().channelBinding());
    assertThat(p.initiator().transport().name()).isEqualTo("memory");
  }

  @Test
  void theTwoEndsOfAPairShareAMeetingPlaceAndNoOtherPairDoes() {
    MemoryConnection.Pair p = MemoryConnection.pair("a", "b");
    MemoryConnection.Pair q = MemoryConnection.pair("a", "b");
    p.initiator().meetingPlace().put("cid", "waiting on the initiator's end");
    assertThat(p.acceptor().meetingPlace()).containsEntry("cid", "waiting on the initiator's end");
    assertThat(q.initiator().meetingPlace()).isEmpty();
    assertThat(q.acceptor().meetingPlace()).isEmpty();
  }

  @Test
  void theSecretHandshakeAndFramesRunOverIt() throws Exception {
    MemoryConnection.Pair p = MemoryConnection.pair("a", "b");
    Uid a = Uid.random("a");
    Uid b = Uid.random("b");
    CompletableFuture<WireChannel> accepted = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try {
        WireChannel ch = WireChannel.over(p.acceptor(), CONFIG);
        ch.handshake(b, new SecretAuth(SECRET, SecretAuth.PeerPolicy.REFUSE));
        accepted.complete(ch);
      } catch (Exception e) {
        accepted.completeExceptionally(e);
      }
    });
    try (WireChannel client = WireChannel.over(p.initiator(), CONFIG)) {
      assertThat(client.handshake(a, new SecretAuth(SECRET, SecretAuth.PeerPolicy.REFUSE)).uid()).isEqualTo(b);
      WireChannel srv = accepted.get(5, TimeUnit.SECONDS);
      assertThat(client.peerAuthenticated()).isTrue();
      assertThat(srv.peerAuthenticated()).isTrue();
      Thread sender = Thread.ofVirtual().start(() -> { // more than the pipe holds: it waits for the reader
        try {
          for (long i = 0; i < 50_000; i++) client.send(new Msg.Return("c", i));
          client.send(new Msg.Return("c", "end"));
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      long n = 0;
      while (!(srv.receive() instanceof Msg.Return r && "end".equals(r.value()))) n++;
      sender.join();
      assertThat(n).isEqualTo(50_000);
      srv.close();
      assertThatThrownBy(client::receive).isInstanceOf(WireException.TransportClosed.class);
    }
  }
}
