package io.jtractor;

import static io.jtractor.ProcessAssertions.assertNoProcessLeft;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jtractor.errors.RemoteActorError;
import io.jtractor.funcs.CtxFuncs;
import io.jtractor.funcs.Funcs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("flight recorder: the runtime's events carry the actor's uid and the cid")
@Timeout(60)
class FlightRecorderEventsTest {

  @AfterEach
  void noProcessLeft() {
    assertNoProcessLeft();
  }

  @Test
  void spawnContextCancelErrorAndExitAreRecorded(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("rec.jfr");
    String[] childUid = new String[1];
    String[] cid = new String[1];
    try (Recording rec = new Recording()) {
      for (String e : List.of("ActorSpawned", "ActorExited", "ContextOpened", "ContextClosed",
          "CancelRequested", "CancelAcknowledged", "RemoteErrorReceived")) {
        rec.enable("jtractor." + e);
      }
      rec.start();
      try (Root root = Jtractor.openRoot("root", Funcs.class, CtxFuncs.class)) {
        root.openNursery(an -> {
          Portal p = an.startActor("kid", Funcs.class, CtxFuncs.class);
          childUid[0] = p.uid().name() + ":" + p.uid().uuid();
          p.openContext(CtxFuncs::sleepForever, (ctx, first) -> {
            cid[0] = ctx.toString().replaceAll(".* ([0-9a-f-]{36}) .*", "$1");
            ctx.cancel();
            return null;
          });
          assertThatThrownBy(() -> p.run(Funcs::assertErr, 0L)).isInstanceOf(RemoteActorError.class);
          p.cancelActor();
        });
      }
      rec.stop();
      rec.dump(file);
    }
    Map<String, List<RecordedEvent>> byType = RecordingFile.readAllEvents(file).stream()
        .collect(Collectors.groupingBy(e -> e.getEventType().getName().replace("jtractor.", "")));

    RecordedEvent spawned = byType.get("ActorSpawned").getFirst();
    assertThat(spawned.getString("actor")).isEqualTo(childUid[0]);
    assertThat(spawned.getLong("pid")).isPositive();
    assertThat(byType.get("ActorExited")).anySatisfy(e -> assertThat(e.getString("actor")).isEqualTo(childUid[0]));

    assertThat(byType.get("ContextOpened")).anySatisfy(e -> {
      assertThat(e.getString("cid")).isEqualTo(cid[0]);
      assertThat(e.getString("peer")).isEqualTo(childUid[0]);
      assertThat(e.getString("function")).isEqualTo("sleepForever");
      assertThat(e.getBoolean("callerSide")).isTrue();
    });
    assertThat(byType.get("ContextClosed")).anySatisfy(e -> {
      assertThat(e.getString("cid")).isEqualTo(cid[0]);
      assertThat(e.getString("outcome")).isEqualTo("ContextCancelled");
    });
    assertThat(byType.get("CancelRequested")).anySatisfy(e -> assertThat(e.getString("cid")).isEqualTo(cid[0]));
    assertThat(byType.get("CancelAcknowledged")).anySatisfy(e -> {
      assertThat(e.getString("cid")).isEqualTo(cid[0]);
      assertThat(e.getBoolean("acknowledged")).isTrue();
    });
    assertThat(byType.get("CancelRequested")).as("the actor's own cancel has no cid")
        .anySatisfy(e -> assertThat(e.getString("cid")).isNull());
    assertThat(byType.get("RemoteErrorReceived")).anySatisfy(e -> {
      assertThat(e.getString("peer")).isEqualTo(childUid[0]);
      assertThat(e.getString("type")).isEqualTo("AssertionError");
      assertThat(e.getString("cid")).isNotNull();
      assertThat(e.getString("actor")).startsWith("root:");
    });
  }
}
