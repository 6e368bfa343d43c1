package io.jtractor.runtime.debug;

import com.sun.jdi.AbsentInformationException;
import com.sun.jdi.ArrayReference;
import com.sun.jdi.ClassType;
import com.sun.jdi.Field;
import com.sun.jdi.IncompatibleThreadStateException;
import com.sun.jdi.InvocationException;
import com.sun.jdi.LocalVariable;
import com.sun.jdi.Location;
import com.sun.jdi.Method;
import com.sun.jdi.NativeMethodException;
import com.sun.jdi.ObjectReference;
import com.sun.jdi.PrimitiveValue;
import com.sun.jdi.ReferenceType;
import com.sun.jdi.StackFrame;
import com.sun.jdi.StringReference;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.Value;
import com.sun.jdi.event.EventSet;
import io.jtractor.wire.Uid;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A child's thread suspended through JDI at a crash (an exception event, before the stack
 * unwinds) or a pause (the breakpoint in {@link DebugAgent#hit}). Read on the front end's REPL
 * thread only; frames are fetched afresh for every command, because invoking {@code toString()}
 * in the child invalidates them.
 */
final class JdiStop implements Stop {
  private static final Set<String> BOXES = Set.of(
      "java.lang.Integer", "java.lang.Long", "java.lang.Short", "java.lang.Byte", "java.lang.Character",
      "java.lang.Boolean", "java.lang.Double", "java.lang.Float");

  /** How many array elements {@code print} shows. */
  private static final int ARRAY_SHOWN = 20;

  private final JdiTarget target;
  private final EventSet events;
  private final ThreadReference thread;
  private final Kind kind;
  /** The exception (crash) or the pause handle (pause). */
  private final ObjectReference subject;
  private final int initialFrame;
  /** Set once resumed (REPL thread only). */
  private boolean resumed;

  JdiStop(JdiTarget target, EventSet events, ThreadReference thread, Kind kind, ObjectReference subject, int initialFrame) {
    this.target = target;
    this.events = events;
    this.thread = thread;
    this.kind = kind;
    this.subject = subject;
    this.initialFrame = Math.max(0, initialFrame);
  }

  JdiTarget target() {
    return target;
  }

  @Override
  public Uid uid() {
    return target.uid();
  }

  @Override
  public Kind kind() {
    return kind;
  }

  @Override
  public String error() {
    if (kind != Kind.CRASH) return null;
    String text = invokeToString(subject);
    return text != null ? text : subject.referenceType().name() + ": " + field(subject, "detailMessage");
  }

  @Override
  public List<String> frames() {
    List<String> out = new ArrayList<>();
    for (StackFrame f : frameList()) out.add(describe(f.location()));
    return out;
  }

  @Override
  public int initialFrame() {
    return initialFrame;
  }

  @Override
  public SourcePos source(int i) {
    Location loc = frame(i).location();
    try {
      return new SourcePos(loc.sourcePath(), loc.lineNumber());
    } catch (AbsentInformationException e) {
      return null;
    }
  }

  @Override
  public String locals(int i) {
    StackFrame f = frame(i);
    StringBuilder sb = new StringBuilder();
    try {
      ObjectReference self = f.thisObject();
      if (self != null) sb.append("this = ").append(shortly(self)).append('\n');
      List<LocalVariable> vars = f.visibleVariables();
      var values = f.getValues(vars);
      for (LocalVariable v : vars) sb.append(v.name()).append(" = ").append(shortly(values.get(v))).append('\n');
      if (sb.isEmpty()) return "(no local variables)";
    } catch (AbsentInformationException e) {
      return "no variable names in " + describe(f.location()) + " (compiled without -g); arguments: " + shortArgs(f);
    } catch (NativeMethodException e) {
      return "a native method has no variables";
    }
    return sb.toString().stripTrailing();
  }

  private String shortArgs(StackFrame f) {
    List<String> out = new ArrayList<>();
    for (Value v : f.getArgumentValues()) out.add(shortly(v));
    return String.join(", ", out);
  }

  @Override
  public String print(int i, String expression) {
    String[] path = expression.strip().split("\\.");
    Value v = root(i, path[0]);
    for (int k = 1; k < path.length; k++) {
      String name = path[k];
      if (v instanceof ArrayReference a && name.equals("length")) {
        v = target.vm().mirrorOf(a.length());
      } else if (v instanceof ObjectReference o) {
        Field f = o.referenceType().fieldByName(name);
        if (f == null) throw new IllegalArgumentException(o.referenceType().name() + " has no field '" + name + "'");
        v = f.isStatic() ? o.referenceType().getValue(f) : o.getValue(f);
      } else {
        throw new IllegalArgumentException("'" + String.join(".", java.util.Arrays.copyOf(path, k)) + "' is " + (v == null ? "null" : "a primitive") + ": it has no field '" + name + "'");
      }
    }
    return fully(v);
  }

  /** A name in frame {@code i}: {@code this}, a local variable, or a field of this object or class. */
  private Value root(int i, String name) {
    StackFrame f = frame(i);
    if (name.equals("this")) {
      ObjectReference self = f.thisObject();
      if (self == null) throw new IllegalArgumentException("no 'this' in a static method");
      return self;
    }
    try {
      LocalVariable v = f.visibleVariableByName(name);
      if (v != null) return f.getValue(v);
    } catch (AbsentInformationException e) {
      // no names here: fields may still match
    }
    ObjectReference self = f.thisObject();
    ReferenceType type = f.location().declaringType();
    Field field = type.fieldByName(name);
    if (field != null) return field.isStatic() ? type.getValue(field) : self == null ? null : self.getValue(field);
    throw new IllegalArgumentException("no variable or field named '" + name + "' in " + describe(f.location()));
  }

  @Override
  public void resume(boolean quit) {
    if (resumed) return;
    resumed = true;
    try {
      if (kind == Kind.PAUSE) {
        ReferenceType h = subject.referenceType();
        subject.setValue(h.fieldByName("served"), target.vm().mirrorOf(true));
        if (quit) subject.setValue(h.fieldByName("quit"), target.vm().mirrorOf(true));
      } else {
        // The root keeps the crashes it served, so that the error rising further does not stop again.
        if (target.isRoot()) callAgent("served");
        if (quit) callAgent("quit");
      }
    } catch (Exception e) {
      // A gone child, or an agent that cannot be reached: let the thread go as it was.
      io.jtractor.runtime.Log.RUNTIME.debug("resuming " + uid() + ": " + e);
    } finally {
      try {
        events.resume();
      } catch (RuntimeException gone) {
        // the child is gone: nothing to resume
      }
    }
  }

  @Override
  public boolean gone() {
    return target.gone();
  }

  /** Calls {@code DebugAgent.<name>(subject)} in the debuggee, on the stopped thread. */
  private void callAgent(String name) throws Exception {
    ReferenceType agent = target.vm().classesByName(DebugAgent.class.getName()).getFirst();
    Method m = agent.methodsByName(name).getFirst();
    ((ClassType) agent).invokeMethod(thread, m, List.of(subject), ObjectReference.INVOKE_SINGLE_THREADED);
  }

  // ----------------------------------------------------------------------------------------------

  private List<StackFrame> frameList() {
    try {
      return thread.frames();
    } catch (IncompatibleThreadStateException e) {
      throw new IllegalStateException("the stopped thread is no longer suspended", e);
    }
  }

  private StackFrame frame(int i) {
    try {
      return thread.frame(i);
    } catch (IncompatibleThreadStateException e) {
      throw new IllegalStateException("the stopped thread is no longer suspended", e);
    }
  }

  static String describe(Location loc) {
    String file;
    try {
      file = loc.sourceName() + ":" + loc.lineNumber();
    } catch (AbsentInformationException e) {
      file = "Unknown Source";
    }
    return loc.declaringType().name() + "." + loc.method().name() + "(" + file + ")";
  }

  /** A value in a list of locals: strings and primitives in full, objects by type and toString. */
  private String shortly(Value v) {
    String s = fully(v);
    return s.length() > 200 ? s.substring(0, 197) + "..." : s;
  }

  private String fully(Value v) {
    return switch (v) {
      case null -> "null";
      case PrimitiveValue p -> p.toString();
      case StringReference s -> quote(s.value());
      case ArrayReference a -> array(a);
      case ObjectReference o when BOXES.contains(o.referenceType().name()) -> String.valueOf(field(o, "value"));
      case ObjectReference o -> {
        String text = invokeToString(o);
        yield text != null ? text : o.referenceType().name() + "@" + o.uniqueID();
      }
      default -> v.toString();
    };
  }

  private String array(ArrayReference a) {
    int n = a.length();
    List<String> items = new ArrayList<>();
    for (Value item : a.getValues(0, Math.min(n, ARRAY_SHOWN))) items.add(shortly(item));
    return a.referenceType().name().replace("[]", "[" + n + "]") + " {" + String.join(", ", items) + (n > ARRAY_SHOWN ? ", ..." : "") + "}";
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  private static Object field(ObjectReference o, String name) {
    Field f = o.referenceType().fieldByName(name);
    if (f == null) return "?";
    Value v = o.getValue(f);
    return v instanceof StringReference s ? s.value() : v;
  }

  /** The object's {@code toString()}, run in the child on the stopped thread; null if it failed. */
  private String invokeToString(ObjectReference o) {
    try {
      if (!(o.referenceType() instanceof ClassType type)) return null;
      Method m = type.concreteMethodByName("toString", "()Ljava/lang/String;");
      if (m == null) return null;
      Value v = o.invokeMethod(thread, m, List.of(), ObjectReference.INVOKE_SINGLE_THREADED);
      return v instanceof StringReference s ? s.value() : String.valueOf(v);
    } catch (InvocationException e) {
      return o.referenceType().name() + "@" + o.uniqueID() + " (its toString() threw " + e.exception().referenceType().name() + ")";
    } catch (Exception e) {
      return null;
    }
  }
}
