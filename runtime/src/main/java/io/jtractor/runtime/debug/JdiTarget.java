package io.jtractor.runtime.debug;

import com.sun.jdi.BooleanValue;
import com.sun.jdi.Bootstrap;
import com.sun.jdi.ClassType;
import com.sun.jdi.IncompatibleThreadStateException;
import com.sun.jdi.Location;
import com.sun.jdi.Method;
import com.sun.jdi.ObjectReference;
import com.sun.jdi.ReferenceType;
import com.sun.jdi.StackFrame;
import com.sun.jdi.VMDisconnectedException;
import com.sun.jdi.Value;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.connect.AttachingConnector;
import com.sun.jdi.connect.Connector;
import com.sun.jdi.connect.IllegalConnectorArgumentsException;
import com.sun.jdi.event.BreakpointEvent;
import com.sun.jdi.event.ClassPrepareEvent;
import com.sun.jdi.event.Event;
import com.sun.jdi.event.EventSet;
import com.sun.jdi.event.ExceptionEvent;
import com.sun.jdi.event.VMDeathEvent;
import com.sun.jdi.event.VMDisconnectEvent;
import com.sun.jdi.request.BreakpointRequest;
import com.sun.jdi.request.ClassPrepareRequest;
import com.sun.jdi.request.EventRequest;
import com.sun.jdi.request.EventRequestManager;
import com.sun.jdi.request.ExceptionRequest;
import io.jtractor.runtime.Log;
import io.jtractor.wire.Uid;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A JDI connection to one debugged JVM: a child, from the root's front end, or the root itself,
 * from the root's helper JVM ({@link RootHelper}). It holds the requests it sets (every exception,
 * and a breakpoint on {@link DebugAgent#hit}), and a thread that reads the debuggee's events and
 * turns the ones that matter into {@link JdiStop}s for its {@link StopSink}.
 *
 * <p>Which exceptions stop: one that crossed a user frame and is caught on the runtime's behalf
 * (see {@link Code#catchesForRuntime}) or by nobody, and is neither a cancellation nor a {@code
 * DebuggerQuit}; each exception object once (a nursery that re-raises it does not stop again).
 * An exception that user code catches itself is resumed at once; a user catch that only runs on
 * the way out (a finally, a try-with-resources: {@link Catches}) does not count as catching it. In
 * the root, never the debugger's own threads ({@value #DEBUGGER_THREADS}...) nor an error the root
 * served already. Every exception thrown in the debuggee costs one event round trip: the price of
 * stopping before the stack unwinds.
 *
 * <p>Thread rule: the event thread alone reads the queue and decides; {@link #gone} is volatile.
 */
final class JdiTarget {

  /** Exceptions that are control flow, never a crash to debug. */
  private static final Set<String> NEVER_STOP = Set.of(
      "io.jtractor.sc.Cancelled",
      "io.jtractor.errors.ContextCancelled",
      "io.jtractor.errors.DebuggerQuit",
      "java.lang.InterruptedException",
      "java.nio.channels.ClosedByInterruptException");

  /** Threads of the root's own debugger (the REPL, its readers): never stopped. */
  static final String DEBUGGER_THREADS = "jtractor-debugger";

  private final StopSink frontEnd;
  private final Uid uid;
  private final VirtualMachine vm;
  /** Whether the debuggee is the root (attached from its helper JVM). */
  private final boolean root;
  /** Where the debuggee's class files are read from (for {@link Catches}): its class path is ours. */
  private static final ClassLoader LOADER = ClassLoader.getSystemClassLoader();

  /** Exceptions already stopped at (by unique id); read and written by the event thread only. */
  private final Set<Long> stoppedAt = ConcurrentHashMap.newKeySet();
  private volatile boolean gone;

  private JdiTarget(StopSink frontEnd, Uid uid, VirtualMachine vm, boolean root) {
    this.frontEnd = frontEnd;
    this.uid = uid;
    this.vm = vm;
    this.root = root;
  }

  /**
   * Attaches to the JDWP agent of {@code uid} at 127.0.0.1:{@code port}, sets the requests and
   * starts reading events.
   *
   * @throws IOException if the agent cannot be reached or refuses
   */
  static JdiTarget attach(StopSink frontEnd, Uid uid, int port, Duration timeout) throws IOException {
    AttachingConnector connector = connector("com.sun.jdi.SocketAttach");
    Map<String, Connector.Argument> args = connector.defaultArguments();
    args.get("hostname").setValue("127.0.0.1");
    args.get("port").setValue(Integer.toString(port));
    args.get("timeout").setValue(Long.toString(timeout.toMillis()));
    return attach(frontEnd, uid, connector, args, false, "JDWP address 127.0.0.1:" + port);
  }

  /**
   * Attaches to the JDWP agent of the root JVM {@code pid} (found through the Attach API: the
   * agent's {@code sun.jdwp.listenerAddress}), from the root's helper JVM.
   *
   * @throws IOException if the root has no JDWP server agent, or it refuses
   */
  static JdiTarget attachRoot(StopSink helper, Uid uid, long pid, Duration timeout) throws IOException {
    AttachingConnector connector = connector("com.sun.jdi.ProcessAttach");
    Map<String, Connector.Argument> args = connector.defaultArguments();
    args.get("pid").setValue(Long.toString(pid));
    if (args.containsKey("timeout")) args.get("timeout").setValue(Long.toString(timeout.toMillis()));
    return attach(helper, uid, connector, args, true, "the JDWP agent of process " + pid);
  }

  private static AttachingConnector connector(String name) throws IOException {
    return Bootstrap.virtualMachineManager().attachingConnectors().stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IOException("this JDK has no JDI connector " + name));
  }

  private static JdiTarget attach(StopSink sink, Uid uid, AttachingConnector connector, Map<String, Connector.Argument> args,
      boolean root, String what) throws IOException {
    VirtualMachine vm;
    try {
      vm = connector.attach(args);
    } catch (IllegalConnectorArgumentsException e) {
      throw new IOException("bad arguments for " + what, e);
    }
    JdiTarget t = new JdiTarget(sink, uid, vm, root);
    try {
      t.setUp();
    } catch (RuntimeException e) {
      vm.dispose();
      throw new IOException("could not set up the debugger in " + uid.pythonRepr() + ": " + e, e);
    }
    return t;
  }

  Uid uid() {
    return uid;
  }

  boolean isRoot() {
    return root;
  }

  VirtualMachine vm() {
    return vm;
  }

  boolean gone() {
    return gone;
  }

  private void setUp() {
    EventRequestManager erm = vm.eventRequestManager();
    ExceptionRequest er = erm.createExceptionRequest(null, true, true);
    er.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
    er.enable();
    // The agent class may load before or after we look: ask to hear of it first, then look.
    ClassPrepareRequest cp = erm.createClassPrepareRequest();
    cp.addClassFilter(DebugAgent.class.getName());
    cp.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
    cp.enable();
    for (ReferenceType t : vm.classesByName(DebugAgent.class.getName())) breakOnHit(t);
    Thread.ofPlatform().daemon().name("jtractor-debugger-events:" + uid.name()).start(this::readEvents);
  }

  /** Sets the pause breakpoint once the agent class is known (idempotent). */
  private synchronized void breakOnHit(ReferenceType agent) {
    EventRequestManager erm = vm.eventRequestManager();
    for (BreakpointRequest b : erm.breakpointRequests()) {
      if (b.location().declaringType().equals(agent)) return;
    }
    for (Method m : agent.methodsByName("hit")) {
      BreakpointRequest b = erm.createBreakpointRequest(m.location());
      b.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
      b.enable();
    }
  }

  private void readEvents() {
    try {
      while (true) {
        EventSet set = vm.eventQueue().remove();
        boolean kept = false;
        for (Event e : set) {
          if (e instanceof VMDeathEvent || e instanceof VMDisconnectEvent) {
            ended();
            return;
          }
          try {
            kept |= handle(set, e);
          } catch (VMDisconnectedException d) {
            throw d;
          } catch (RuntimeException | IncompatibleThreadStateException odd) {
            Log.RUNTIME.debug("debugger event of " + uid + " not handled: " + odd);
          }
        }
        if (!kept) set.resume();
      }
    } catch (VMDisconnectedException | InterruptedException e) {
      ended();
    }
  }

  /** Handles one event; returns whether its thread stays suspended (a stop was queued). */
  private boolean handle(EventSet set, Event e) throws IncompatibleThreadStateException {
    switch (e) {
      case ClassPrepareEvent cpe -> breakOnHit(cpe.referenceType());
      case BreakpointEvent be -> {
        if (be.thread().name().startsWith(DEBUGGER_THREADS)) return false;
        List<StackFrame> frames = be.thread().frames();
        ObjectReference handle = (ObjectReference) frames.get(0).getArgumentValues().get(0);
        frontEnd.enqueue(new JdiStop(this, set, be.thread(), Stop.Kind.PAUSE, handle, firstUserFrame(frames, frames.size())));
        return true;
      }
      case ExceptionEvent ee -> {
        int at = stopFrame(ee);
        if (at < 0) return false;
        if (root && (ee.thread().name().startsWith(DEBUGGER_THREADS) || servedInRoot(ee))) return false;
        frontEnd.enqueue(new JdiStop(this, set, ee.thread(), Stop.Kind.CRASH, ee.exception(), at));
        return true;
      }
      default -> {}
    }
    return false;
  }

  /** The frame to stop at for this exception, or -1 if it is not a crash of user code. */
  private int stopFrame(ExceptionEvent ee) throws IncompatibleThreadStateException {
    ObjectReference error = ee.exception();
    if (NEVER_STOP.contains(error.referenceType().name())) return -1;
    if (stoppedAt.contains(error.uniqueID())) return -1;
    Location catchAt = ee.catchLocation();
    boolean userCatch = catchAt != null && !Code.catchesForRuntime(catchAt.declaringType().name());
    // Most exceptions user code throws are handled by it: decide that without fetching frames.
    if (userCatch && !Catches.rethrows(LOADER, catchAt.declaringType().name(), catchAt.method().name(),
        catchAt.method().signature(), (int) catchAt.codeIndex())) return -1;
    List<StackFrame> frames = ee.thread().frames();
    int catchIndex = frames.size();
    if (catchAt != null) {
      for (int i = 0; i < frames.size(); i++) {
        if (frames.get(i).location().method().equals(catchAt.method())) {
          catchIndex = i;
          break;
        }
      }
      if (userCatch) catchIndex = whereItLeavesUserCode(frames, catchIndex, error);
      if (catchIndex < 0) return -1;
    }
    int user = firstUserFrame(frames, catchIndex);
    if (user < 0) return -1;
    stoppedAt.add(error.uniqueID());
    return user;
  }

  /**
   * For an exception whose user catch at frame {@code from} only runs on the way out (a finally, a
   * try-with-resources): the frame where the runtime (or nobody) takes it, or -1 if user code
   * further out handles it (or its class file cannot be read: then it is not a crash to stop at).
   */
  private static int whereItLeavesUserCode(List<StackFrame> frames, int from, ObjectReference error) {
    Set<String> types = new java.util.HashSet<>();
    for (ReferenceType t = error.referenceType(); t != null; t = t instanceof ClassType c ? c.superclass() : null) {
      types.add(t.name().replace('.', '/'));
    }
    for (int i = from + 1; i < frames.size(); i++) {
      Location loc = frames.get(i).location();
      String cls = loc.declaringType().name();
      if (Code.catchesForRuntime(cls)) return i;
      if (cls.indexOf('/') >= 0) continue; // a hidden class (a lambda's): no handlers, no class file
      Method m = loc.method(); // user code or the JDK: its exception table decides
      Catches.Handler h = Catches.handlerFor(LOADER, cls, m.name(), m.signature(), (int) loc.codeIndex(), types::contains);
      if (h == Catches.UNKNOWN) return -1;
      if (h != null && !Catches.rethrowsAt(LOADER, cls, m.name(), m.signature(), h)) return -1;
    }
    return frames.size();
  }

  /**
   * Whether the root served this exception already in-process (its crash reached a nursery's end
   * before this helper attached, or was let go at the throw site and now rises further).
   */
  private boolean servedInRoot(ExceptionEvent ee) {
    try {
      List<ReferenceType> agent = vm.classesByName(DebugAgent.class.getName());
      if (agent.isEmpty() || !(agent.getFirst() instanceof ClassType type)) return false;
      Method m = type.concreteMethodByName("servedBefore", "(Ljava/lang/Throwable;)Z");
      if (m == null) return false;
      Value v = type.invokeMethod(ee.thread(), m, List.of(ee.exception()), ClassType.INVOKE_SINGLE_THREADED);
      return v instanceof BooleanValue b && b.value();
    } catch (Exception e) {
      return false;
    }
  }

  private static int firstUserFrame(List<StackFrame> frames, int below) {
    for (int i = 0; i < below; i++) {
      if (Code.isUser(frames.get(i).location().declaringType().name())) return i;
    }
    return -1;
  }

  private void ended() {
    if (gone) return;
    gone = true;
    frontEnd.targetGone(this);
  }

  /** Lets the child go: every stopped thread resumes, and the connection closes. */
  void detach() {
    gone = true;
    try {
      vm.dispose();
    } catch (VMDisconnectedException already) {
      // nothing to let go of
    }
  }
}
