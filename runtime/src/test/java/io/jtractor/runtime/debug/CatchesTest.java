package io.jtractor.runtime.debug;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Which catches in user code only run on the way out (the debugger stops at the throw site of an
 * exception that leaves user code through them), read from this class's own methods below.
 */
@DisplayName("catches that only run on the way out: finally, try-with-resources, rethrow")
class CatchesTest {
  private static final String ME = CatchesTest.class.getName();
  private static final ClassLoader LOADER = CatchesTest.class.getClassLoader();
  private static final Set<String> ASSERTION_ERROR = Set.of("java/lang/AssertionError", "java/lang/Error", "java/lang/Throwable");

  static void tryWithResources() {
    try (StringReader r = new StringReader("")) {
      int zero = 0;
      if (zero == 0) throw new AssertionError("assert 0");
    }
  }

  static void tryFinally() {
    try {
      throw new AssertionError("x");
    } finally {
      System.out.flush();
    }
  }

  static void handled() {
    try {
      throw new AssertionError("x");
    } catch (AssertionError e) {
      System.out.println(e.getMessage());
    }
  }

  static void loggedAndRethrown() {
    try {
      throw new AssertionError("x");
    } catch (Throwable t) {
      System.out.println(t.getMessage());
      throw t;
    }
  }

  static void dropped() {
    try {
      throw new AssertionError("x");
    } catch (AssertionError ignored) {
      // nothing
    }
  }

  static void notCovered() {
    System.out.flush();
  }

  private static Catches.Handler handlerOf(String method) {
    // the throw is the first instruction the try covers: find the handler for any index it covers
    for (int bci = 0; bci < 64; bci++) {
      Catches.Handler h = Catches.handlerFor(LOADER, ME, method, "()V", bci, ASSERTION_ERROR::contains);
      if (h != null) return h;
    }
    return null;
  }

  private static boolean rethrows(String method) {
    Catches.Handler h = handlerOf(method);
    assertThat(h).as(method).isNotNull();
    return Catches.rethrowsAt(LOADER, ME, method, "()V", h);
  }

  @Test
  void tryWithResourcesAndFinallyRethrow() {
    assertThat(rethrows("tryWithResources")).isTrue();
    assertThat(rethrows("tryFinally")).isTrue();
    assertThat(handlerOf("tryFinally").type()).isNull();
  }

  @Test
  void aCatchThatThrowsTheSameVariableAgainRethrows() {
    assertThat(rethrows("loggedAndRethrown")).isTrue();
  }

  @Test
  void aCatchThatKeepsGoingHandlesIt() {
    assertThat(rethrows("handled")).isFalse();
    assertThat(rethrows("dropped")).isFalse();
  }

  @Test
  void noHandlerOrNoClassFile() {
    assertThat(handlerOf("notCovered")).isNull();
    assertThat(Catches.handlerFor(LOADER, "no.such.Clazz", "m", "()V", 0, t -> true)).isSameAs(Catches.UNKNOWN);
    assertThat(Catches.rethrows(LOADER, "no.such.Clazz", "m", "()V", 0)).isFalse();
  }
}
