package io.jtractor.examples.tractor;

import io.jtractor.Context;
import io.jtractor.MsgStream;
import io.jtractor.Portal;
import io.jtractor.Root;
import io.jtractor.examples.ExampleRoot;

/**
 * Ping-pong over a two-way stream: a context function in a daemon answers each "ping" with a
 * "pong" until the root closes its end after ten pings. tractor: {@code rpc_bidir_streaming.py}.
 */
public final class RpcBidirStreaming {
  private RpcBidirStreaming() {}

  /** Runs in the daemon: reports {@code data + 1} as started, then serves pings. */
  public static void simpleRpc(Context ctx, int data) {
    ctx.started(data + 1);
    int count = 0;
    try (MsgStream stream = ctx.openStream()) {
      for (Object msg : stream) {
        check("ping".equals(msg), "expected a ping, got " + msg);
        stream.send("pong");
        count++;
      }
    }
    check(count == 10, "expected 10 pings, got " + count); // the caller closed its end
  }

  public static void main(String[] args) {
    try (Root root = ExampleRoot.open("root")) {
      root.openNursery(an -> {
        Portal server = an.startActor("rpc_server", RpcBidirStreaming.class);
        server.openContext(RpcBidirStreaming::simpleRpc, 10, (ctx, sent) -> {
          check(((Number) sent).intValue() == 11, "started with " + sent);
          try (MsgStream stream = ctx.openStream()) {
            stream.send("ping");
            int count = 0;
            for (Object msg : stream) {
              check("pong".equals(msg), "expected a pong, got " + msg);
              stream.send("ping");
              if (++count >= 9) break;
            }
          }
          System.out.println("10 pings answered by " + ctx.peer().name());
          return null;
        });
        server.cancelActor();
      });
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) throw new AssertionError(what);
  }
}
