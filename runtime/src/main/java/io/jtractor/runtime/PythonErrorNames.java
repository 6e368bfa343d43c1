package io.jtractor.runtime;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code type_str} an error goes out under: the Python builtin twin of a Java exception where
 * there is a natural one (so a tractor peer's {@code RemoteActorError.type} is {@code ValueError},
 * not {@code Exception}), else the class's simple name, as before. The Java class's full name
 * always travels too, in jtractor's {@code java_type} field, and maps back on receipt.
 *
 * <p>A JDK class without an entry takes its nearest JDK ancestor's twin ({@code
 * NumberFormatException} is a {@code ValueError}), except that the catch-all bases ({@code
 * RuntimeException}, {@code Exception}, {@code Error}, {@code Throwable}) are twins of nothing but
 * themselves. Classes outside the JDK (jtractor's {@code TypeError}, a user's exception) keep
 * their own name. The table is in docs/design.md.
 */
public final class PythonErrorNames {
  private PythonErrorNames() {}

  private static final Map<Class<? extends Throwable>, String> TWINS = Map.ofEntries(
      Map.entry(IllegalArgumentException.class, "ValueError"),
      Map.entry(ClassCastException.class, "TypeError"),
      Map.entry(ArrayStoreException.class, "TypeError"),
      Map.entry(IndexOutOfBoundsException.class, "IndexError"),
      Map.entry(AssertionError.class, "AssertionError"),
      Map.entry(ArithmeticException.class, "ArithmeticError"), // "/ by zero": ZeroDivisionError, below
      Map.entry(UnsupportedOperationException.class, "NotImplementedError"),
      Map.entry(java.util.concurrent.TimeoutException.class, "TimeoutError"),
      Map.entry(java.net.SocketTimeoutException.class, "TimeoutError"),
      Map.entry(RuntimeException.class, "RuntimeError"),
      Map.entry(IllegalStateException.class, "RuntimeError"),
      Map.entry(java.util.ConcurrentModificationException.class, "RuntimeError"),
      Map.entry(SecurityException.class, "PermissionError"),
      Map.entry(java.nio.file.AccessDeniedException.class, "PermissionError"),
      Map.entry(java.io.FileNotFoundException.class, "FileNotFoundError"),
      Map.entry(java.nio.file.NoSuchFileException.class, "FileNotFoundError"),
      Map.entry(java.nio.file.FileAlreadyExistsException.class, "FileExistsError"),
      Map.entry(java.net.ConnectException.class, "ConnectionRefusedError"),
      Map.entry(java.io.IOException.class, "OSError"),
      Map.entry(java.io.UncheckedIOException.class, "OSError"),
      Map.entry(OutOfMemoryError.class, "MemoryError"),
      Map.entry(StackOverflowError.class, "RecursionError"));

  /** The bases that stand for "anything": twins only of themselves, never of a subclass. */
  private static final Set<Class<?>> CATCH_ALL =
      Set.of(Throwable.class, Exception.class, RuntimeException.class, Error.class);

  /** The {@code type_str} for {@code t}. */
  public static String of(Throwable t) {
    Class<?> c = t.getClass();
    String exact = TWINS.get(c);
    if (exact != null) return refine(exact, t);
    if (isJdk(c)) {
      for (Class<?> s = c.getSuperclass(); s != null && isJdk(s); s = s.getSuperclass()) {
        if (CATCH_ALL.contains(s)) break;
        String twin = TWINS.get(s);
        if (twin != null) return refine(twin, t);
      }
    }
    return c.getSimpleName();
  }

  /** An integer (or big-number) division by zero is Python's ZeroDivisionError. */
  private static String refine(String twin, Throwable t) {
    if (twin.equals("ArithmeticError") && t.getMessage() != null
        && t.getMessage().toLowerCase(Locale.ROOT).contains("by zero")) {
      return "ZeroDivisionError";
    }
    return twin;
  }

  private static boolean isJdk(Class<?> c) {
    String n = c.getName();
    return n.startsWith("java.") || n.startsWith("javax.");
  }
}
