package io.jtractor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jtractor.errors.RemoteActorError;
import io.jtractor.errors.TypeError;
import io.jtractor.funcs.PubFuncs;
import io.jtractor.sc.Nursery;
import io.jtractor.sc.Sc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Ported from tractor's test_pubsub: the experimental msgpub. */
@DisplayName("msgpub: topic fan-out from one feeder per task name")
class PubSubTest extends SharedRootTest {
  private static final String NS = PubFuncs.class.getName();

  @Test
  void requiredArgumentsAreRefusedAsInTractor() {
    // test_required_args
    root.openNursery(an -> {
      Portal p = an.startActor("pubber", PubFuncs.class);
      Throwable noTopics = catchThrowable(() -> p.openStreamFromNs(NS, "multilockPubber", Map.of("task_name", "one")).close());
      assertThat(noTopics).isInstanceOf(RemoteActorError.class);
      assertThat(((RemoteActorError) noTopics).type()).isEqualTo(TypeError.class);

      List<Object> got = new ArrayList<>();
      Throwable badTask = catchThrowable(() -> {
        try (MsgStream s = p.openStreamFromNs(NS, "multilockPubber", Map.of("topics", List.of("topic1"), "task_name", "three"))) {
          for (Object v : s) got.add(v);
        }
      });
      assertThat(badTask).isInstanceOf(RemoteActorError.class).hasMessageContaining("task_name");
      assertThat(((RemoteActorError) badTask).type()).isEqualTo(TypeError.class);

      try (MsgStream s = p.openStreamFromNs(NS, "multilockPubber", Map.of("topics", List.of("doggy"), "task_name", "one"))) {
        for (Object v : s) got.add(v);
      }
      assertThat(got).containsExactly(Map.of("doggy", 10L));
      p.cancelActor();
    });
  }

  @Test
  void subscribersGetTheirTopicsFromOneFeederThatEndsWithTheLast() {
    // test_multi_actor_subs_arbiter_pub[streamer], with two subscriber tasks instead of two actors
    root.openNursery(an -> {
      Portal p = an.startActor("streamer", PubFuncs.class);
      MsgStream evens = p.openStreamFromNs(NS, "pubber", Map.of("topics", List.of("even"), "seed", 10));
      MsgStream odds = p.openStreamFromNs(NS, "pubber", Map.of("topics", List.of("odd"), "seed", 10));
      Nursery.run(n -> {
        n.startSoon(() -> expectParity(evens, 0));
        n.startSoon(() -> expectParity(odds, 1));
      });
      awaitTopics(p, Set.of("even", "odd"));
      assertThat(p.run(PubFuncs::pubberFeeds)).as("one feeder for both").isEqualTo(1);
      evens.close();
      awaitTopics(p, Set.of("odd"));
      expectParity(odds, 1); // the odd subscriber is still fed
      odds.close();
      awaitTopics(p, Set.of());
      p.cancelActor();
    });
  }

  @Test
  void severalLocalTasksSubscribeAndOneLeavesEarly() {
    // test_single_subactor_pub_multitask_subs
    root.openNursery(an -> {
      Portal p = an.startActor("streamer", PubFuncs.class);
      Nursery.run(n -> {
        for (int i = 0; i < 3; i++) {
          int which = i;
          n.startSoon(() -> {
            try (MsgStream s = p.openStreamFromNs(NS, "pubber", Map.of("topics", List.of("even"), "seed", 10))) {
              if (which == 0) {
                s.receive(); // leaves early
                return;
              }
              expectParity(s, 0);
            }
          });
        }
      });
      awaitTopics(p, Set.of());
      p.cancelActor();
    });
  }

  private static void expectParity(MsgStream s, long parity) {
    for (int i = 0; i < 10; i++) {
      @SuppressWarnings("unchecked")
      Map<String, Object> pkt = (Map<String, Object>) s.receive();
      assertThat(pkt).hasSize(1);
      long v = (Long) pkt.values().iterator().next();
      assertThat(v % 2).isEqualTo(parity);
      assertThat(pkt).containsKey(parity == 0 ? "even" : "odd");
    }
  }

  private static void awaitTopics(Portal p, Set<String> expected) {
    Sc.failAfter(Duration.ofSeconds(10), s -> {
      while (!p.run(PubFuncs::pubberTopics).equals(expected)) Sc.sleep(Duration.ofMillis(10));
    });
  }
}
