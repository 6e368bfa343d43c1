package io.jtractor;

import static io.jtractor.ProcessAssertions.assertNoProcessLeft;
import static org.assertj.core.api.Assertions.assertThat;

import io.jtractor.config.ActorConfig;
import io.jtractor.funcs.Funcs;
import io.jtractor.runtime.Actor;
import io.jtractor.runtime.Tuning;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Strangers who open connections and say nothing hold a bounded part of an actor: beyond {@link
 * Tuning#MAX_PENDING_HANDSHAKES} pending handshakes a new connection is closed at once, and the
 * actor serves its tree as before once they are gone.
 */
@DisplayName("a flood of silent connections")
@Timeout(60)
class HandshakeFloodTest {

  @AfterEach
  void noProcessLeft() {
    assertNoProcessLeft();
  }

  @Test
  void silentConnectionsBeyondTheCapAreClosedAtOnceAndTheActorServesOn() throws Exception {
    try (Root root = Jtractor.openRoot(ActorConfig.of("root", List.of(Funcs.class)))) {
      InetSocketAddress at = root.address();
      List<Socket> silent = new ArrayList<>();
      int closedAtOnce = 0;
      try {
        for (int i = 0; i < Tuning.MAX_PENDING_HANDSHAKES + 16; i++) {
          Socket s = new Socket(at.getAddress(), at.getPort());
          silent.add(s);
        }
        for (Socket s : silent) {
          s.setSoTimeout(200);
          try {
            // The actor's hello comes first on a connection it handshakes; a closed one ends.
            int first = s.getInputStream().read();
            if (first < 0) closedAtOnce++;
          } catch (SocketTimeoutException stillPending) {
            // accepted: its handshake waits for our hello
          } catch (IOException reset) {
            closedAtOnce++;
          }
        }
      } finally {
        for (Socket s : silent) s.close();
      }
      assertThat(closedAtOnce).isGreaterThanOrEqualTo(16);
      // The permits came back with the strangers' connections: a child still connects back.
      root.openNursery(an -> {
        Portal child = an.startActor("child", Funcs.class);
        assertThat(child.run(Funcs::hello, "after")).isEqualTo("hi after");
        an.cancel();
      });
    }
  }
}
