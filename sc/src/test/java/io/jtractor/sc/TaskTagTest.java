package io.jtractor.sc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("task tags")
@Timeout(10)
class TaskTagTest {

  @Test
  void aThreadOutsideAnyTaskHasNoTag() throws Exception {
    AtomicReference<Object> seen = new AtomicReference<>("unset");
    Thread t = Thread.ofVirtual().start(() -> seen.set(Sc.taskTag()));
    t.join();
    assertThat(seen.get()).isNull();
  }

  @Test
  void tasksTakeTheTagTheirNurserysOwnerHadWhenItOpened() {
    List<Object> trail = new CopyOnWriteArrayList<>();
    Nursery.run(outer -> outer.startSoon(() -> {
      Sc.setTaskTag("actor-a");
      Nursery.run(n -> {
        Sc.setTaskTag("changed later"); // a nursery keeps the tag it opened with
        n.startSoon(() -> {
          trail.add(Sc.taskTag());
          Nursery.run(inner -> inner.startSoon(() -> trail.add(Sc.taskTag()))); // and passes it down
        });
      });
    }));
    assertThat(trail).containsExactly("actor-a", "actor-a");
  }

  @Test
  void aTaskStartedFromAnotherThreadStillTakesTheNurserysTag() throws Exception {
    AtomicReference<Object> seen = new AtomicReference<>();
    Nursery.run(n -> {
      Sc.setTaskTag(null);
      Nursery.run(tagged -> {
        // opened untagged; started from a thread that carries another tag
        Thread stranger = Thread.ofVirtual().start(() -> {
          Sc.setTaskTag("stranger");
          tagged.startSoon(() -> seen.set(Sc.taskTag()));
        });
        stranger.join();
      });
    });
    assertThat(seen.get()).isNull();
  }
}
