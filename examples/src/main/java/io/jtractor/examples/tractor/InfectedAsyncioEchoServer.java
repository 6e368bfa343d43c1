package io.jtractor.examples.tractor;

import io.jtractor.Context;
import io.jtractor.MsgStream;
import io.jtractor.Portal;
import io.jtractor.Root;
import io.jtractor.ToForeign;
import io.jtractor.config.SpawnOptions;
import io.jtractor.examples.ExampleRoot;
import io.jtractor.sc.foreign.FromSc;
import io.jtractor.sc.foreign.ToSc;
import java.util.concurrent.CompletionStage;

/**
 * An SC-compliant echo server in an infected actor: a foreign task on the actor's event loop
 * echoes what a context function hands it over a linked channel, and the root measures 1000 round
 * trips through both. tractor: {@code infected_asyncio_echo_server.py}.
 */
public final class InfectedAsyncioEchoServer {
  private InfectedAsyncioEchoServer() {}

  /**
   * The foreign task: a first message must come from it (the SC side's {@code openChannelFrom}
   * waits for it), then it echoes each message back, one per turn of its loop.
   */
  static CompletionStage<Void> aioEchoServer(ToSc<Object> toSc, FromSc<Object> fromSc) {
    toSc.offer("start");
    return echo(toSc, fromSc);
  }

  private static CompletionStage<Void> echo(ToSc<Object> toSc, FromSc<Object> fromSc) {
    return fromSc.receive().thenCompose(msg -> toSc.send(msg)).thenCompose(sent -> echo(toSc, fromSc));
  }

  /** Runs in the infected daemon: bridges the caller's stream to the foreign echo task. */
  public static void trioToAioEchoServer(Context ctx) throws Exception {
    ToForeign.openChannelFrom(InfectedAsyncioEchoServer::aioEchoServer, (chan, first) -> {
      check("start".equals(first), "first was " + first);
      ctx.started(first);
      try (MsgStream stream = ctx.openStream()) {
        for (Object msg : stream) {
          chan.send(msg);
          stream.send(chan.receive()); // echo back to the parent actor's task
        }
      }
      return null;
    });
  }

  public static void main(String[] args) {
    try (Root root = ExampleRoot.open("root")) {
      root.openNursery(an -> {
        Portal p = an.startActor("aio_server", SpawnOptions.inherited().infected(), InfectedAsyncioEchoServer.class);
        p.openContext(InfectedAsyncioEchoServer::trioToAioEchoServer, (ctx, first) -> {
          check("start".equals(first), "first was " + first);
          long total = 0;
          try (MsgStream stream = ctx.openStream()) {
            for (long count = 0; count < 1000; count++) {
              long sent = System.nanoTime();
              stream.send(count);
              Object msg = stream.receive();
              total += System.nanoTime() - sent;
              check(((Number) msg).longValue() == count, "expected " + count + ", got " + msg);
            }
          }
          System.out.printf("mean round trip rate (Hz): %.0f%n", 1000 / (total / 1e9));
          return null;
        });
        p.cancelActor();
      });
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) throw new AssertionError(what);
  }
}
