package io.jtractor.funcs;

import io.jtractor.Context;
import io.jtractor.Jtractor;
import io.jtractor.MsgStream;
import io.jtractor.ToForeign;
import io.jtractor.sc.BroadcastReceiver;
import io.jtractor.sc.EndOfChannel;
import io.jtractor.sc.Nursery;
import io.jtractor.sc.Sc;
import io.jtractor.sc.foreign.FromSc;
import io.jtractor.sc.foreign.ToSc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the infected-actor tests run in child actors: Java versions of tractor's
 * test_infected_asyncio helpers, plus exposed functions that return foreign async work.
 */
public final class AioFuncs {
  private AioFuncs() {}

  // ---- foreign (asyncio-side) work ----

  /** tractor's sleep_and_err: after a moment on the loop, {@code assert 0}. */
  static CompletionStage<Object> sleepAndErr(Executor loop) {
    return sleepAndErr(loop, 100);
  }

  static CompletionStage<Object> sleepAndErr(Executor loop, long millis) {
    return CompletableFuture.supplyAsync(() -> {
      throw new AssertionError("assert 0");
    }, CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS, loop));
  }

  /** tractor's sleep_forever. */
  static CompletionStage<Object> sleepForever() {
    return new CompletableFuture<>();
  }

  /** tractor's aio_cancel: cancels itself after a moment. */
  static CompletionStage<Object> aioCancel(Executor loop) {
    CompletableFuture<Object> self = new CompletableFuture<>();
    CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS, loop).execute(() -> self.cancel(true));
    return self;
  }

  // ---- SC (trio-side) functions ----

  public static boolean isInfected() {
    return Jtractor.isInfected();
  }

  /** tractor's asyncio_actor: runs a foreign target and checks the type of what it raised. */
  public static void asyncioActor(String target, String expectErr) throws Exception {
    if (!Jtractor.isInfected()) throw new AssertionError("not infected");
    Executor loop = ToForeign.loop();
    try {
      ToForeign.runTask(() -> switch (target) {
        case "sleepAndErr" -> sleepAndErr(loop);
        case "sleepForever" -> sleepForever();
        case "aioCancel" -> aioCancel(loop);
        default -> throw new IllegalArgumentException(target);
      });
    } catch (Throwable t) {
      if (!t.getClass().getSimpleName().equals(expectErr)) throw new AssertionError("expected " + expectErr + ", got " + t, t);
      throw t;
    }
  }

  /** tractor's trio_cancels_single_aio_task: a deadline around a foreign task that never ends. */
  public static boolean trioCancelsSingleAioTask() {
    return Sc.moveOnAfter(Duration.ofMillis(200), s -> ToForeign.runTask(AioFuncs::sleepForever)).cancelledCaught();
  }

  /** Runs {@code ToForeign.runTask} where there is no loop: refused. */
  public static void runTaskWithoutALoop() {
    ToForeign.runTask(() -> CompletableFuture.completedFuture(1));
  }

  /**
   * tractor's trio_ctx: a linked task that errors after {@code errAfterMs} and a sleeping foreign
   * task, under a nursery.
   */
  public static void trioCtx(Context ctx, long errAfterMs) throws Exception {
    ctx.started("start");
    Executor loop = ToForeign.loop();
    Sc.failAfter(Duration.ofSeconds(20), s -> ToForeign.openChannelFrom((ToSc<Object> toSc, FromSc<Object> fromSc) -> {
      toSc.offer("start");
      return sleepAndErr(loop, errAfterMs);
    }, (chan, first) -> {
      if (!"start".equals(first)) throw new AssertionError(first);
      Nursery.run(n -> {
        n.startSoon(() -> ToForeign.runTask(AioFuncs::sleepForever));
        Sc.sleepForever();
      });
      return null;
    }));
  }

  /** tractor's push_from_aio_task: true, then 0..99, one per loop turn; fails at 50 if asked. */
  static CompletionStage<Void> pushFromAioTask(ToSc<Object> toSc, FromSc<Object> fromSc, boolean expectCancel, boolean failEarly,
      List<String> trail) {
    fromSc.cancelled().thenRun(() -> trail.add("aio task cancelled"));
    toSc.offer(true);
    CompletionStage<Void> pushed = push(toSc, ToForeign.loop(), 0, failEarly);
    // tractor's task is still sleeping between items when the trio side leaves; here, once done,
    // one that expects to be cancelled waits for it.
    return expectCancel ? pushed.thenCompose(v -> fromSc.cancelled()) : pushed;
  }

  private static CompletionStage<Void> push(ToSc<Object> toSc, Executor loop, int i, boolean failEarly) {
    if (i == 100) return CompletableFuture.completedFuture(null);
    return toSc.send(i).thenComposeAsync(v -> {
      if (i == 50 && failEarly) throw new IllegalStateException("aio side failed at 50");
      return push(toSc, loop, i + 1, failEarly);
    }, loop);
  }

  /**
   * tractor's stream_from_aio: consumes the pushed sequence; {@code mode} is one of {@code plain},
   * {@code fanOut}, {@code exitEarly}, {@code raiseErr}, {@code aioRaiseErr}.
   */
  public static List<Long> streamFromAio(String mode) throws Exception {
    boolean exitEarly = mode.equals("exitEarly");
    boolean raiseErr = mode.equals("raiseErr");
    boolean aioRaiseErr = mode.equals("aioRaiseErr");
    boolean fanOut = mode.equals("fanOut");
    List<Long> pulled = Collections.synchronizedList(new ArrayList<>());
    List<String> trail = Collections.synchronizedList(new ArrayList<>());
    ToForeign.openChannelFrom(
        (ToSc<Object> toSc, FromSc<Object> fromSc) -> pushFromAioTask(toSc, fromSc, raiseErr || exitEarly, aioRaiseErr, trail),
        (chan, first) -> {
          if (!Boolean.TRUE.equals(first)) throw new AssertionError(first);
          if (fanOut) {
            try (BroadcastReceiver<Object> br = chan.subscribe()) {
              Nursery.run(n -> {
                n.startSoon(() -> consume(br, pulled, raiseErr, exitEarly));
                consume(chan, pulled, raiseErr, exitEarly);
              });
            }
          } else {
            consume(chan, pulled, raiseErr, exitEarly);
          }
          return null;
        });
    if ((raiseErr || exitEarly) && !trail.contains("aio task cancelled")) throw new AssertionError("the aio task was not cancelled");
    return List.copyOf(pulled);
  }

  private static void consume(Iterable<Object> chan, List<Long> pulled, boolean raiseErr, boolean exitEarly) {
    for (Object v : chan) {
      long value = ((Number) v).longValue();
      pulled.add(value);
      if (value == 50) {
        if (raiseErr) throw new RuntimeException("trio side failed at 50");
        if (exitEarly) break;
      }
    }
  }

  /** tractor's trio_to_aio_echo_server: a context bridging a stream to a foreign echo task. */
  public static void trioToAioEchoServer(Context ctx) throws Exception {
    ToForeign.openChannelFrom(AioFuncs::aioEchoServer, (chan, first) -> {
      if (!"start".equals(first)) throw new AssertionError(first);
      ctx.started(first);
      try (MsgStream stream = ctx.openStream()) {
        for (Object msg : stream) {
          chan.send(msg);
          Object out = chan.receive();
          stream.send(out);
          if (out == null) {
            try {
              chan.receive();
            } catch (EndOfChannel expected) {
              break;
            }
            throw new AssertionError("aio channel never stopped?");
          }
        }
      }
      return null;
    });
  }

  /** tractor's aio_echo_server: "start", then echoes until the null sentinel. */
  static CompletionStage<Void> aioEchoServer(ToSc<Object> toSc, FromSc<Object> fromSc) {
    toSc.offer("start");
    return echo(toSc, fromSc);
  }

  private static CompletionStage<Void> echo(ToSc<Object> toSc, FromSc<Object> fromSc) {
    return fromSc.receive().thenCompose(msg -> {
      toSc.offer(msg);
      return msg == null ? CompletableFuture.completedFuture(null) : echo(toSc, fromSc);
    });
  }

  // ---- exposed functions returning foreign work ----

  private static final AtomicInteger CANCELLED = new AtomicInteger();

  /** Doubles {@code n} on the loop; the value names the thread it was computed on. */
  /**
   * The name of the actor the loop's work sees as current, when the loop's thread is started by a
   * plain thread that inherited no binding (its first submission comes from there).
   */
  public static String loopActorFirstUsedFromAnUnboundThread() throws InterruptedException {
    Executor loop = ToForeign.loop();
    String[] seen = new String[1];
    Thread t = Thread.ofPlatform().inheritInheritableThreadLocals(false).start(
        () -> seen[0] = CompletableFuture.supplyAsync(() -> Jtractor.currentActor().name(), loop).join());
    t.join();
    return seen[0];
  }

  public static CompletionStage<String> doubleLater(long n) {
    String caller = Thread.currentThread().getName();
    return CompletableFuture.supplyAsync(() -> (2 * n) + " from " + caller, ToForeign.loop());
  }

  /** Fails on the loop with a foreign error. */
  public static CompletableFuture<Object> failLater() {
    return CompletableFuture.supplyAsync(() -> {
      throw new AssertionError("assert 0 on the loop");
    }, ToForeign.loop());
  }

  /** Never completes; counts its cancellations. */
  public static CompletionStage<Object> neverCompletes() {
    CompletableFuture<Object> f = new CompletableFuture<>();
    f.whenComplete((v, e) -> CANCELLED.incrementAndGet());
    return f;
  }

  /** How many futures of {@link #neverCompletes} and publishers of {@link #ticker} were cancelled. */
  public static int cancelledCount() {
    return CANCELLED.get();
  }

  /** Publishes {@code 0..n-1} from the loop, as demand allows. */
  public static Flow.Publisher<Long> counter(long n) {
    return new LoopRange(ToForeign.loop(), n);
  }

  /** Publishes {@code 0..n-1} as demand allows, in any actor (infected or not): no loop needed. */
  public static Flow.Publisher<Long> plainRange(long n) {
    return new LoopRange(Runnable::run, n);
  }

  /** Publishes forever from the loop; counts its cancellations. */
  public static Flow.Publisher<Long> ticker() {
    return new LoopRange(ToForeign.loop(), Long.MAX_VALUE);
  }

  /** A publisher of {@code 0..count-1} that emits on its loop, never beyond the demand. */
  static final class LoopRange implements Flow.Publisher<Long> {
    private final Executor loop;
    private final long count;

    LoopRange(Executor loop, long count) {
      this.loop = loop;
      this.count = count;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Long> s) {
      long[] next = {0};
      long[] demand = {0};
      boolean[] done = {false};
      s.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {
          loop.execute(() -> {
            if (done[0]) return;
            demand[0] += n;
            while (demand[0] > 0 && next[0] < count && !done[0]) {
              demand[0]--;
              s.onNext(next[0]++);
            }
            if (next[0] == count && !done[0]) {
              done[0] = true;
              s.onComplete();
            }
          });
        }

        @Override
        public void cancel() {
          loop.execute(() -> {
            if (!done[0]) CANCELLED.incrementAndGet();
            done[0] = true;
          });
        }
      });
    }
  }
}
