package io.jtractor.funcs;

import io.jtractor.ActorNursery;
import io.jtractor.Jtractor;
import io.jtractor.Portal;
import io.jtractor.sc.Sc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Functions the tests call in child actors (the test class path is the children's too). */
public final class Funcs {
  private Funcs() {}

  public record Point(int x, int y, String label) {}

  public static String hello(String name) {
    return "hi " + name;
  }

  public static long add(long a, long b) {
    return a + b;
  }

  public static Object echo(Object value) {
    return value;
  }

  public static Point movePoint(Point p, int dx) {
    return new Point(p.x() + dx, p.y(), p.label() + "'");
  }

  public static List<String> words(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add("w" + i);
    return out;
  }

  /** Prints a line on the child's stdout and returns it. */
  public static String say(String line) {
    System.out.println(line);
    return line;
  }

  public static String question() {
    return "have you ever seen a portal?";
  }

  public static String cellarDoor(String returnValue) {
    return returnValue;
  }

  public static long pid() {
    return ProcessHandle.current().pid();
  }

  public static String actorName() {
    return Jtractor.currentActor().name();
  }

  /** Sleeps {@code delayMs}, then fails an assertion: tractor's {@code assert_err}. */
  public static void assertErr(long delayMs) throws InterruptedException {
    Thread.sleep(delayMs);
    throw new AssertionError("kaboom");
  }

  public static void sleepForever() {
    Sc.sleepForever();
  }

  /** Blocks in foreign code (not a checkpoint), as tractor's {@code spin_for} with {@code time.sleep}. */
  public static void blockFor(long ms) throws InterruptedException {
    Thread.sleep(ms);
  }

  /** Opened by {@link #openGate()}; one per actor process. */
  private static final java.util.concurrent.CountDownLatch GATE = new java.util.concurrent.CountDownLatch(1);

  /** Blocks (in foreign code) until another call, {@link #openGate()}, reaches this actor. */
  public static String waitAtGate() throws InterruptedException {
    GATE_WAITERS.incrementAndGet();
    GATE.await();
    return "through the gate";
  }

  private static final java.util.concurrent.atomic.AtomicInteger GATE_WAITERS = new java.util.concurrent.atomic.AtomicInteger();

  /** How many calls have waited at the gate in this actor. */
  public static int gateWaiters() {
    return GATE_WAITERS.get();
  }

  public static boolean openGate() {
    GATE.countDown();
    return true;
  }

  /**
   * The value of one of this JVM's HotSpot options ({@code -XX:name}) in force, as the JVM's
   * diagnostic bean reports it (through the platform's MBean server, which this module reads).
   */
  public static String vmOption(String name) throws Exception {
    Object option = java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(
        new javax.management.ObjectName("com.sun.management:type=HotSpotDiagnostic"), "getVMOption",
        new Object[] {name}, new String[] {String.class.getName()});
    return (String) ((javax.management.openmbean.CompositeData) option).get("value");
  }

  /** {@link #vmOption} of each of {@code names}, in their order. */
  public static List<String> vmOptions(List<String> names) throws Exception {
    List<String> values = new java.util.ArrayList<>();
    for (String n : names) values.add(vmOption(n));
    return values;
  }

  /** The AOT cache this actor's own nurseries would spawn with, as a string, or null. */
  public static String inheritedAotCache() {
    java.nio.file.Path p = io.jtractor.config.SpawnOptions.inherited().aotCache();
    return p == null ? null : p.toString();
  }

  public static void dieHard(int code) {
    Runtime.getRuntime().halt(code);
  }

  /**
   * tractor's {@code spawn_and_error}: a tree of runInActor children, {@code breadth} wide, whose
   * leaves fail.
   */
  public static Object spawnAndError(int breadth, int depth) {
    Jtractor.openNursery(an -> {
      for (int i = 0; i < breadth; i++) {
        if (depth > 0) {
          an.runInActor("spawner_" + i + "_" + depth, Funcs::spawnAndError, breadth, depth - 1);
        } else {
          an.runInActor("errorer_" + i, Funcs::assertErr, 0L);
        }
      }
    });
    return null;
  }

  /** Starts a child that fails, and calls into it: the error is relayed through this actor. */
  public static String relayFailure() {
    Jtractor.openNursery(an -> {
      Portal p = an.startActor("deep", Funcs.class);
      p.run(Funcs::assertErr, 0L);
    });
    return "unreachable";
  }

  /** Starts a daemon child and returns its pid, leaving it running (for the orphan tests). */
  public static long spawnGrandchild() {
    long[] pid = {0};
    Jtractor.openNursery(an -> {
      Portal p = an.startActor("grandchild", Funcs.class);
      pid[0] = p.run(Funcs::pid);
      Sc.sleepForever();
    });
    return pid[0];
  }

  /** Starts a grandchild, prints its pid, and waits forever. */
  public static String spawnGrandchildAndReport() {
    Jtractor.openNursery(an -> {
      Portal p = an.startActor("grandchild", Funcs.class);
      System.out.println("GRANDCHILD_PID " + p.run(Funcs::pid));
      System.out.flush();
      Sc.sleepForever();
    });
    return "unreachable";
  }

  /**
   * tractor's {@code crash_and_clean_tmpdir}: registers the deletion of {@code path} at the
   * actor's teardown, then either fails or cancels its own actor.
   */
  public static void crashAndCleanUp(String path, boolean error) throws Exception {
    java.nio.file.Path file = java.nio.file.Path.of(path);
    Jtractor.atTeardown(() -> java.nio.file.Files.deleteIfExists(file));
    if (!java.nio.file.Files.exists(file)) throw new IllegalStateException("the file should exist");
    Thread.sleep(100);
    if (error) throw new AssertionError("crash");
    Jtractor.cancelCurrentActor();
    Sc.sleepForever();
  }

  /** Logs a line at the given JDK logging level in the child. */
  public static void logAt(String level, String text) {
    System.getLogger("io.jtractor.funcs").log(System.Logger.Level.valueOf(level), text);
  }

  public static Map<String, Object> mapOf(String k, long v) {
    return Map.of(k, v);
  }

  public static void sleepMs(long ms) {
    Sc.sleep(Duration.ofMillis(ms));
  }

  /** This actor's listening port. */
  public static long listenPort() {
    return io.jtractor.runtime.Actor.current().address().getPort();
  }

  /** Creates the file {@code path}: a side effect a test can see from outside. */
  public static void touch(String path) throws java.io.IOException {
    java.nio.file.Files.writeString(java.nio.file.Path.of(path), "ran");
  }

  /** Raises an exception of the kind named (a Java twin of a Python builtin, see PythonErrorNames). */
  @SuppressWarnings("divzero")
  public static long raise(String kind) throws Exception {
    long zero = 0;
    switch (kind) {
      case "value" -> throw new IllegalArgumentException("bad value");
      case "number" -> throw new NumberFormatException("not a number");
      case "type" -> throw new ClassCastException("not that type");
      case "key" -> throw new io.jtractor.errors.KeyError("k");
      case "index" -> throw new ArrayIndexOutOfBoundsException(7);
      case "attribute" -> throw new io.jtractor.errors.AttributeError("no such attribute");
      case "assertion" -> throw new AssertionError("kaboom");
      case "zero" -> {
        return 1 / zero;
      }
      case "overflow" -> {
        return Math.addExact(Long.MAX_VALUE, 1);
      }
      case "notimpl" -> throw new UnsupportedOperationException("later");
      case "timeout" -> throw new java.util.concurrent.TimeoutException("too slow");
      case "runtime" -> throw new RuntimeException("plain");
      case "state" -> throw new IllegalStateException("bad state");
      case "npe" -> throw new NullPointerException("null");
      default -> throw new io.jtractor.errors.KeyError(kind);
    }
  }

  /** Asks this actor's registrar to forget the actor {@code (name, uuid)}. */
  public static void unregisterActor(String name, String uuid) throws Exception {
    io.jtractor.runtime.Actor.current().registryCall(null, "unregister_actor", Map.of("uid", new io.jtractor.wire.Uid(name, uuid)));
  }

  /** Asks this actor's registrar to record the actor {@code (name, uuid)} at 127.0.0.1:{@code port}. */
  public static void registerActor(String name, String uuid, long port) throws Exception {
    io.jtractor.runtime.Actor.current().registryCall(null, "register_actor",
        Map.of("uid", new io.jtractor.wire.Uid(name, uuid), "sockaddr", List.of("127.0.0.1", port)));
  }

  /** Spawns a child named {@code name} (exposing these functions and {@link CtxFuncs}) and keeps it until cancelled. */
  public static void hostChild(String name) {
    Jtractor.openNursery(an -> {
      an.startActor(name, Funcs.class, CtxFuncs.class);
      Sc.sleepForever();
    });
  }

  /** Like {@link #cancelActorAt}, but a refusal is raised (boxed) instead of answered with false. */
  public static Object cancelActorAtOrFail(long port) throws java.io.IOException {
    io.jtractor.runtime.PeerChannel pc =
        io.jtractor.runtime.Actor.current().connect(new java.net.InetSocketAddress("127.0.0.1", (int) port));
    try {
      return pc.call("self", "cancel", Map.of());
    } finally {
      pc.close();
    }
  }

  /** Connects to the actor listening on {@code port} and asks it to cancel itself (a third party). */
  public static boolean cancelActorAt(long port) throws java.io.IOException {
    io.jtractor.runtime.PeerChannel pc =
        io.jtractor.runtime.Actor.current().connect(new java.net.InetSocketAddress("127.0.0.1", (int) port));
    return Boolean.TRUE.equals(pc.callShielded("self", "cancel", Map.of(), Duration.ofSeconds(2)));
  }
}
