package io.jtractor.runtime;

import io.jtractor.config.ActorConfig;
import io.jtractor.config.Security;
import io.jtractor.config.TreeSecret;
import io.jtractor.sc.foreign.EventLoop;
import io.jtractor.sc.foreign.LoopFactory;
import io.jtractor.wire.Uid;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The entry point of a child actor's JVM: tractor's {@code python -m tractor._child}, with the same
 * arguments ({@code --uid "('name', 'uuid')" --parent_addr "('host', port)" --loglevel LEVEL}).
 *
 * <p>Boot: read the parent's trust line from stdin (the tree secret and security settings, see
 * {@link ChildTrust}; a warm JVM reads it right after its identity line), connect back to the
 * parent, handshake (proving the secret both ways), read the init message, load the exposed
 * classes, bind a listener, then serve the parent's channel until it is cancelled or the parent
 * goes away. A failure while booting is sent to the parent as a cid-less error, and the JVM exits
 * with status 1. When the parent process dies, however it dies, the child kills its own children
 * and exits at once.
 */
public final class ChildMain {
  static {
    // Before the first logger: the binding reads its configuration once, when it starts. A child's
    // level comes from its parent (tractor's default, ERROR, when none).
    LogLevels.apply(System.getProperty(LogLevels.PROPERTY, "error"));
  }

  /** Exit status when the parent vanished. */
  static final int ORPHANED = 70;

  private ChildMain() {}

