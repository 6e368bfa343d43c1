package io.jtractor;

import io.jtractor.runtime.Modules;
import io.jtractor.wire.NamedValues;
import java.io.Serializable;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Typed references to remotely callable functions: pass a method reference to a public static
 * method ({@code Funcs::add}) and the compiler checks the argument and result types, while the
 * call goes over the wire by name ({@code ns} = the class's full name, {@code func} = the method's
 * name, keyword arguments = the parameter names).
 *
 * <p>Only method references to public static methods work; a lambda has no stable name to call
 * remotely and is refused with a clear error. The referenced class must be compiled with {@code
 * -parameters}.
 */
public final class Remote {
  private Remote() {}

  /** A remote function of no arguments. */
  @FunctionalInterface
  public interface Fn0<R> extends Serializable {
    R call() throws Exception;
  }

  /** A remote function of one argument. */
  @FunctionalInterface
  public interface Fn1<A, R> extends Serializable {
    R call(A a) throws Exception;
  }

  /** A remote function of two arguments. */
  @FunctionalInterface
  public interface Fn2<A, B, R> extends Serializable {
    R call(A a, B b) throws Exception;
  }

  /** A remote function of three arguments. */
  @FunctionalInterface
  public interface Fn3<A, B, C, R> extends Serializable {
    R call(A a, B b, C c) throws Exception;
  }

  /** A remote function of four arguments. */
  @FunctionalInterface
  public interface Fn4<A, B, C, D, R> extends Serializable {
    R call(A a, B b, C c, D d) throws Exception;
  }

  /** A remote procedure (a {@code void} method) of no arguments. */
  @FunctionalInterface
  public interface Proc0 extends Serializable {
    void call() throws Exception;
  }

  /** A remote procedure of one argument. */
  @FunctionalInterface
  public interface Proc1<A> extends Serializable {
    void call(A a) throws Exception;
  }

  /** A remote procedure of two arguments. */
  @FunctionalInterface
  public interface Proc2<A, B> extends Serializable {
    void call(A a, B b) throws Exception;
  }

  /** A remote procedure of three arguments. */
  @FunctionalInterface
  public interface Proc3<A, B, C> extends Serializable {
    void call(A a, B b, C c) throws Exception;
  }

  /** A remote context function of no arguments but its {@link Context}. */
  @FunctionalInterface
  public interface Ctx0<R> extends Serializable {
    R call(Context ctx) throws Exception;
  }

  /** A remote context function of one argument. */
  @FunctionalInterface
  public interface Ctx1<A, R> extends Serializable {
    R call(Context ctx, A a) throws Exception;
  }

  /** A remote context function of two arguments. */
  @FunctionalInterface
  public interface Ctx2<A, B, R> extends Serializable {
    R call(Context ctx, A a, B b) throws Exception;
  }

  /** A remote context function of three arguments. */
  @FunctionalInterface
  public interface Ctx3<A, B, C, R> extends Serializable {
    R call(Context ctx, A a, B b, C c) throws Exception;
  }

  /** A remote context procedure (returning nothing) of no arguments but its {@link Context}. */
  @FunctionalInterface
  public interface CtxProc0 extends Serializable {
    void call(Context ctx) throws Exception;
  }

  /** A remote context procedure of one argument. */
  @FunctionalInterface
  public interface CtxProc1<A> extends Serializable {
    void call(Context ctx, A a) throws Exception;
  }

  /** A remote context procedure of two arguments. */
  @FunctionalInterface
  public interface CtxProc2<A, B> extends Serializable {
    void call(Context ctx, A a, B b) throws Exception;
  }

  /** A remote streaming function of no arguments but its {@link Emitter}. */
  @FunctionalInterface
  public interface Gen0<T> extends Serializable {
    void call(Emitter<T> out) throws Exception;
  }

  /** A remote streaming function of one argument. */
  @FunctionalInterface
  public interface Gen1<T, A> extends Serializable {
    void call(Emitter<T> out, A a) throws Exception;
  }

  /** A remote streaming function of two arguments. */
  @FunctionalInterface
  public interface Gen2<T, A, B> extends Serializable {
    void call(Emitter<T> out, A a, B b) throws Exception;
  }

