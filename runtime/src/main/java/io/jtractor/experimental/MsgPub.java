package io.jtractor.experimental;

import io.jtractor.Emitter;
import io.jtractor.errors.ConnectionLost;
import io.jtractor.errors.RemoteActorError;
import io.jtractor.errors.TypeError;
import io.jtractor.runtime.Log;
import io.jtractor.sc.BrokenResourceError;
import io.jtractor.sc.CapacityLimiter;
import io.jtractor.sc.ClosedResourceError;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A publisher that many callers subscribe to by topic, served by a bounded set of feeder tasks:
 * tractor's experimental {@code msgpub}. The feed publishes {@code {topic: value}} maps; each
 * subscriber receives, as items of its stream, the {@code {topic: value}} entries of the topics it
 * subscribed to. One feeder runs per task name, however many subscribe; it ends when no
 * subscriber is left.
 *
 * <p>The Java shape: a streaming function (an {@link Emitter} first parameter, so callers use
 * {@code openStreamFrom}, a Python caller's {@code open_stream_from} included) that takes {@code
 * topics} (and {@code task_name}, if the publisher declares tasks) and hands over to {@link
 * #serve} with the feed to run:
 *
 * <pre>{@code
 * static final MsgPub PUB = MsgPub.withTasks("quotes", Set.of("one", "two"));
 *
 * public static void quotes(Emitter<Object> out, List<String> topics, String task_name, long seed) {
 *   PUB.serve(out, topics, task_name, (getTopics, publish) -> {
 *     for (long i = seed; ; i++) {
 *       publish.publish(Map.of(i % 2 == 0 ? "even" : "odd", i));
 *       Sc.sleep(Duration.ofMillis(100));
 *     }
 *   });
 * }
 * }</pre>
 *
 * <p>Semantics kept (spec §2.17): each call registers its topics, then waits for its task name's
 * lock (first come, first served); whoever holds it runs the feed, fanning what it publishes out
 * to every subscriber of that task name, the others included, until no subscriber is left (or the
 * feed ends, or its task is cancelled, when the next waiting subscriber starts a new feed); a
 * subscriber whose stream fails is dropped; a call leaving removes its subscriptions; {@code
 * getTopics} returns the topics subscribed now. Refused as in tractor, with {@link TypeError}: a
 * missing {@code topics}, and a task name not among the declared ones. Where we deviate: the
 * decorator's checks ({@code get_topics} parameter, async generator) are the compiler's; the
 * default task name (no tasks declared, none given) is the publisher's name, so every subscriber
 * shares one feeder (tractor names it after the calling task).
 *
 * <p>Threads: any; a task name's subscriptions are guarded by its feeder.
 */
public final class MsgPub {
  private static final Logger LOG = LoggerFactory.getLogger(MsgPub.class);

  /** The feed: publishes {@code {topic: value}} maps; {@code getTopics} tells what is subscribed now. */
  @FunctionalInterface
  public interface Feed {
    void run(Supplier<Set<String>> getTopics, Publish publish) throws Exception;
  }

  /** Where a feed publishes. */
  @FunctionalInterface
  public interface Publish {
    /**
     * Fans {@code topicsToValues} out to the subscribers of each topic (a checkpoint: it waits for
     * a slow subscriber's credit). Once nobody is subscribed any more, the feed is stopped from
     * here.
     */
    void publish(Map<String, ?> topicsToValues);
  }

  private final String name;
  private final Set<String> tasks;
  private final ConcurrentHashMap<String, Feeder> feeders = new ConcurrentHashMap<>();

  private MsgPub(String name, Set<String> tasks) {
    this.name = Objects.requireNonNull(name, "name");
    this.tasks = Set.copyOf(tasks);
  }

  /** A publisher with one feeder for every subscriber (tractor's {@code @msgpub}). */
  public static MsgPub create(String name) {
    return new MsgPub(name, Set.of());
  }

  /** A publisher with one feeder per declared task name (tractor's {@code @msgpub(tasks={...})}). */
  public static MsgPub withTasks(String name, Set<String> tasks) {
    if (tasks.isEmpty()) throw new IllegalArgumentException("declare at least one task name");
    return new MsgPub(name, tasks);
  }

  /** {@link #serve(Emitter, Collection, String, Feed, BiFunction)} with {@code {topic: value}} packets. */
  public void serve(Emitter<?> out, Collection<String> topics, String taskName, Feed feed) {
    serve(out, topics, taskName, feed, null);
  }

  /**
   * Serves one subscriber until its stream ends: subscribes {@code out} to {@code topics} under
   * {@code taskName}, runs the feed while this call holds the task's lock, and unsubscribes on
   * the way out. Returns when the feed this call ran ends (the call's stream then ends).
   *
   * @param taskName the feeder to share; null if the publisher declares no tasks
   * @param packetizer makes each packet from a topic and a value, for the subscribers fed while
   *     this call runs the feed; null for {@code {topic: value}}
   * @throws TypeError if {@code topics} is null, or {@code taskName} is not a declared task name
   */
  public void serve(Emitter<?> out, Collection<String> topics, String taskName, Feed feed, BiFunction<String, Object, ?> packetizer) {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(feed, "feed");
    if (topics == null) throw new TypeError(name + "() missing 1 required argument: 'topics'");
    if (!tasks.isEmpty() && (taskName == null || !tasks.contains(taskName))) {
      throw new TypeError(name + " must be called with a `task_name` named argument with a value from " + new TreeSet<>(tasks));
    }
    String task = taskName != null ? taskName : name;
    Feeder feeder = feeders.computeIfAbsent(task, k -> new Feeder());
    @SuppressWarnings("unchecked")
    Subscriber me = new Subscriber((Emitter<Object>) out);
    feeder.subscribe(me, topics);
    try (CapacityLimiter.Token held = feeder.lock.hold()) {
      Log.RUNTIME.debug("starting a feeder for " + name + " task " + task);
      feeder.starts++;
      feeder.run(feed, packetizer);
    } finally {
      feeder.unsubscribe(me);
    }
  }

  /** The topics subscribed now under {@code taskName} (null: the default task). */
  public Set<String> topics(String taskName) {
    Feeder f = feeders.get(taskName != null ? taskName : name);
    return f == null ? Set.of() : f.topics();
  }

  /** How many feeds were started under {@code taskName} so far (for tests). */
  public int feedsStarted(String taskName) {
    Feeder f = feeders.get(taskName != null ? taskName : name);
    return f == null ? 0 : f.starts;
  }

  /** One subscriber: its stream. Compared by identity. */
  private static final class Subscriber {
    final Emitter<Object> out;

    Subscriber(Emitter<Object> out) {
      this.out = out;
    }
  }

  /** Thrown through the feed when nobody is subscribed any more: the feed ends. */
  private static final class NoSubscribers extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NoSubscribers() {
      super("no subscribers left", null, false, false);
    }
  }

  /** One task name's feeder: its FIFO lock and its subscriptions (guarded by this). */
  private final class Feeder {
    final CapacityLimiter lock = new CapacityLimiter(1);
    private final Map<String, List<Subscriber>> byTopic = new LinkedHashMap<>();
    volatile int starts;

    synchronized void subscribe(Subscriber s, Collection<String> topics) {
      for (String t : new LinkedHashSet<>(topics)) byTopic.computeIfAbsent(t, k -> new ArrayList<>()).add(s);
    }

    synchronized void unsubscribe(Subscriber s) {
      byTopic.values().forEach(list -> list.remove(s));
      byTopic.values().removeIf(List::isEmpty);
    }

    synchronized Set<String> topics() {
      return Set.copyOf(byTopic.keySet());
    }

    private synchronized List<Subscriber> subscribersOf(String topic) {
      List<Subscriber> l = byTopic.get(topic);
      return l == null ? List.of() : List.copyOf(l);
    }

    void run(Feed feed, BiFunction<String, Object, ?> packetizer) throws RuntimeException {
      try {
        feed.run(this::topics, published -> fanOut(published, packetizer));
      } catch (NoSubscribers none) {
        Log.RUNTIME.debug("no subscribers left for " + name + ": its feed ends");
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    }

    private void fanOut(Map<String, ?> published, BiFunction<String, Object, ?> packetizer) {
      for (Map.Entry<String, ?> e : published.entrySet()) {
        Object packet;
        if (packetizer != null) {
          packet = packetizer.apply(e.getKey(), e.getValue());
        } else {
          Map<String, Object> m = new LinkedHashMap<>(1);
          m.put(e.getKey(), e.getValue());
          packet = m;
        }
        for (Subscriber s : subscribersOf(e.getKey())) {
          try {
            s.out.emit(packet);
          } catch (ConnectionLost | RemoteActorError | ClosedResourceError | BrokenResourceError gone) {
            LOG.warn("a subscriber of " + name + " went away: " + gone.getMessage());
            unsubscribe(s);
          }
        }
      }
      if (topics().isEmpty()) throw new NoSubscribers();
    }
  }

  @Override
  public String toString() {
    return "MsgPub[" + name + (tasks.isEmpty() ? "" : ", tasks " + new TreeSet<>(tasks)) + "]";
  }
}
