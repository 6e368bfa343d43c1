package io.jtractor.bench;

import io.jtractor.Context;
import io.jtractor.MsgStream;
import io.jtractor.runtime.Actor;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/** What the soak's long-lived children serve, and how every process of the soak is sampled. */
public final class SoakFuncs {
  private SoakFuncs() {}

  /** Streams 0, 1, 2, … until the caller cancels the context. */
  public static void streamForever(Context ctx) {
    ctx.started();
    try (MsgStream s = ctx.openStream()) {
      for (long i = 0; ; i++) s.send(i);
    }
  }

  /**
   * This process's figures: the live heap after a full collection, RSS, threads, open file
   * descriptors, and the actor's own bookkeeping (see {@code io.jtractor.runtime.Bookkeeping}).
   */
  public static Map<String, Object> sample() throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("liveHeapKb", liveHeapKb());
    m.put("rssKb", status("VmRSS"));
    m.put("threads", status("Threads"));
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      m.put("fds", fds.count());
    }
    Actor a = Actor.current();
    if (a != null) m.put("bookkeeping", a.bookkeeping().toMap());
    return m;
  }

  /** Heap in use after two full collections (the second finds what the first's finalization left). */
  static long liveHeapKb() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1024;
  }

  private static long status(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(field + ":")) return Long.parseLong(line.replaceAll("\\D+", ""));
    }
    return -1;
  }
}
