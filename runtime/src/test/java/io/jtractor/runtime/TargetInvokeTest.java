package io.jtractor.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;

/**
 * How an exposed function is called ({@link Modules.Target#invoke}): what it returns or throws
 * comes back as itself, and a function that has thrown once is called through a method handle
 * from then on, so that its later failures (a cancelled context's callee, say) make no {@link
 * java.lang.reflect.InvocationTargetException}. Exceptions are watched through the flight
 * recorder's {@code jdk.JavaExceptionThrow} event on this thread.
 */
class TargetInvokeTest {

  /** Functions to call. */
  public static final class Fns {
    private Fns() {}

    public static long twice(long x) {
      return 2 * x;
    }

    public static String join(String... parts) {
      return String.join("+", parts);
    }

    public static void fail(String why) {
      throw new IllegalStateException(why);
    }
  }

  private static Modules.Target target(String func) {
    return new Modules(List.of(Fns.class)).resolve(Fns.class.getName(), func);
  }

  @Test
  void valuesVarargsAndVoidComeBackAsTheyWere() throws Exception {
    assertThat(target("twice").invoke(new Object[] {21L})).isEqualTo(42L);
    assertThat(target("join").invoke(new Object[] {new String[] {"a", "b"}})).isEqualTo("a+b");
    Modules.Target fail = target("fail");
    for (int i = 0; i < 2; i++) { // once through Method.invoke, then through the handle
      Throwable t = catchThrowable(() -> fail.invoke(fail.bind(Map.of("why", "no"))));
      assertThat(t).isExactlyInstanceOf(IllegalStateException.class).hasMessage("no");
      assertThat(t.getStackTrace()[0].getMethodName()).isEqualTo("fail");
    }
  }

  @Test
  void aFunctionThatThrewOnceIsCalledWithoutAnInvocationTargetExceptionAfterwards() throws Exception {
    Modules.Target fail = target("fail");
    catchThrowable(() -> fail.invoke(new Object[] {"the first call"})); // through Method.invoke
    long me = Thread.currentThread().threadId();
    List<String> made = new CopyOnWriteArrayList<>();
    try (RecordingStream rs = new RecordingStream()) {
      rs.enable("jdk.JavaExceptionThrow");
      rs.enable("jdk.JavaErrorThrow"); // without it, no exception events reach the stream (JDK 25)
      rs.onEvent("jdk.JavaExceptionThrow", e -> {
        if (e.getThread() != null && e.getThread().getJavaThreadId() == me) made.add(e.getClass("thrownClass").getName());
      });
      rs.startAsync();
      for (int call = 2; call <= 3; call++) {
        String why = "call " + call;
        catchThrowable(() -> fail.invoke(new Object[] {why}));
      }
      rs.stop(); // every event recorded so far has been handed to onEvent
    }
    assertThat(made).as("the function's own exceptions are seen").contains(IllegalStateException.class.getName());
    assertThat(made).doesNotContain("java.lang.reflect.InvocationTargetException");
  }
}
