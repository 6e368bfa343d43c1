package io.jtractor.funcs;

/** A namespace whose class cannot initialise: a child that exposes it fails to boot. */
public final class BrokenModule {
  private BrokenModule() {}

  static final int VALUE = fail();

  private static int fail() {
    throw new IllegalStateException("this module cannot be imported");
  }

  public static int value() {
    return VALUE;
  }
}