  /**
   * What a method reference names: a public static method and its class (the namespace). Its
   * parameter names are read once, when it is resolved.
   */
  public static final class Ref {
    private final Class<?> owner;
    private final Method method;
    /** The parameter names; null where the class was compiled without {@code -parameters}. */
    private final String[] names;

    /**
     * @param owner the class (its full name is the namespace)
     * @param method the public static method
     */
    public Ref(Class<?> owner, Method method) {
      this.owner = java.util.Objects.requireNonNull(owner, "owner");
      this.method = java.util.Objects.requireNonNull(method, "method");
      Parameter[] params = method.getParameters();
      this.names = new String[params.length];
      for (int i = 0; i < params.length; i++) names[i] = params[i].isNamePresent() ? params[i].getName() : null;
    }

    /** The class. */
    public Class<?> owner() {
      return owner;
    }

    /** The method. */
    public Method method() {
      return method;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Ref r && r.owner == owner && r.method.equals(method);
    }

    @Override
    public int hashCode() {
      return owner.hashCode() * 31 + method.hashCode();
    }

    @Override
    public String toString() {
      return "Ref[" + ns() + "." + func() + "]";
    }

    /** The namespace: the class's full name. */
    public String ns() {
      return owner.getName();
    }

    /** The function name. */
    public String func() {
      return method.getName();
    }

    /** Keyword arguments for {@code args}, by parameter name, in order; immutable. */
    public Map<String, Object> kwargs(Object... args) {
      return kwargsAfter(0, args);
    }

    /**
     * Keyword arguments for the parameters after the first {@code skip} ones (which the runtime
     * fills in: a context's {@link Context}, a stream's {@link Emitter}), in order; immutable.
     */
    public Map<String, Object> kwargsAfter(int skip, Object... args) {
      if (names.length - skip != args.length) {
        throw new IllegalArgumentException(func() + " takes " + (names.length - skip) + " arguments, got " + args.length);
      }
      for (int i = skip; i < names.length; i++) {
        if (names[i] == null) {
          throw new IllegalArgumentException(
              owner.getName() + " was compiled without -parameters: parameter names are needed for keyword arguments");
        }
      }
      return NamedValues.of(names, skip, args); // in order, in two arrays: no hash table per call
    }
  }

  /**
   * Resolves a method reference.
   *
   * @throws IllegalArgumentException for a lambda, or a method that is not public and static
   */
  public static Ref resolve(Serializable fn) {
    // A method reference's class is made once per call site: resolve each class once.
    Resolution r = RESOLVED.get(fn.getClass());
    if (r == null) {
      try {
        r = new Resolution(resolveUncached(fn), null);
      } catch (IllegalArgumentException e) {
        r = new Resolution(null, e);
      }
      RESOLVED.putIfAbsent(fn.getClass(), r);
    }
    if (r.error() != null) throw new IllegalArgumentException(r.error().getMessage(), r.error());
    return r.ref();
  }

  /** The outcome of resolving one method-reference class: its target, or why it has none. */
  private record Resolution(Ref ref, IllegalArgumentException error) {}

  /** Bounded by the number of call sites that pass method references. */
  private static final ConcurrentHashMap<Class<?>, Resolution> RESOLVED = new ConcurrentHashMap<>();

  private static Ref resolveUncached(Serializable fn) {
    SerializedLambda sl;
    try {
      Method writeReplace = fn.getClass().getDeclaredMethod("writeReplace");
      writeReplace.setAccessible(true);
      sl = (SerializedLambda) writeReplace.invoke(fn);
    } catch (ReflectiveOperationException | ClassCastException | SecurityException e) {
      throw new IllegalArgumentException("not a method reference: " + fn, e);
    }
    if (sl.getImplMethodKind() != MethodHandleInfo.REF_invokeStatic || sl.getImplMethodName().startsWith("lambda$")) {
      throw new IllegalArgumentException(
          "pass a method reference to a public static method (Owner::method), not a lambda or an instance method: "
              + sl.getImplClass().replace('/', '.') + "." + sl.getImplMethodName());
    }
    Class<?> owner;
    try {
      owner = Class.forName(sl.getImplClass().replace('/', '.'), false, fn.getClass().getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("cannot load " + sl.getImplClass(), e);
    }
    return new Ref(owner, Modules.requireRemotable(owner, sl.getImplMethodName(), sl.getImplMethodSignature()));
  }
}
