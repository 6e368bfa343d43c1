package io.jtractor.funcs;

import io.jtractor.Emitter;
import io.jtractor.experimental.MsgPub;
import io.jtractor.sc.Sc;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** tractor's test_pubsub publishers, in Java. */
public final class PubFuncs {
  private PubFuncs() {}

  private static final MsgPub PUBBER = MsgPub.create("pubber");
  private static final MsgPub MULTILOCK = MsgPub.withTasks("multilock_pubber", Set.of("one", "two"));

  /** tractor's pubber: {'even'|'odd': i} for i cycling over range(seed), a moment apart. */
  public static void pubber(Emitter<Object> out, List<String> topics, long seed) {
    PUBBER.serve(out, topics, null, (getTopics, publish) -> {
      for (long i = 0; ; i = (i + 1) % seed) {
        publish.publish(Map.of(i % 2 == 0 ? "even" : "odd", i));
        Sc.sleep(Duration.ofMillis(5));
      }
    });
  }

  /** tractor's multilock_pubber: tasks 'one' and 'two', publishes {'doggy': 10} once. */
  public static void multilockPubber(Emitter<Object> out, List<String> topics, String task_name) {
    MULTILOCK.serve(out, topics, task_name, (getTopics, publish) -> publish.publish(Map.of("doggy", 10L)));
  }

  /** What {@code pubber}'s get_topics returns now. */
  public static Set<String> pubberTopics() {
    return PUBBER.topics(null);
  }

  /** How many feeds {@code pubber} started so far. */
  public static int pubberFeeds() {
    return PUBBER.feedsStarted(null);
  }
}
