package io.jtractor.cli;

import io.jtractor.DaemonExit;
import io.jtractor.Discovery;
import io.jtractor.Jtractor;
import io.jtractor.Root;
import io.jtractor.config.ActorConfig;
import io.jtractor.config.TreeSecret;
import io.jtractor.errors.AttributeError;
import io.jtractor.errors.RemoteActorError;
import io.jtractor.examples.Showcase;
import io.jtractor.runtime.Actor;
import io.jtractor.wire.Uid;
import io.jtractor.wire.WireException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code jtractor registrar [--host H] [--port P]}, {@code jtractor ps [--host H] [--port P]},
 * {@code jtractor debug <main class> [args...]}, {@code jtractor demo}. Exit status: 0 on success, 1 when the command could not do its job (no
 * registrar answers, the address is taken), 2 for a usage error, 128+N when signal N stopped a
 * registrar.
 */
public final class Main {
  private Main() {}

  static final String USAGE =
      """
      usage: jtractor <command> [options]

      commands:
        registrar [--host H] [--port P]   run a registrar (default 127.0.0.1:1616) until SIGINT/SIGTERM
        ps [--tasks] [--host H] [--port P]
                                          list the actors a registrar knows, as a tree; with
                                          --tasks, each actor's nurseries, scopes and tasks too
        debug [--cp PATH] <main class> [args...]
                                          run a root program in debug mode under a JDWP agent:
                                          its own crashes and pauses stop at their frames
        demo                              run the showcase
        help                              show this text

      The default address comes from -Djtractor.registry or JTRACTOR_REGISTRY (host:port) if set.

      Security: the registrar and ps prove this user's shared secret to every jtractor actor they
      talk to (JTRACTOR_SECRET if set, else the key file ~/.config/jtractor/secret, created on first
      use). Plain tractor actors are refused unless JTRACTOR_ALLOW_TRACTOR_PEERS=1. Listening beyond
      loopback (--host 0.0.0.0) needs TLS (JTRACTOR_TLS_KEYSTORE and friends) or
      JTRACTOR_ALLOW_PLAINTEXT=1.
      """;

  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    System.out.flush();
    System.err.flush();
    System.exit(status);
  }

  /** Runs one command; returns the exit status. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      err.print(USAGE);
      return 2;
    }
    String command = args[0];
    if (command.equals("debug")) return DebugLauncher.run(List.of(args).subList(1, args.length), err);
    List<String> options = new ArrayList<>(List.of(args).subList(1, args.length));
    boolean tasks = command.equals("ps") && options.remove("--tasks");
    InetSocketAddress address;
    try {
      address = address(options);
    } catch (IllegalArgumentException e) {
      err.println("jtractor " + command + ": " + e.getMessage());
      err.print(USAGE);
      return 2;
    }
    return switch (command) {
      case "registrar" -> registrar(address, out, err);
      case "ps" -> ps(address, tasks, out, err);
      case "demo" -> {
        if (args.length > 1) {
          err.println("jtractor demo takes no options");
          yield 2;
        }
        Showcase.main(new String[0]);
        yield 0;
      }
      case "help", "--help", "-h" -> {
        out.print(USAGE);
        yield 0;
      }
      default -> {
        err.println("jtractor: unknown command '" + command + "'");
        err.print(USAGE);
        yield 2;
      }
    };
  }

  /** Parses {@code --host H --port P}; defaults come from {@link Jtractor#defaultRegistry()}. */
  static InetSocketAddress address(List<String> options) {
    InetSocketAddress dflt = Jtractor.defaultRegistry();
    String host = dflt.getHostString();
    int port = dflt.getPort();
    for (int i = 0; i < options.size(); i++) {
      String opt = options.get(i);
      if (i + 1 >= options.size()) throw new IllegalArgumentException("option " + opt + " needs a value");
      String value = options.get(++i);
      switch (opt) {
        case "--host" -> host = value;
        case "--port" -> {
          try {
            port = Integer.parseInt(value);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port needs a number, got '" + value + "'");
          }
          if (port < 0 || port > 65535) throw new IllegalArgumentException("--port out of range: " + port);
        }
        default -> throw new IllegalArgumentException("unknown option " + opt);
      }
    }
    return new InetSocketAddress(host, port);
  }

  private static int registrar(InetSocketAddress at, PrintStream out, PrintStream err) {
    if (at.getPort() != 0 && answers(at)) {
      err.println("jtractor registrar: something already listens at " + hostPort(at) + " (another registrar?)");
      return 1;
    }
    DaemonExit exit;
    boolean[] lostRace = {false};
    try {
      exit = Jtractor.runDaemon(ActorConfig.of("registrar", List.of()).withRegistry(at), root -> {
        if (!root.isRegistrar()) {
          // Lost a race for the address to another root: do not pose as a registrar.
          err.println("jtractor registrar: another actor became the registrar at " + hostPort(at) + " first");
          lostRace[0] = true;
          Jtractor.cancelCurrentActor();
          return;
        }
        out.println("jtractor registrar " + root.uid().uuid() + " listening on " + hostPort(root.address())
            + " (pid " + ProcessHandle.current().pid() + "); SIGINT or SIGTERM stops it");
        out.flush();
      });
    } catch (Exception e) { // a bind's failure arrives as the IOException it is
      err.println("jtractor registrar: " + e.getMessage());
      return 1;
    }
    if (lostRace[0]) return 1;
    out.println("jtractor registrar " + exit);
    return exit.exitCode();
  }

  private static int ps(InetSocketAddress at, boolean tasks, PrintStream out, PrintStream err) {
    if (at.getPort() == 0) {
      err.println("jtractor ps: --port 0 names no registrar");
      return 2;
    }
    // A throw-away actor with no registrar of its own: it neither registers nor becomes one. It
    // talks to another program, so it proves the secret this user's programs share.
    ActorConfig config = ActorConfig.of("jtractor-ps", List.of());
    TreeSecret secret;
    try {
      secret = TreeSecret.shared();
    } catch (UncheckedIOException | IllegalArgumentException e) {
      err.println("jtractor ps: " + e.getMessage());
      return 1;
    }
    try (Root me = Jtractor.openRoot(config.withSecurity(config.security().withSecret(secret)))) {
      List<Discovery.ActorInfo> actors;
      try {
        actors = Discovery.actors(at);
      } catch (RemoteActorError e) {
        if (e.type() != AttributeError.class) throw e;
        // A plain tractor registrar: names and addresses only, no parentage.
        actors = new ArrayList<>();
        try {
          for (Map.Entry<Uid, InetSocketAddress> en : Discovery.registry(at).entrySet()) {
            actors.add(new Discovery.ActorInfo(en.getKey(), en.getValue(), null, -1));
          }
        } catch (RemoteActorError notARegistrar) {
          if (notARegistrar.type() != AttributeError.class) throw notARegistrar;
          err.println("jtractor ps: the actor at " + hostPort(at) + " is not a registrar");
          return 1;
        }
      }
      out.print(renderTree(actors));
      if (tasks) {
        for (Discovery.ActorInfo a : actors) out.print(taskDump(me, a));
      }
      return 0;
    } catch (UncheckedIOException e) {
      if (rootCause(e) instanceof WireException.Refused refused) {
        err.println("jtractor ps: no authenticated connection with the registrar at " + hostPort(at) + ": " + refused.getMessage());
      } else {
        err.println("jtractor ps: no registrar answers at " + hostPort(at) + " (" + rootCause(e).getMessage() + ")");
      }
      return 1;
    }
  }

  /**
   * The actors as a tree: each under the actor that spawned it when that one is registered too;
   * roots (and actors whose parent is unknown) at the left margin, in registration order.
   */
  static String renderTree(List<Discovery.ActorInfo> actors) {
    Map<Uid, Discovery.ActorInfo> byUid = new LinkedHashMap<>();
    for (Discovery.ActorInfo a : actors) byUid.put(a.uid(), a);
    Map<Uid, List<Discovery.ActorInfo>> children = new LinkedHashMap<>();
    List<Discovery.ActorInfo> tops = new ArrayList<>();
    for (Discovery.ActorInfo a : actors) {
      if (a.parent() != null && byUid.containsKey(a.parent())) {
        children.computeIfAbsent(a.parent(), k -> new ArrayList<>()).add(a);
      } else {
        tops.add(a);
      }
    }
    List<String[]> rows = new ArrayList<>();
    for (Discovery.ActorInfo t : tops) addRows(t, "", "", children, rows);
    int width = rows.stream().map(r -> r[0].length()).max(Comparator.naturalOrder()).orElse(0);
    width = Math.max(width, "ACTOR".length());
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%-" + width + "s  %-8s  %-21s  %s%n", "ACTOR", "UUID", "ADDRESS", "PID"));
    for (String[] r : rows) sb.append(String.format("%-" + width + "s  %-8s  %-21s  %s%n", (Object[]) r));
    sb.append(actors.size()).append(actors.size() == 1 ? " actor" : " actors").append(System.lineSeparator());
    return sb.toString();
  }

  private static void addRows(
      Discovery.ActorInfo a, String lead, String childLead, Map<Uid, List<Discovery.ActorInfo>> children, List<String[]> rows) {
    String uuid = a.uid().uuid();
    rows.add(new String[] {
      lead + a.uid().name(), uuid.length() > 8 ? uuid.substring(0, 8) : uuid, hostPort(a.address()), a.pid() < 0 ? "?" : Long.toString(a.pid())
    });
    List<Discovery.ActorInfo> kids = children.getOrDefault(a.uid(), List.of());
    for (int i = 0; i < kids.size(); i++) {
      boolean last = i == kids.size() - 1;
      addRows(kids.get(i), childLead + (last ? "└─ " : "├─ "), childLead + (last ? "   " : "│  "), children, rows);
    }
  }

  /** One actor's task tree, from its {@code self.task_dump}, or a line saying why there is none. */
  private static String taskDump(Root me, Discovery.ActorInfo a) {
    String head = System.lineSeparator();
    try {
      io.jtractor.runtime.PeerChannel ch = Actor.current().connect(a.address());
      try {
        return head + ch.call("self", io.jtractor.runtime.TaskDump.SELF_METHOD, new LinkedHashMap<>());
      } finally {
        ch.close();
      }
    } catch (IOException | RuntimeException e) {
      return head + "actor " + a.uid().pythonRepr() + ": no task dump (" + e.getMessage() + ")" + System.lineSeparator();
    }
  }

  private static boolean answers(InetSocketAddress at) {
    try (Socket s = new Socket()) {
      s.connect(at, 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String hostPort(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }

  private static Throwable rootCause(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    return t;
  }
}
