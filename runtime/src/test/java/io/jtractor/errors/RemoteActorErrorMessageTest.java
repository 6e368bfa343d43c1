package io.jtractor.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtractor.wire.ErrorInfo;
import io.jtractor.wire.Uid;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("a remote error's message: its type, its source and its remote traceback")
class RemoteActorErrorMessageTest {
  private static final Uid PEER = new Uid("peer", "7d1a3f5e-2a10-4c4e-9f1c-3b6b1e9f0a11");

  @Test
  void namesTheTypeThePeerAndTheRemoteTracebackWhenReceivedOrMade() {
    ErrorInfo info = ErrorInfo.of("Traceback:\n  boom\nValueError: boom\n", "ValueError", PEER);
    String expected = "ValueError in " + PEER.pythonRepr() + "\nTraceback:\n  boom\nValueError: boom\n";
    assertThat(RemoteActorError.received(info, PEER)).hasMessage(expected);
    assertThat(new RemoteActorError(info, PEER)).hasMessage(expected);
    assertThat(RemoteActorError.received(info, null).getMessage()).startsWith("ValueError in a remote actor\n");
    ErrorInfo cancelled = ErrorInfo.of("jtractor: gone\n", "ContextCancelled", PEER).withCanceller(PEER);
    assertThat(RemoteActorError.received(cancelled, PEER)).isInstanceOf(ContextCancelled.class)
        .hasMessage("ContextCancelled in " + PEER.pythonRepr() + "\njtractor: gone\n");
  }

  @Test
  void keepsItsMessageThroughSerializationThoughNotItsFields() throws Exception {
    RemoteActorError err = RemoteActorError.received(ErrorInfo.of("trace\n", "KeyError", PEER), PEER);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(err);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      RemoteActorError back = (RemoteActorError) in.readObject();
      assertThat(back).hasMessage("KeyError in " + PEER.pythonRepr() + "\ntrace\n");
    }
  }
}
