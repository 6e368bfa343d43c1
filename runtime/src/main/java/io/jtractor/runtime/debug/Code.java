package io.jtractor.runtime.debug;

/**
 * Which classes are the user's and which the runtime's, by name: what decides whether an error
 * "leaves a user function" (it crossed a user frame and is caught by the runtime, by reflection
 * on the runtime's behalf, or by nobody) and which frame a REPL starts at.
 */
final class Code {
  private Code() {}

  /** jtractor's own layers; {@code io.jtractor} itself is the public API (its classes, not subpackages). */
  private static final String[] RUNTIME_PACKAGES = {"io.jtractor.runtime.", "io.jtractor.sc.", "io.jtractor.wire."};

  private static final String[] JDK_PACKAGES = {"java.", "javax.", "jdk.", "sun.", "com.sun."};

  /** Where an error is caught on the runtime's behalf: reflective invocation, a thread's end. */
  private static final String[] RUNTIME_CATCHERS = {
    "jdk.internal.reflect.", "java.lang.reflect.", "java.lang.invoke.", "java.lang.Thread", "java.lang.VirtualThread"
  };

  /** Whether {@code className} is jtractor's runtime (its API package included). */
  static boolean isRuntime(String className) {
    for (String p : RUNTIME_PACKAGES) {
      if (className.startsWith(p)) return true;
    }
    return className.startsWith("io.jtractor.") && className.indexOf('.', "io.jtractor.".length()) < 0;
  }

  /** Whether {@code className} belongs to the JDK. */
  static boolean isJdk(String className) {
    for (String p : JDK_PACKAGES) {
      if (className.startsWith(p)) return true;
    }
    return false;
  }

  /** Whether {@code className} is user code: neither the JDK nor jtractor's runtime. */
  static boolean isUser(String className) {
    return !isJdk(className) && !isRuntime(className);
  }

  /**
   * Whether an error caught in {@code className} counts as unhandled by the user: the runtime's
   * own catch (an RPC's end, a nursery's), reflection's wrapping on the runtime's behalf, or a
   * thread's last resort.
   */
  static boolean catchesForRuntime(String className) {
    if (isRuntime(className)) return true;
    for (String p : RUNTIME_CATCHERS) {
      if (className.startsWith(p)) return true;
    }
    return false;
  }
}
