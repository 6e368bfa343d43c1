package io.jtractor.errors;

/**
 * A call named a namespace (a class) that the target actor has not enabled for RPC; nothing ran.
 * On the wire its type is {@code ModuleNotExposed}, as tractor's.
 */
public class ModuleNotExposed extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ModuleNotExposed(String message) {
    super(message);
  }
}
