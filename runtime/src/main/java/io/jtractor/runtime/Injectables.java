package io.jtractor.runtime;

import io.jtractor.wire.Msg;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The parameter types the runtime fills in itself when it calls a function: a function whose
 * first parameter is one of them is not a plain call but a context or a stream, and the runtime
 * passes it a view of the call's {@link ContextLink}. The public API registers its {@code Context}
 * (tractor's {@code @context} functions) and {@code Emitter} (its async generators) here, so this
 * layer needs to know nothing of them.
 */
public final class Injectables {
  private Injectables() {}

  /**
   * How a function with such a first parameter is run.
   *
   * @param functype what the {@code functype} reply says: {@link Msg#CONTEXT} or {@link Msg#ASYNCGEN}
   * @param view makes the argument for one call
   */
  public record Injection(String functype, Function<ContextLink, Object> view) {
    public Injection {
      if (!Msg.CONTEXT.equals(functype) && !Msg.ASYNCGEN.equals(functype)) {
        throw new IllegalArgumentException("an injected parameter makes a context or an asyncgen, not " + functype);
      }
      Objects.requireNonNull(view, "view");
    }
  }

  private static final ConcurrentHashMap<Class<?>, Injection> BY_TYPE = new ConcurrentHashMap<>();

  /** Registers {@code type} (called from the type's static initializer). */
  public static void register(Class<?> type, String functype, Function<ContextLink, Object> view) {
    BY_TYPE.put(Objects.requireNonNull(type, "type"), new Injection(functype, view));
  }

  /** The injection for a first parameter of this type, or null if it is an ordinary parameter. */
  static Injection forParameter(Class<?> type) {
    if (type.isPrimitive() || type.isArray() || type.getClassLoader() == null) return null;
    Injection i = BY_TYPE.get(type);
    if (i != null) return i;
    try {
      Class.forName(type.getName(), true, type.getClassLoader()); // runs its registration, if any
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
    return BY_TYPE.get(type);
  }
}
