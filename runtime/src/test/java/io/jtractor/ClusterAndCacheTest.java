package io.jtractor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jtractor.funcs.CtxFuncs;
import io.jtractor.sc.BroadcastReceiver;
import io.jtractor.sc.Nursery;
import io.jtractor.sc.Scoped;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Clusters, gathered contexts and the shared-resource cache (test_clustering, test_resource_cache). */
@DisplayName("actor clusters and shared resources")
class ClusterAndCacheTest extends SharedRootTest {

  @Test
  void aClusterNamesItsWorkersAfterTheRootAndIsCancelledWhenTheBodyEnds() {
    List<String> names = Jtractor.openActorCluster(2, List.of(CtxFuncs.class), portals -> {
      for (Portal p : portals.values()) assertThat(p.isConnected()).isTrue();
      return new ArrayList<>(portals.keySet());
    });
    assertThat(names).containsExactly("root.worker_0", "root.worker_1");
  }

  @Test
  void aClusterRefusesAWrongNumberOfNames() {
    assertThatThrownBy(() -> Jtractor.openActorCluster(3, List.of("a", "b"), false, List.of(), p -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("count is 3 but 2 names");
    assertThatThrownBy(() -> Jtractor.openActorCluster(0, List.of(), p -> null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void gatheringNoContextsIsAnErrorAndTheClusterIsStillTornDown() {
    // tractor's test_empty_mngrs_input_raises.
    assertThatThrownBy(() -> Jtractor.openActorCluster(2, List.of(CtxFuncs.class), portals ->
            Jtractor.gatherContexts(List.<Scoped<Context>>of(), ctxs -> null)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void streamingToEveryWorkerOfAClusterThroughGatheredContextsAndStreams() {
    // tractor's test_streaming_to_actor_cluster (failing in tractor: backpressure kwarg).
    int perWorker = 500;
    List<Long> counts = Jtractor.openActorCluster(2, List.of(CtxFuncs.class), portals -> {
      List<Scoped<Context>> contexts = new ArrayList<>();
      for (Portal p : portals.values()) contexts.add(p.context(CtxFuncs::clusterWorker));
      return Jtractor.gatherContexts(contexts, ctxs -> {
        List<Scoped<MsgStream>> streams = new ArrayList<>();
        for (Context c : ctxs) streams.add(c.stream());
        Jtractor.gatherContexts(streams, ss -> {
          for (int i = 0; i < perWorker * ss.size(); i++) ss.get(i % ss.size()).send(CtxFuncs.MESSAGE);
          return null;
        });
        List<Long> out = new ArrayList<>();
        for (Context c : ctxs) out.add(c.<Long>result());
        return out;
      });
    });
    assertThat(counts).containsExactly((long) perWorker, (long) perWorker);
  }

  @Test
  void tenLocalTasksShareOneRemoteStreamOpenedOnce() {
    // tractor's test_open_local_sub_to_stream: one daemon, one context, one stream; every task
    // reads it through its own broadcast subscription.
    List<Boolean> hits = Collections.synchronizedList(new ArrayList<>());
    List<List<Long>> seen = Collections.synchronizedList(new ArrayList<>());
    Scoped<MsgStream> feed = body -> Jtractor.openNursery(an -> {
      Portal p = an.startActor("streamer", CtxFuncs.class);
      p.openContext(CtxFuncs::streamer, 1000L, 1L, (ctx, first) -> {
        try (MsgStream s = ctx.openStream()) {
          body.run(s);
        }
        ctx.cancel();
        return null;
      });
      an.cancel();
    });
    Nursery.run(n -> {
      for (int i = 0; i < 10; i++) {
        n.startSoon(() -> Jtractor.maybeOpenContext("streamer", feed, cached -> {
          hits.add(cached.hit());
          List<Long> mine = new ArrayList<>();
          try (BroadcastReceiver<Object> sub = cached.value().subscribe()) {
            while (mine.size() < 20) mine.add((Long) sub.receive());
          }
          seen.add(mine);
          return null;
        }));
      }
    });
    assertThat(hits).hasSize(10).containsOnlyOnce(false);
    for (List<Long> s : seen) {
      assertThat(s).hasSize(20).isSorted().doesNotHaveDuplicates(); // a consecutive window of the feed
      assertThat(s.get(19) - s.get(0)).isEqualTo(19);
    }
    assertThat(root.actor().resourceCache().size()).isZero();
  }

  @Test
  void portalsOfAClusterAreKeyedByFullName() {
    Map<String, String> uids = Jtractor.openActorCluster(1, List.of("solo"), true, List.of(CtxFuncs.class), portals -> {
      Map<String, String> m = new java.util.LinkedHashMap<>();
      portals.forEach((k, v) -> m.put(k, v.uid().name()));
      return m;
    });
    assertThat(uids).containsExactly(Map.entry("root.solo", "root.solo"));
  }
}
