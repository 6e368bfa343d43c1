package io.jtractor.runtime;

import io.jtractor.errors.AttributeError;
import io.jtractor.errors.ModuleNotExposed;
import io.jtractor.errors.TypeError;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The namespaces an actor exposes to RPC, and calling into them. A namespace is a class, named by
 * its full name (tractor's module path); its functions are its public static methods; keyword
 * arguments bind to parameters by name (classes are compiled with {@code -parameters}).
 *
 * <p>Nothing else is callable: an unknown namespace is {@link ModuleNotExposed}, an unknown
 * function {@link AttributeError}, arguments that do not fit {@link TypeError} — the type names a
 * tractor peer expects for the same mistakes.
 */
public final class Modules {
  private final Map<String, Class<?>> exposed;

  /** Exposes the given classes. */
  public Modules(List<Class<?>> classes) {
    Map<String, Class<?>> m = new LinkedHashMap<>();
    for (Class<?> c : classes) {
      Objects.requireNonNull(c, "exposed class");
      m.put(c.getName(), c);
    }
    this.exposed = Map.copyOf(m);
  }

  /** The exposed namespaces, by name. */
  public Map<String, Class<?>> exposed() {
    return exposed;
  }

  /**
   * A function found in an exposed namespace, ready to bind arguments to. Everything a call needs
   * that does not change from call to call (parameter names and types) is read once, here.
   */
  public static final class Target {
    /**
     * What a call makes of the function's declared result: a plain value sent back; a {@link
     * java.util.concurrent.CompletionStage} awaited and its value sent back (still a plain call);
     * a {@link java.util.concurrent.Flow.Publisher} streamed to the caller as an async generator.
     */
    public enum Shape { PLAIN, STAGE, PUBLISHER }

    private final String ns;
    private final String func;
    private final Method method;
    /**
     * The method as a handle that takes its arguments as one array, made once a call has thrown
     * ({@link #invoke}); null before, and {@link #NO_HANDLE} where none can be had (a package not
     * open to us). Written by the calling threads (a race makes a second, equal handle).
     */
    private volatile Object spread;
    private final Injectables.Injection injection;
    private final Shape shape;
    private final String[] names;
    private final Type[] types;

    /**
     * @param injection how its first parameter is filled in, if it is a context or a stream; null
     *     for a plain function
     */
    Target(String ns, String func, Method method, Injectables.Injection injection) {
      this.ns = ns;
      this.func = func;
      this.method = method;
      this.injection = injection;
      Class<?> result = method.getReturnType();
      this.shape = injection != null ? Shape.PLAIN
          : java.util.concurrent.CompletionStage.class.isAssignableFrom(result) ? Shape.STAGE
          : java.util.concurrent.Flow.Publisher.class.isAssignableFrom(result) ? Shape.PUBLISHER
          : Shape.PLAIN;
      Parameter[] params = method.getParameters();
      this.names = new String[params.length];
      this.types = new Type[params.length];
      for (int i = 0; i < params.length; i++) {
        names[i] = params[i].getName();
        types[i] = params[i].getParameterizedType();
      }
      if (Modifier.isPublic(method.getDeclaringClass().getModifiers())) {
        try {
          // Lets the handle below be had without an access check on our behalf (unreflect skips
          // it for an accessible method), and the Method.invoke fallback skip its check, which
          // walks the stack for the caller's class on every call. The method is public and static
          // in a public class the actor exposed: nothing new is opened.
          method.setAccessible(true);
        } catch (RuntimeException notOpen) {
          // A class in a named module that does not open its package: unreflect checks access
          // as ours, and Method.invoke is the fallback.
        }
      }
    }

    /**
     * {@link #spread} where no handle can be had: {@link Method#invoke} calls it always. Not a
     * handle itself: making any handle in a cold JVM costs what the lazy one saves.
     */
    private static final Object NO_HANDLE = new Object();

    /**
     * {@code m} as a handle taking an {@code Object[]} of its arguments and returning an {@code
     * Object} (null for void); {@link #NO_HANDLE} if it cannot be had.
     */
    private static Object spreader(Method m) {
      try {
        int n = m.getParameterCount();
        return MethodHandles.lookup()
            .unreflect(m)
            .asFixedArity() // a varargs function takes its array as it is, as Method.invoke does
            .asType(MethodType.genericMethodType(n))
            .asSpreader(Object[].class, n);
      } catch (IllegalAccessException | RuntimeException notAccessible) {
        return NO_HANDLE;
      }
    }

    /** The namespace. */
    public String ns() {
      return ns;
    }

    /** The function's name. */
    public String func() {
      return func;
    }

    /** The method called. */
    public Method method() {
      return method;
    }

    /** How the first parameter is filled in for a context or stream function; null for a plain one. */
    public Injectables.Injection injection() {
      return injection;
    }

    /**
     * What its declared result makes of a call (always {@link Shape#PLAIN} for a context or an
     * {@code Emitter} function).
     */
    public Shape shape() {
      return shape;
    }

    /** Whether a call runs linked to its caller (a context or a stream), with a context of its own. */
    public boolean isLinked() {
      return injection != null || shape == Shape.PUBLISHER;
    }

    /** What the {@code functype} reply says for this function. */
    public String functype() {
      if (injection != null) return injection.functype();
      return shape == Shape.PUBLISHER ? io.jtractor.wire.Msg.ASYNCGEN : io.jtractor.wire.Msg.ASYNCFUNC;
    }

    /**
     * Binds keyword arguments to parameters, converting values to the declared types. The first
     * slot of an injected function's arguments is left for the runtime.
     */
    public Object[] bind(Map<String, Object> kwargs) {
      int first = injection == null ? 0 : 1;
      int known = 0;
      for (int i = first; i < names.length; i++) {
        if (kwargs.containsKey(names[i])) known++;
      }
      if (known != kwargs.size()) { // rare: name the first unexpected one, in sorted order
        Set<String> unexpected = new TreeSet<>(kwargs.keySet());
        for (int i = first; i < names.length; i++) unexpected.remove(names[i]);
        throw new TypeError(func + "() got an unexpected keyword argument '" + unexpected.iterator().next() + "'");
      }
      Object[] args = new Object[names.length];
      for (int i = first; i < names.length; i++) {
        String name = names[i];
        Object value = kwargs.get(name);
        if (value == null && !kwargs.containsKey(name)) {
          throw new TypeError(func + "() missing required keyword argument: '" + name + "'");
        }
        try {
          args[i] = Values.toJava(value, types[i]);
        } catch (IllegalArgumentException e) {
          throw new TypeError(func + "() argument '" + name + "': " + e.getMessage(), e);
        }
      }
      return args;
    }

    /**
     * Calls the function; whatever it throws is thrown as itself.
     *
     * <p>Through {@link Method#invoke} until a call throws, through a method handle from then on.
     * {@code Method.invoke} wraps what the function throws, a cancellation included, in an {@link
     * InvocationTargetException}, whose stack trace costs more than the call: a function that
     * fails or is cancelled once (a context's callee, say) is likely to again. Making the first
     * handle in a cold JVM costs more than a child that serves one call should pay ({@code
     * Method.invoke} is warmed up as a child starts, see {@code ChildMain.warmUpReflection};
     * measured in docs/design.md, "The cancel's own CPU").
     *
     * @throws Exception what the function threw
     */
    public Object invoke(Object[] args) throws Exception {
      Throwable thrown;
      Object h = spread;
      if (h instanceof MethodHandle handle) {
        try {
          return (Object) handle.invokeExact(args);
        } catch (Throwable t) {
          thrown = t;
        }
      } else {
        try {
          return method.invoke(null, args);
        } catch (InvocationTargetException e) {
          thrown = e.getCause();
          if (h == null) spread = spreader(method);
        }
      }
      // In debug mode, an error the user quit at in the debugger leaves as a DebuggerQuit.
      throw Sneaky.raise(io.jtractor.runtime.debug.DebugAgent.substitute(thrown));
    }

    @Override
    public String toString() {
      return "Target[" + ns + "." + func + "]";
    }
  }

  /**
   * Finds {@code ns.func}.
   *
   * @throws ModuleNotExposed if {@code ns} is not exposed here
   * @throws AttributeError if it has no such public static method
   */
  public Target resolve(String ns, String func) {
    Target cached = resolved.get(new Key(ns, func));
    if (cached != null) return cached;
    Target t = resolveUncached(ns, func);
    resolved.putIfAbsent(new Key(ns, func), t);
    return t;
  }

  private record Key(String ns, String func) {}

  /** Functions found so far; failures are not cached (an error path need not be fast). */
  private final ConcurrentHashMap<Key, Target> resolved = new ConcurrentHashMap<>();

  private Target resolveUncached(String ns, String func) {
    Class<?> c = exposed.get(ns);
    if (c == null) {
      throw new ModuleNotExposed(
          "The requested module is not exposed for RPC: `" + ns + "`\nMake sure you exposed the target module, `"
              + ns + "`, using:\nActorNursery.startActor(<name>, " + simple(ns) + ".class)");
    }
    List<Method> candidates = new ArrayList<>();
    for (Method m : c.getMethods()) {
      if (m.getName().equals(func) && Modifier.isStatic(m.getModifiers()) && !m.isSynthetic()) candidates.add(m);
    }
    if (candidates.isEmpty()) {
      throw new AttributeError("namespace '" + ns + "' has no public static function '" + func + "'");
    }
    if (candidates.size() > 1) {
      candidates.sort((a, b) -> Integer.compare(a.getParameterCount(), b.getParameterCount()));
    }
    Method m = candidates.getFirst();
    if (candidates.size() > 1) {
      throw new TypeError("'" + ns + "." + func + "' is overloaded (" + candidates.size()
          + " methods); a remotely callable function must have one signature");
    }
    for (Parameter p : m.getParameters()) {
      if (!p.isNamePresent()) {
        throw new TypeError("'" + ns + "." + func + "' was compiled without -parameters: its parameter names"
            + " (needed to bind keyword arguments) are unknown");
      }
    }
    Injectables.Injection injection = m.getParameterCount() == 0 ? null : Injectables.forParameter(m.getParameterTypes()[0]);
    return new Target(ns, func, m, injection);
  }

  /** The method a typed reference points at, checked to be callable remotely. */
  public static Method requireRemotable(Class<?> c, String name, String descriptor) {
    for (Method m : c.getDeclaredMethods()) {
      if (m.getName().equals(name) && descriptor(m).equals(descriptor)) {
        if (!Modifier.isStatic(m.getModifiers()) || !Modifier.isPublic(m.getModifiers()) || !Modifier.isPublic(c.getModifiers())) {
          throw new IllegalArgumentException(c.getName() + "." + name
              + " must be a public static method of a public class to be called remotely");
        }
        return m;
      }
    }
    throw new IllegalArgumentException("no method " + c.getName() + "." + name + descriptor);
  }

  private static String descriptor(Method m) {
    StringBuilder sb = new StringBuilder("(");
    for (Class<?> p : m.getParameterTypes()) sb.append(p.descriptorString());
    return sb.append(')').append(m.getReturnType().descriptorString()).toString();
  }

  private static String simple(String ns) {
    int dot = ns.lastIndexOf('.');
    return dot < 0 ? ns : ns.substring(dot + 1);
  }

  @Override
  public String toString() {
    return "Modules" + Arrays.toString(exposed.keySet().toArray());
  }
}
