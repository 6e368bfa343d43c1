package io.jtractor.errors;

import io.jtractor.sc.ExceptionGroup;
import io.jtractor.wire.ErrorInfo;
import java.util.Map;

/**
 * Maps the type names in error messages to local classes: the Java class a jtractor peer named in
 * {@code java_type}, else the Java twin of a Python builtin (the reverse of the runtime's {@code
 * PythonErrorNames}; the table is in docs/design.md), else a {@code java.lang} class of that name.
 */
final class RemoteTypes {
  private RemoteTypes() {}

  /** Python builtins and tractor names that have a Java counterpart. */
  private static final Map<String, Class<? extends Throwable>> KNOWN =
      Map.ofEntries(
          Map.entry("AssertionError", AssertionError.class),
          Map.entry("TypeError", TypeError.class),
          Map.entry("AttributeError", AttributeError.class),
          Map.entry("ModuleNotExposed", ModuleNotExposed.class),
          Map.entry("ModuleNotFoundError", ModuleNotExposed.class),
          Map.entry("RemoteActorError", RemoteActorError.class),
          Map.entry("ContextCancelled", ContextCancelled.class),
          Map.entry("StreamOverrun", StreamOverrun.class),
          Map.entry("ActorFailure", ActorFailure.class),
          Map.entry("ValueError", IllegalArgumentException.class),
          Map.entry("KeyError", KeyError.class),
          Map.entry("IndexError", IndexOutOfBoundsException.class),
          Map.entry("ZeroDivisionError", ArithmeticException.class),
          Map.entry("ArithmeticError", ArithmeticException.class),
          Map.entry("OverflowError", ArithmeticException.class),
          Map.entry("NotImplementedError", UnsupportedOperationException.class),
          Map.entry("TimeoutError", java.util.concurrent.TimeoutException.class),
          Map.entry("RuntimeError", RuntimeException.class),
          Map.entry("PermissionError", SecurityException.class),
          Map.entry("FileNotFoundError", java.io.FileNotFoundException.class),
          Map.entry("FileExistsError", java.nio.file.FileAlreadyExistsException.class),
          Map.entry("ConnectionRefusedError", java.net.ConnectException.class),
          Map.entry("OSError", java.io.IOException.class),
          Map.entry("MemoryError", OutOfMemoryError.class),
          Map.entry("RecursionError", StackOverflowError.class),
          Map.entry("AsyncioCancelled", io.jtractor.sc.foreign.ForeignCancelled.class),
          Map.entry("ExceptionGroup", ExceptionGroup.class),
          Map.entry("BaseExceptionGroup", ExceptionGroup.class),
          Map.entry("Exception", Exception.class));

  static Class<? extends Throwable> resolve(ErrorInfo info) {
    Map<String, Object> f = info.fields();
    // A jtractor relay names the original type; the origin names its Java class.
    if (f.get(RemoteActorError.JAVA_TYPE) instanceof String fqn) {
      Class<? extends Throwable> c = load(fqn);
      if (c != null) return c;
    }
    String name = f.get(RemoteActorError.BOXED_TYPE_STR) instanceof String b ? b : info.typeStr();
    Class<? extends Throwable> known = KNOWN.get(name);
    if (known != null) return known;
    Class<? extends Throwable> lang = load("java.lang." + name);
    return lang != null ? lang : Exception.class;
  }

  /** Loads a Throwable class by name without initializing it (names come from the network). */
  private static Class<? extends Throwable> load(String fqn) {
    try {
      Class<?> c = Class.forName(fqn, false, RemoteTypes.class.getClassLoader());
      return Throwable.class.isAssignableFrom(c) ? c.asSubclass(Throwable.class) : null;
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }
}