  public static void main(String[] args) {
    watchForOrphaning();
    ignoreSigint();
    java.io.BufferedReader stdin =
        new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));
    if (args.length != 1 || !args[0].equals(WARM)) {
      Thread.ofPlatform().daemon().name("jtractor-warm-up").start(() -> warmUpReflection(false));
    } else {
      // A pre-started JVM: warm up, then wait for our identity on stdin (see WarmPool).
      warmUp();
      String line = readLine(stdin);
      if (line == null) exit(0); // the pool was closed before we were needed
      args = line.split("\t");
    }
    Uid uid = null;
    InetSocketAddress parentAddr = null;
    String loop = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--uid" -> uid = PythonLiteral.parseUid(value(args, ++i));
        case "--parent_addr" -> parentAddr = PythonLiteral.parseAddress(value(args, ++i));
        case "--loglevel" -> LogLevels.apply(value(args, ++i)); // tractor's; -Djtractor.loglevel came first
        case "--asyncio" -> loop = loop != null ? loop : EventLoop.Factory.class.getName();
        case "--foreign_loop" -> loop = value(args, ++i);
        case "--registry" -> System.setProperty("jtractor.registry", value(args, ++i)); // etcd://...
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (uid == null || parentAddr == null) {
      System.err.println("usage: ChildMain --uid \"('name', 'uuid')\" --parent_addr \"('host', port)\" [--loglevel L]"
          + " [--asyncio [--foreign_loop FACTORY_CLASS]] (and the parent's trust line on stdin)");
      System.exit(2);
    }
    String trustLine = readLine(stdin);
    ChildTrust trust;
    try {
      if (trustLine == null) throw new IllegalArgumentException("no trust line from the parent on stdin");
      trust = ChildTrust.decode(trustLine);
    } catch (IllegalArgumentException e) {
      System.err.println("actor " + uid + " cannot boot: " + e.getMessage());
      exit(2);
      return;
    }
    exit(run(uid, parentAddr, loop, trust));
  }

  /** One line of stdin, or null at its end (or if it cannot be read). */
  private static String readLine(java.io.BufferedReader stdin) {
    try {
      return stdin.readLine();
    } catch (IOException e) {
      return null;
    }
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) throw new IllegalArgumentException(args[i - 1] + " needs a value");
    return args[i];
  }

  /**
   * The command-line arguments that infect a child: tractor's {@code --asyncio}, and the loop's
   * factory unless it is the default {@link EventLoop.Factory}.
   */
  static List<String> infectionArgs(Class<? extends LoopFactory> factory) {
    return factory == EventLoop.Factory.class
        ? List.of("--asyncio")
        : List.of("--asyncio", "--foreign_loop", factory.getName());
  }

  /** The argument that starts a JVM for the warm pool. */
  static final String WARM = "--warm";

  /**
   * Runs the code paths every actor uses, once, so that a warm JVM has them loaded and linked: two
   * throw-away actors, a connection made from a platform thread to a literal address, a call, a
   * cancellation, and the JDK logging and name service set up: whatever a first use costs is paid
   * before the JVM is taken from its pool, not by the spawn (docs/design.md, "Measurements moved from the code").
   */
  private static void warmUp() {
    try {
      // A whole round: two throw-away actors, a connection, a call, a cancellation.
      Security sec = new Security(TreeSecret.random(), false, null, false, null);
      Actor server = new Actor(Uid.random("warm-up"), ActorConfig.of("warm-up", List.of(WarmUp.class)).withSecurity(sec), false);
      Actor client = new Actor(Uid.random("warm-up"), ActorConfig.of("warm-up", List.of()).withSecurity(sec), false);
      Thread s = Thread.ofVirtual().start(() -> server.serve(a -> {}));
      // The real connection is made from a platform thread, after the logging is set up.
      Thread c = Thread.ofPlatform().start(() -> client.serve(a -> {
        PeerChannel ch = a.connect(PythonLiteral.parseAddress(PythonLiteral.address(server.address())));
        ch.call(WarmUp.class.getName(), "echo", Map.of("value", List.of(1L, "two", 3.0, true)));
        a.cancelService();
      }));
      c.join(Duration.ofSeconds(10));
      server.cancelService();
      s.join(Duration.ofSeconds(10));
      ErrorBoxing.pack(new IllegalStateException("warm-up"), server.uid());
      warmUpReflection(true);
    } catch (Throwable t) {
      // Warming up is an optimisation; a failure here must not stop the actor from serving.
      Log.RUNTIME.debug("warm-up failed: " + t);
    }
  }

  /**
   * The first {@code Method.invoke} in a JVM spins method-handle classes (an AOT cache does not
   * keep them), and each new method shape a few more: a warm JVM spins the common shapes now
   * ({@code allShapes}). A cold child spins only the first, on a background thread while it
   * connects to its parent, so that its first call does not pay most of it.
   */
  static void warmUpReflection(boolean allShapes) {
    try {
      for (java.lang.reflect.Method m : WarmUp.class.getMethods()) {
        if (java.lang.reflect.Modifier.isStatic(m.getModifiers()) && m.getDeclaringClass() == WarmUp.class
            && (allShapes || m.getName().equals("echo"))) {
          Object[] args = new Object[m.getParameterCount()];
          Class<?>[] types = m.getParameterTypes();
          for (int i = 0; i < args.length; i++) {
            args[i] = types[i] == long.class ? (Object) 1L
                : types[i] == int.class ? (Object) 1
                : types[i] == double.class ? (Object) 1.0
                : types[i] == boolean.class ? (Object) true
                : "x";
          }
          m.invoke(null, args);
        }
      }
    } catch (Throwable t) {
      // Warming up is an optimisation; a failure here must not stop the actor from serving.
      Log.RUNTIME.debug("warm-up failed: " + t);
    }
  }

  /** What a warm JVM calls while it warms up. */
  public static final class WarmUp {
    private WarmUp() {}

    public static Object echo(Object value) {
      return value;
    }

    public static void none() {}

    public static Object get() {
      return null;
    }

    public static void take(Object a) {}

    public static long longs(long a) {
      return a;
    }

    public static long longs2(long a, long b) {
      return a + b;
    }

    public static int ints(int a) {
      return a;
    }

    public static int ints2(int a, int b) {
      return a + b;
    }

    public static double doubles(double a) {
      return a;
    }

    public static boolean flag(boolean a) {
      return a;
    }

    public static Object objects2(Object a, Object b) {
      return a;
    }

    public static Object objectLong(Object a, long b) {
      return a;
    }

    public static String string(String a) {
      return a;
    }
  }

  /**
   * Ends the JVM once the actor has torn down. HotSpot's orderly exit waits up to 300 ms for
   * threads blocked in native code, and the JDK's I/O poller thread always is once virtual threads
   * have used sockets, so every child teardown would pay that wait. The actor's own teardown has
   * already run here, so the process ends with {@code
   * _exit(2)} through the FFM API, output flushed first; JVM shutdown hooks registered by user code
   * in a child do not run on this path. Falls back to {@link System#exit} if native access is
   * unavailable, or when the JVM must write something at exit (an AOT cache being trained).
   */
  static void exit(int code) {
    System.out.flush();
    System.err.flush();
    boolean training = ProcessHandle.current().info().arguments()
        .map(a -> String.join(" ", a).contains("-XX:AOTCacheOutput")).orElse(false);
    if (!training) {
      try {
        var linker = java.lang.foreign.Linker.nativeLinker();
        var exit = linker.downcallHandle(
            linker.defaultLookup().find("_exit").orElseThrow(),
            java.lang.foreign.FunctionDescriptor.ofVoid(java.lang.foreign.ValueLayout.JAVA_INT));
        exit.invokeExact(code);
      } catch (Throwable unavailable) {
        // no native access: the slow, orderly way
      }
    }
    System.exit(code);
  }

  /**
   * A child ignores SIGINT. Ctrl-C in a terminal reaches every process of the tree at once; the
   * root takes the tree down from the top, in order (each parent cancels its children), and a
   * child dying on its own meanwhile would only be reported as a failure of its parent. tractor's
   * children catch the KeyboardInterrupt and exit quietly instead. SIGTERM still stops a child,
   * and a child whose parent dies exits anyway (see {@link #watchForOrphaning}).
   */
  private static void ignoreSigint() {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("INT"), sun.misc.SignalHandler.SIG_IGN);
    } catch (IllegalArgumentException | LinkageError unsupported) {
      Log.RUNTIME.debug("cannot ignore SIGINT here: " + unsupported);
    }
  }

  private static int run(Uid uid, InetSocketAddress parentAddr, String foreignLoop, ChildTrust trust) {
    return ChildBoot.run(uid, parentAddr, foreignLoop, trust, new ChildBoot.Host() {
      @Override
      public boolean sharesJvm() {
        return false;
      }

      @Override
      public java.io.PrintStream err() {
        return System.err;
      }

      @Override
      public void booted(Actor actor) {
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("jtractor-child-shutdown").unstarted(() -> {
          // SIGTERM (or an exit of the JVM): stop serving, and take our own children down with us.
          actor.cancelService();
          for (ChildProcess c : actor.children().live()) c.killNow();
        }));
      }
    });
  }

  /**
   * Watches the parent process: when it is gone (our parent pid changes, as the orphan is adopted
   * by init or a subreaper), however it died, kill our own children and exit at once.
   *
   * <p>Why not end-of-file on a stdin pipe: a thread blocked reading stdin delays every exit of the
   * JVM (HotSpot waits for threads in native code), which every graceful teardown would pay. A
   * check every {@value #ORPHAN_POLL_MS} ms costs nothing measurable and exits well within a second.
   */
  private static void watchForOrphaning() {
    long parentPid = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
    Thread.ofPlatform()
        .daemon()
        .name("jtractor-orphan-watch")
        .start(
            () -> {
              while (ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) == parentPid) {
                try {
                  Thread.sleep(ORPHAN_POLL_MS);
                } catch (InterruptedException e) {
                  return;
                }
              }
              ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
              Runtime.getRuntime().halt(ORPHANED);
            });
  }

  /** How often the orphan watch looks at the parent pid. */
  static final long ORPHAN_POLL_MS = 100;
}
