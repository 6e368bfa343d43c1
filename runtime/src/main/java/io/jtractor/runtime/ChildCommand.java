package io.jtractor.runtime;

import io.jtractor.config.SpawnOptions;
import io.jtractor.runtime.debug.DebugMode;
import io.jtractor.wire.SockAddr;
import io.jtractor.wire.Uid;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a child actor's JVM is started and what it is told first. The command line mirrors
 * tractor's ({@code --uid "('name', 'uuid')" --parent_addr "('host', port)" --loglevel LEVEL});
 * the tree secret and security settings go on the child's stdin ({@link ChildTrust}), never on
 * the command line. A warm JVM (pre-started by a {@link WarmPool}) reads its identity on stdin
 * too, since it started before anyone knew it.
 *
 * <p>Threads: immutable.
 *
 * @param jvm the JVM, its flags, class path and main class: what a warm pool is keyed by
 * @param identity the child's identity arguments (tractor's), after {@code jvm}
 * @param trust the child's trust line ({@link ChildTrust#encode})
 */
record ChildCommand(List<String> jvm, List<String> identity, String trust) {
  ChildCommand {
    jvm = List.copyOf(jvm);
    identity = List.copyOf(identity);
  }

  /** The command for actor {@code uid}, a child of {@code parent}; waits until the parent listens. */
  static ChildCommand of(Actor parent, Uid uid, SpawnOptions options, boolean debug, AotCachePolicy.Plan aot) {
    InetSocketAddress parentAddr = parent.address();
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java"));
    cmd.addAll(options.jvmArgs());
    // The level as a JVM flag too: a child applies it before its first logger (a warm JVM, long
    // before it reads its --loglevel), and warm pools are kept per level.
    cmd.add("-D" + LogLevels.PROPERTY + "=" + options.loglevel());
    if (debug) cmd.addAll(DebugMode.JDWP_FLAGS);
    cmd.addAll(aot.flags());
    cmd.addAll(launch());
    List<String> identity = new ArrayList<>(List.of(
        "--uid", PythonLiteral.uid(uid), "--parent_addr", PythonLiteral.address(parentAddr), "--loglevel", options.loglevel()));
    if (options.isInfected()) identity.addAll(ChildMain.infectionArgs(options.foreignLoop()));
    var etcd = io.jtractor.runtime.registry.etcd.EtcdRegistry.configured();
    if (etcd != null) identity.addAll(etcd.childArgs());
    return new ChildCommand(cmd, identity, trust(parent).encode());
  }

  /**
   * How the child JVM finds its classes and main class: as this JVM does. On the class path, the
   * same class path; with jtractor on the module path (a named module), the same module path,
   * every module on it resolved (the user's exposed code among them), the class path too if any,
   * and the child's main class launched from jtractor's module.
   */
  static List<String> launch() {
    String classPath = System.getProperty("java.class.path", "");
    Module jtractor = ChildMain.class.getModule();
    if (!jtractor.isNamed()) return List.of("-cp", classPath, ChildMain.class.getName());
    List<String> args = new ArrayList<>(List.of("--module-path", System.getProperty("jdk.module.path", ""), "--add-modules", "ALL-MODULE-PATH",
        "--enable-native-access=" + jtractor.getName() + "," + io.jtractor.wire.WireChannel.class.getModule().getName()));
    if (!classPath.isEmpty()) args.addAll(List.of("-cp", classPath));
    args.addAll(List.of("-m", jtractor.getName() + "/" + ChildMain.class.getName()));
    return args;
  }

  /** What a child of {@code parent} is trusted with: the tree secret, the security settings, its lineage. */
  static ChildTrust trust(Actor parent) {
    List<Uid> lineage = new ArrayList<>();
    lineage.add(parent.uid());
    lineage.addAll(parent.lineage());
    return new ChildTrust(parent.security().secret(), parent.config().security(), lineage);
  }

  /** The whole command of a cold start: the JVM, then the identity. */
  List<String> coldStart() {
    List<String> all = new ArrayList<>(jvm);
    all.addAll(identity);
    return all;
  }

  /** What a cold-started child reads on stdin: its trust line. */
  byte[] coldStdin() {
    return (trust + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** What a warm JVM reads on stdin: its identity (tab-separated), then its trust line. */
  byte[] warmStdin() {
    return (String.join("\t", identity) + "\n" + trust + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** tractor's spawn init map, so that a Python child would understand it too. */
  static Map<String, Object> initMessage(Actor parent, List<Class<?>> modules, boolean debug) {
    Map<String, Object> enable = new LinkedHashMap<>();
    for (Class<?> c : modules) enable.put(c.getName(), location(c));
    InetSocketAddress addr = parent.address();
    // The registrar as the parent resolved it (its own address if it is the registrar). None when
    // the parent has no registrar: the child then does not register (a Python child needs one).
    InetSocketAddress reg = parent.registrarAddress();
    Map<String, Object> runtimeVars = DebugMode.runtimeVars(parent, debug);
    Map<String, Object> init = new LinkedHashMap<>();
    init.put("_parent_main_data", Map.of());
    init.put("enable_modules", enable);
    init.put("_arb_addr", reg == null ? null : SockAddr.toWire(reg));
    init.put("bind_host", addr.getHostString());
    init.put("bind_port", 0);
    init.put("_runtime_vars", runtimeVars);
    return init;
  }

  private static String location(Class<?> c) {
    try {
      var src = c.getProtectionDomain().getCodeSource();
      return src == null ? "" : src.getLocation().getPath();
    } catch (SecurityException e) {
      return "";
    }
  }
}
