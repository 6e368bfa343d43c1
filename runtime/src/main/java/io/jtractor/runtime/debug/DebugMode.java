package io.jtractor.runtime.debug;

import io.jtractor.runtime.Actor;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debug mode's settings and this process's part in it: how it is switched on, the JDWP agent a
 * debugged child starts with, and what a child learns from its parent's init message.
 *
 * <p>Off, it costs nothing: no agent on any command line, none of the JDI classes loaded, no
 * thread and no message. The only trace is a volatile read where a user function's error leaves
 * it ({@link DebugAgent#substitute}).
 *
 * <p>Thread rule: the fields are written once while a child boots (before it serves) and read by
 * any thread afterwards.
 */
public final class DebugMode {
  private DebugMode() {}

  /** The system property that turns debug mode on for a root ({@code true}). */
  public static final String PROPERTY = "jtractor.debug";

  /** The environment variable that does the same ({@code 1} or {@code true}). */
  public static final String ENV = "JTRACTOR_DEBUG";

  /** tractor's runtime variable for debug mode, in a child's init message. */
  static final String RUNTIME_VAR = "_debug_mode";

  /** tractor's runtime variable for the root's address, in a child's init message. */
  static final String ROOT_MAILBOX = "_root_mailbox";

  /**
   * The JDWP agent a debugged child starts with: a server on a loopback port the OS picks,
   * running (not suspended) until the root's debugger attaches. The agent announces its port on
   * the child's stdout, which the parent reads anyway ({@link #jdwpPort}). It has no
   * authentication: any local process could attach while the child lives, which is why debug mode
   * is opt-in.
   */
  public static final List<String> JDWP_FLAGS = List.of("-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:0");

  private static final Pattern LISTENING = Pattern.compile("^Listening for transport dt_socket at address: (\\d+)\\s*$");

  /** Set when this process's actor is a debugged child (from its init message). */
  private static volatile boolean childInDebugMode;

  /** The root's address as this child's parent told it, or null in a root. */
  private static volatile InetSocketAddress rootMailbox;

  /** Whether the environment asks for debug mode: {@value #PROPERTY} or {@value #ENV}. */
  public static boolean requestedByEnvironment() {
    String p = System.getProperty(PROPERTY);
    if (p != null && !p.isBlank()) return truthy(p);
    String e = System.getenv(ENV);
    return e != null && truthy(e);
  }

  private static boolean truthy(String v) {
    String s = v.strip().toLowerCase(java.util.Locale.ROOT);
    return s.equals("1") || s.equals("true") || s.equals("yes") || s.equals("on");
  }

  /**
   * The port a JDWP agent announced on a child's stdout, or -1 if {@code line} is not that
   * announcement.
   */
  public static int jdwpPort(String line) {
    Matcher m = LISTENING.matcher(line);
    return m.matches() ? Integer.parseInt(m.group(1)) : -1;
  }

  /**
   * Whether this process takes part in a debugged tree: a root that opened the debugger, or a
   * child spawned in debug mode. Supervision then asks before it stops a child.
   */
  public static boolean active() {
    return childInDebugMode || FrontEnd.existing() != null;
  }

  /** Whether this process is a child spawned in debug mode. */
  public static boolean isDebuggedChild() {
    return childInDebugMode;
  }

  /** The root's address (a child's view), or null if unknown or this is the root. */
  static InetSocketAddress rootMailbox() {
    return rootMailbox;
  }

  /**
   * Reads debug mode and the root's address from a child's init message ({@code _runtime_vars})
   * and, in debug mode, prepares the process to be debugged.
   *
   * @return whether the child is in debug mode
   */
  public static boolean configureChild(Map<?, ?> runtimeVars) {
    if (runtimeVars == null) return false;
    rootMailbox = io.jtractor.wire.SockAddr.fromWire(runtimeVars.get(ROOT_MAILBOX));
    boolean on = Boolean.TRUE.equals(runtimeVars.get(RUNTIME_VAR));
    childInDebugMode = on;
    if (on) DebugAgent.install();
    return on;
  }

  /**
   * The runtime variables a child's init message carries: debug mode, and the root's address
   * (tractor's {@code _root_mailbox}: the root's, handed down, not the parent's).
   */
  public static Map<String, Object> runtimeVars(Actor parent, boolean debug) {
    Map<String, Object> vars = new java.util.LinkedHashMap<>();
    vars.put(RUNTIME_VAR, debug);
    vars.put("_is_root", false);
    InetSocketAddress root = parent.isRoot() || rootMailbox == null ? parent.address() : rootMailbox;
    vars.put(ROOT_MAILBOX, io.jtractor.wire.SockAddr.toWire(root));
    return vars;
  }
}
