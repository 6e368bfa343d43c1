package io.jtractor.sc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * gather, the resource cache and maybeOpen (tractor's trionics: gather_contexts,
 * maybe_open_context, maybe_open_nursery; test_clustering and test_resource_cache).
 */
@DisplayName("scoped resources: gather, cache, maybe-open nursery")
class ScopedResourcesTest {
  private final List<String> trail = new CopyOnWriteArrayList<>();

  /** A resource that logs its life and opens after {@code delayMs}. */
  private Scoped<String> logged(String name, long delayMs) {
    return logged(name, () -> Sc.sleep(Duration.ofMillis(delayMs)), null);
  }

  /** A resource that logs its life, opens once {@code before} returns, then sets {@code opened}. */
  private Scoped<String> logged(String name, Task before, Event opened) {
    return body -> {
      before.run();
      trail.add("open " + name);
      if (opened != null) opened.set();
      try {
        body.run(name);
      } finally {
        trail.add("close " + name);
      }
    };
  }

  @Test
  void gatherOpensAllConcurrentlyHandsValuesInInputOrderAndClosesAllAfterTheBody() {
    // b opens at once, c once b is open, a once c is open: done one after another in input
    // order, a would wait forever (failAfter turns that into a failure).
    Event bOpen = new Event();
    Event cOpen = new Event();
    List<String> got = new ArrayList<>();
    Sc.failAfter(Duration.ofSeconds(10), s -> got.addAll(Scopes.gather(
        List.of(logged("a", cOpen::await, null), logged("b", () -> {}, bOpen), logged("c", bOpen::await, cOpen)),
        values -> {
          trail.add("body");
          return values;
        })));
    assertThat(got).containsExactly("a", "b", "c");
    // Opened concurrently: in order of their delays, not one after the other in input order.
    assertThat(trail.subList(0, 4)).containsExactly("open b", "open c", "open a", "body");
    assertThat(trail.subList(4, 7)).containsExactlyInAnyOrder("close a", "close b", "close c");
  }

  @Test
  void gatherOfNothingIsAnError() {
    assertThatThrownBy(() -> Scopes.gather(List.<Scoped<String>>of(), v -> v))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aResourceThatFailsToOpenCancelsTheOthersAndTheBodyNeverRuns() {
    Event aOpen = new Event();
    Scoped<String> failing = body -> {
      aOpen.await();
      throw new IllegalStateException("no such resource");
    };
    assertThatThrownBy(() -> Scopes.gather(List.of(logged("a", () -> {}, aOpen), failing, logged("slow", 5_000)), v -> trail.add("body")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no such resource");
    assertThat(trail).containsExactly("open a", "close a");
  }

  @Test
  void aNullValueIsFineAndAResourceThatNeverProvidesOneIsAnErrorNotAHang() {
    List<Object> values = Scopes.gather(List.<Scoped<Object>>of(b -> b.run(null)), v -> v);
    assertThat(values).containsExactly((Object) null);
    assertThatThrownBy(() -> Scopes.gather(List.<Scoped<Object>>of(b -> {}), v -> v))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("without providing a value");
  }

  @Test
  void tenTasksShareOneResourceOpenedOnceAndClosedWithTheLastUser() {
    // tractor's test_resource_only_entered_once.
    AtomicInteger opened = new AtomicInteger();
    Scoped<Integer> counter = body -> {
      int n = opened.incrementAndGet();
      trail.add("open");
      try {
        body.run(n);
      } finally {
        trail.add("close");
      }
    };
    List<Boolean> hits = Collections.synchronizedList(new ArrayList<>());
    List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger inside = new AtomicInteger();
    Event allInside = new Event();
    Nursery.run(host -> {
      ResourceCache cache = new ResourceCache(host);
      Nursery.run(users -> {
        for (int i = 0; i < 10; i++) {
          users.startSoon(() -> cache.maybeOpen("key", counter, c -> {
            hits.add(c.hit());
            seen.add(c.value());
            if (inside.incrementAndGet() == 10) allInside.set();
            allInside.await(); // all ten use it at once
            return null;
          }));
        }
      });
      assertThat(trail).containsExactly("open", "close"); // closed by the last user, before it returned
      assertThat(cache.size()).isZero();
    });
    assertThat(opened).hasValue(1);
    assertThat(seen).hasSize(10).containsOnly(1);
    assertThat(hits).containsOnlyOnce(false).hasSize(10);
  }

  @Test
  void usersAreCountedPerKeySoOneKeysResourceClosesWhileAnotherIsStillInUse() {
    Nursery.run(host -> {
      ResourceCache cache = new ResourceCache(host);
      Event aDone = new Event();
      Nursery.run(users -> {
        users.startSoon(() -> cache.maybeOpen("b", logged("b", 0), c -> {
          aDone.await();
          trail.add("b still in use");
          return null;
        }));
        users.startSoon(() -> {
          cache.maybeOpen("a", logged("a", 0), c -> null);
          aDone.set();
        });
      });
    });
    assertThat(trail.indexOf("close a")).isLessThan(trail.indexOf("b still in use"));
  }

  @Test
  void aFailureToOpenReachesTheUserAndIsNotCached() {
    AtomicInteger attempts = new AtomicInteger();
    Scoped<String> flaky = body -> {
      if (attempts.incrementAndGet() == 1) throw new IllegalStateException("first try fails");
      body.run("ok");
    };
    Nursery.run(host -> {
      ResourceCache cache = new ResourceCache(host);
      assertThatThrownBy(() -> cache.maybeOpen("k", flaky, c -> c.value()))
          .isInstanceOf(IllegalStateException.class)
          .hasRootCauseMessage("first try fails");
      assertThat(cache.<String, String>maybeOpen("k", flaky, c -> c.value())).isEqualTo("ok");
    });
  }

  @Test
  void whenTheOnlyUserIsCancelledWhileTheResourceOpensTheOpeningIsCancelledToo() {
    Scoped<String> slowToOpen = body -> {
      try {
        Sc.sleep(Duration.ofSeconds(30));
        body.run("never");
      } finally {
        trail.add("opening abandoned");
      }
    };
    Nursery.run(host -> {
      ResourceCache cache = new ResourceCache(host);
      Sc.moveOnAfter(Duration.ofMillis(50), s -> cache.maybeOpen("k", slowToOpen, c -> trail.add("used")));
      assertThat(trail).containsExactly("opening abandoned"); // not 30 s later, and never used
      assertThat(cache.size()).isZero();
    });
  }

  @Test
  void maybeOpenUsesTheNurseryItIsGivenOrOpensItsOwn() {
    Nursery.run(outer -> {
      Nursery.maybeOpen(outer, n -> assertThat(n).isSameAs(outer));
      Nursery.maybeOpen(null, n -> {
        assertThat(n).isNotSameAs(outer);
        n.startSoon(() -> {
          Sc.sleep(Duration.ofMillis(30));
          trail.add("child done");
        });
      });
      assertThat(trail).containsExactly("child done"); // its own nursery waited for its task
    });
  }
}
