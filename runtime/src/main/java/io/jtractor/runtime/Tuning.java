package io.jtractor.runtime;

import io.jtractor.config.SpawnOptions;
import java.time.Duration;
import java.util.List;

/**
 * The runtime's tuning knobs in one place: spins, inline thresholds, waits and pauses. Each value
 * is a trade-off measured on this project's machines (docs/design.md, "Measurements behind the
 * connection's design"); none changes what the runtime does, only how fast or how patiently.
 *
 * <p>A connection reads {@link #current()} once, when it is made, and keeps the values in final
 * fields: the hot path pays no lookup. Tests shorten waits with {@link #override}, for what they
 * start afterwards.
 *
 * <p>Threads: {@link #current} is a volatile read; {@link #override} is for tests, one at a time.
 *
 * @param answerSpinWithinNanos callers of plain calls on platform threads spin while waiting for
 *     the answer if calls on their connection lately came back within this long, for at most this
 *     long: the message loop then hands the answer over without waking the caller's thread
 * @param inlineIfShorterThanNanos plain calls are run by the reader itself while calls on their
 *     connection have lately taken less than this; a short call then costs no thread wake-up
 * @param platformReaders up to this many of a socket connection's readers run on platform threads
 *     (the kernel wakes them directly); more are virtual, as are all of an in-memory link's
 * @param burstGapNanos stream items sent closer together than this are a burst and go through the
 *     connection's write-behind queue; a lone item is written at once
 * @param cancelWait how long a cancelled task is waited for before its cancel is answered anyway,
 *     or teardown goes on without it (tractor's budget is 3 s)
 * @param contextCancelTimeout how long a context's cancel request waits for the peer's answer
 *     (tractor's 0.5 s)
 * @param refillPause how long a warm pool's refill waits while the pool still has an idle JVM (a
 *     JVM's start-up, started at once, competes with the spawn that took from the pool); an empty
 *     pool is refilled at once
 * @param streamLanes when the two sides of a context on an in-memory connection hand each other
 *     stream items directly, task to task ({@link ContextLane})
 * @param sleepReads whether a call that a platform reader runs keeps the connection's reading and
 *     reads it while it sleeps (see {@code ReaderRelay.SleepReading}); {@value #SLEEP_READS_PROPERTY}
 *     {@code =false} turns it off
 */
