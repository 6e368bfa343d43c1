package io.jtractor;

import static io.jtractor.ProcessAssertions.assertNoProcessLeft;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jtractor.config.ActorConfig;
import io.jtractor.runtime.Actor;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("the registrar's address holds something that is no registrar")
@org.junit.jupiter.api.Timeout(30)
class RegistrarAddressTest {

  @AfterEach
  void noProcessLeft() {
    assertNoProcessLeft();
  }

  /**
   * A program listening at the registrar's address that never speaks first (silent), or answers
   * with something that is not tractor's framing (HTTP): opening a root there fails at once with a
   * message that says what is wrong and what to do, instead of opening a root that then waits
   * and fails at its first lookup.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"silent", "http"})
  void aRootIsToldAtOnceThatTheRegistrarAddressHoldsNoRegistrar(String kind) throws Exception {
    List<Socket> accepted = new CopyOnWriteArrayList<>();
    try (ServerSocket impostor = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor = Thread.ofVirtual().start(() -> {
        try {
          while (true) {
            Socket s = impostor.accept();
            accepted.add(s);
            if (kind.equals("http")) {
              OutputStream out = s.getOutputStream();
              out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
              out.flush();
            }
          }
        } catch (Exception closed) {
          // the test is over
        }
      });
      InetSocketAddress at = new InetSocketAddress("127.0.0.1", impostor.getLocalPort());
      try (Root warm = Jtractor.openRoot("warm-up")) { // the runtime's classes loaded: time the diagnosis alone
        warm.isRegistrar();
      }
      long t0 = System.nanoTime();
      Throwable failure = catchThrowable(() -> {
        try (Root root = Jtractor.openRoot(ActorConfig.of("root", List.of()).withRegistry(at))) {
          root.isRegistrar();
        }
      });
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(failure).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("127.0.0.1:" + impostor.getLocalPort())
          .hasMessageContaining("not a tractor registrar")
          .hasMessageContaining("-Djtractor.registry");
      // A registrar's hello is due within 500 ms of the connect, not the 10 s of any handshake.
      assertThat(ms).as("time to the diagnosis, ms").isLessThan(1_000);
      acceptor.interrupt();
    } finally {
      for (Socket s : accepted) s.close();
    }
  }
}
