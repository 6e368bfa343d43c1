package io.jtractor.runtime.debug;

import com.sun.jdi.Bootstrap;
import com.sun.jdi.IncompatibleThreadStateException;
import com.sun.jdi.Location;
import com.sun.jdi.Method;
import com.sun.jdi.ObjectReference;
import com.sun.jdi.ReferenceType;
import com.sun.jdi.StackFrame;
import com.sun.jdi.VMDisconnectedException;
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
 * The root's JDI connection to one debugged child JVM: the requests it sets (every exception,
 * and a breakpoint on {@link DebugAgent#hit}), and a thread that reads the child's events and
 * turns the ones that matter into {@link JdiStop}s for the front end.
 *
 * <p>Which exceptions stop: one that crossed a user frame and is caught on the runtime's behalf
 * (see {@link Code#catchesForRuntime}) or by nobody, and is neither a cancellation nor a {@code
 * DebuggerQuit}; each exception object once (a nursery that re-raises it does not stop again).
 * An exception that user code catches itself is resumed at once. Every exception thrown in the
 * child costs one event round trip to the root: the price of stopping before the stack unwinds.
 *
 * <p>Thread rule: the event thread alone reads the queue and decides; {@link #gone} is volatile.
 */
final class JdiTarget {

  /** Exceptions that are control flow, never a crash to debug. */
  private static final Set<String> NEVER_STOP = Set.of(
      "io.jtractor.sc.Cancelled",
      "io.jtractor.ContextCancelled",
      "io.jtractor.DebuggerQuit",
      "java.lang.InterruptedException",
      "java.nio.channels.ClosedByInterruptException");

  private final FrontEnd frontEnd;
  private final Uid uid;
  private final VirtualMachine vm;
  /** Exceptions already stopped at (by unique id); read and written by the event thread only. */
  private final Set<Long> stoppedAt = ConcurrentHashMap.newKeySet();
  private volatile boolean gone;

  private JdiTarget(FrontEnd frontEnd, Uid uid, VirtualMachine vm) {
    this.frontEnd = frontEnd;
    this.uid = uid;
    this.vm = vm;
  }

  /**
   * Attaches to the JDWP agent of {@code uid} at 127.0.0.1:{@code port}, sets the requests and
   * starts reading events.
   *
   * @throws IOException if the agent cannot be reached or refuses
   */
  static JdiTarget attach(FrontEnd frontEnd, Uid uid, int port, Duration timeout) throws IOException {
    AttachingConnector connector = Bootstrap.virtualMachineManager().attachingConnectors().stream()
        .filter(c -> c.name().equals("com.sun.jdi.SocketAttach"))
        .findFirst()
        .orElseThrow(() -> new IOException("this JDK has no JDI socket connector"));
    Map<String, Connector.Argument> args = connector.defaultArguments();
    args.get("hostname").setValue("127.0.0.1");
    args.get("port").setValue(Integer.toString(port));
    args.get("timeout").setValue(Long.toString(timeout.toMillis()));
    VirtualMachine vm;
    try {
      vm = connector.attach(args);
    } catch (IllegalConnectorArgumentsException e) {
      throw new IOException("bad JDWP address 127.0.0.1:" + port, e);
    }
    JdiTarget t = new JdiTarget(frontEnd, uid, vm);
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
        List<StackFrame> frames = be.thread().frames();
        ObjectReference handle = (ObjectReference) frames.get(0).getArgumentValues().get(0);
        frontEnd.enqueue(new JdiStop(this, set, be.thread(), Stop.Kind.PAUSE, handle, firstUserFrame(frames, frames.size())));
        return true;
      }
      case ExceptionEvent ee -> {
        int at = stopFrame(ee);
        if (at < 0) return false;
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
    Location catchAt = ee.catchLocation();
    if (catchAt != null && !Code.catchesForRuntime(catchAt.declaringType().name())) return -1;
    if (stoppedAt.contains(error.uniqueID())) return -1;
    List<StackFrame> frames = ee.thread().frames();
    int catchIndex = frames.size();
    if (catchAt != null) {
      for (int i = 0; i < frames.size(); i++) {
        if (frames.get(i).location().method().equals(catchAt.method())) {
          catchIndex = i;
          break;
        }
      }
    }
    int user = firstUserFrame(frames, catchIndex);
    if (user < 0) return -1;
    stoppedAt.add(error.uniqueID());
    return user;
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