public record Tuning(
    long answerSpinWithinNanos,
    long inlineIfShorterThanNanos,
    int platformReaders,
    long burstGapNanos,
    Duration cancelWait,
    Duration contextCancelTimeout,
    Duration refillPause,
    StreamLanes streamLanes,
    boolean sleepReads) {

  /**
   * When a stream item on an in-memory connection goes straight from the sending task to the
   * receiving side ({@link ContextLane}) instead of through the connection's writer task and the
   * peer's message loop.
   */
  public enum StreamLanes {
    /**
     * Never: every item goes through the connection, whose writer task hands a burst over in
     * batches. The faster way where virtual threads run on several carriers: a consumer that keeps
     * up parks after each item, and an item handed over directly wakes it on another CPU, while
     * one that lags shares the inbox's lock with the sender item by item (docs/design.md, "A lane
     * for in-process stream items").
     */
    NEVER,
    /**
     * Whenever the order allows (see {@link ContextLane}): the faster way on one carrier, where a
     * wake-up only queues a task behind the running one and a writer task is one more turn.
     */
    ALWAYS;

    /**
     * The default: {@value #PROPERTY} if set ({@code never} or {@code always}), else {@link
     * #ALWAYS} where virtual threads run on one carrier and {@link #NEVER} where they run on
     * several.
     */
    public static StreamLanes byDefault() {
      String p = System.getProperty(PROPERTY, "").strip();
      if (p.isEmpty() || p.equalsIgnoreCase("auto")) return ONE_CARRIER ? ALWAYS : NEVER;
      for (StreamLanes l : values()) if (l.name().equalsIgnoreCase(p)) return l;
      throw new IllegalArgumentException(PROPERTY + " must be never, always or auto, not " + p);
    }

    /** The system property that chooses the default: {@code never}, {@code always} or {@code auto}. */
    public static final String PROPERTY = "jtractor.streamLanes";
  }

  /**
   * Whether this JVM runs virtual threads on one carrier thread (the JDK's scheduler has as many
   * as there are CPUs, unless {@code jdk.virtualThreadScheduler.parallelism} says otherwise).
   */
  public static final boolean ONE_CARRIER = carriers() == 1;

  /** The values the runtime ships with. */
  public static final Tuning DEFAULTS =
      new Tuning(200_000, 100_000, 4, 20_000, Duration.ofSeconds(3), Duration.ofMillis(500), Duration.ofMillis(250),
          StreamLanes.byDefault(), sleepReadsByDefault());

  /** The system property that turns sleeping reads off: {@code true} (the default) or {@code false}. */
  public static final String SLEEP_READS_PROPERTY = "jtractor.sleepReads";

  /** {@value #SLEEP_READS_PROPERTY} if set, else true. */
  private static boolean sleepReadsByDefault() {
    String p = System.getProperty(SLEEP_READS_PROPERTY, "").strip();
    if (p.isEmpty() || p.equalsIgnoreCase("true")) return true;
    if (p.equalsIgnoreCase("false")) return false;
    throw new IllegalArgumentException(SLEEP_READS_PROPERTY + " must be true or false, not " + p);
  }

  private static int carriers() {
    String p = System.getProperty("jdk.virtualThreadScheduler.parallelism");
    if (p != null) {
      try {
        return Integer.parseInt(p.trim());
      } catch (NumberFormatException ignored) {
        // the JDK falls back to the CPU count as well
      }
    }
    return Runtime.getRuntime().availableProcessors();
  }

  /** Flags for child JVMs: {@link SpawnOptions#LEAN_JVM_FLAGS}, the spawn options' default. */
  public static final List<String> LEAN_CHILD_FLAGS = SpawnOptions.LEAN_JVM_FLAGS;

  /**
   * Flags recommended for a root's JVM (a program that opens a {@code Root}): a serial collector,
   * a small initial heap, C1 only and the C heap trimmed; and native access, so that a task
   * waiting for a reply over plain TCP can wait in the kernel and be lent the reading (as children
   * are). Drop {@code -XX:TieredStopAtLevel=1} for a root that does heavy work itself.
   */
  public static final List<String> LEAN_ROOT_FLAGS =
      List.of("-XX:+UseSerialGC", "-Xms16m", "-XX:TieredStopAtLevel=1", "-XX:TrimNativeHeapInterval=2000",
          "--enable-native-access=ALL-UNNAMED");

  /** A child's defaults (how long it may take to connect back, its cancel, its exit): {@link SpawnOptions#DEFAULT}. */
  public static final Duration CHILD_CONNECT_TIMEOUT = SpawnOptions.DEFAULT.connectTimeout();
  /** See {@link #CHILD_CONNECT_TIMEOUT}. */
  public static final Duration CHILD_CANCEL_TIMEOUT = SpawnOptions.DEFAULT.cancelTimeout();
  /** See {@link #CHILD_CONNECT_TIMEOUT}. */
  public static final Duration CHILD_EXIT_GRACE = SpawnOptions.DEFAULT.exitGrace();

  /** Inbound connections that have not finished their handshake yet: at most this many at once per actor. */
  public static final int MAX_PENDING_HANDSHAKES = 64;

  private static volatile Tuning current = DEFAULTS;

  public Tuning {
    if (answerSpinWithinNanos < 0 || inlineIfShorterThanNanos < 0 || platformReaders < 0 || burstGapNanos < 0) {
      throw new IllegalArgumentException("tuning values cannot be negative: " + this);
    }
    java.util.Objects.requireNonNull(streamLanes, "streamLanes");
  }

  /** The tuning connections made from now on use. */
  public static Tuning current() {
    return current;
  }

  /**
   * For tests: makes {@code tuning} current until the returned handle is closed, which restores
   * the tuning that was current before.
   */
  public static Restore override(Tuning tuning) {
    Tuning before = current;
    current = tuning;
    return () -> current = before;
  }

  /** Restores the tuning an {@link #override} replaced. */
  @FunctionalInterface
  public interface Restore extends AutoCloseable {
    @Override
    void close();
  }

  /** This tuning with another {@link #cancelWait}. */
  public Tuning withCancelWait(Duration wait) {
    return new Tuning(answerSpinWithinNanos, inlineIfShorterThanNanos, platformReaders, burstGapNanos, wait, contextCancelTimeout, refillPause, streamLanes, sleepReads);
  }

  /** This tuning with another {@link #streamLanes}. */
  public Tuning withStreamLanes(StreamLanes lanes) {
    return new Tuning(answerSpinWithinNanos, inlineIfShorterThanNanos, platformReaders, burstGapNanos, cancelWait, contextCancelTimeout, refillPause, lanes, sleepReads);
  }
}
