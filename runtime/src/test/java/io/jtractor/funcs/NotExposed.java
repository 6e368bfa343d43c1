package io.jtractor.funcs;

/** A namespace no test actor exposes. */
public final class NotExposed {
  private NotExposed() {}

  public static String secret() {
    return "leaked";
  }
}
