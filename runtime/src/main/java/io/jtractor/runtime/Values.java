package io.jtractor.runtime;

import io.jtractor.wire.Uid;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns decoded wire values (see {@code io.jtractor.wire.Msgpack}) into the Java types a method
 * declares: numbers narrowed with range checks, lists into lists, sets or arrays, maps into maps
 * or records (by component name), strings into enums. The reverse direction needs nothing: the
 * codec encodes records, collections and enums itself.
 */
public final class Values {
  private Values() {}

  /**
   * Converts {@code wire} to {@code target}.
   *
   * @throws IllegalArgumentException if it does not fit, saying why
   */
  public static Object toJava(Object wire, Type target) {
    Class<?> raw = rawClass(target);
    if (java.util.concurrent.CompletionStage.class.isAssignableFrom(raw)
        && raw.isAssignableFrom(java.util.concurrent.CompletableFuture.class)) {
      // A function declared to return a future answers its value: the caller gets it completed.
      Type inner = target instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
      return java.util.concurrent.CompletableFuture.completedFuture(toJava(wire, inner));
    }
    if (target instanceof Class<?> c) return toClass(wire, c);
    if (target instanceof ParameterizedType p) return toParameterized(wire, p);
    if (target instanceof WildcardType w) return toJava(wire, w.getUpperBounds()[0]);
    if (target instanceof GenericArrayType g) {
      Type component = g.getGenericComponentType();
      return toArray(wire, rawClass(component), component);
    }
    return wire; // a type variable: nothing to check against
  }

  private static Class<?> rawClass(Type t) {
    if (t instanceof Class<?> c) return c;
    if (t instanceof ParameterizedType p) return (Class<?>) p.getRawType();
    return Object.class;
  }

  private static Object toClass(Object v, Class<?> c) {
    if (c == void.class || c == Void.class) {
      return null; // a procedure's result: whatever came (nil) means "done"
    }
    if (v == null) {
      if (c.isPrimitive()) throw new IllegalArgumentException("null where a " + c + " is required");
      return null;
    }
    if (c == Object.class) return v;
    if (c == long.class || c == Long.class) return asLong(v, Long.MIN_VALUE, Long.MAX_VALUE, c);
    if (c == int.class || c == Integer.class) return (int) asLong(v, Integer.MIN_VALUE, Integer.MAX_VALUE, c);
    if (c == short.class || c == Short.class) return (short) asLong(v, Short.MIN_VALUE, Short.MAX_VALUE, c);
    if (c == byte.class || c == Byte.class) return (byte) asLong(v, Byte.MIN_VALUE, Byte.MAX_VALUE, c);
    if (c == double.class || c == Double.class) return asNumber(v, c).doubleValue();
    if (c == float.class || c == Float.class) return asNumber(v, c).floatValue();
    if (c == boolean.class || c == Boolean.class) {
      if (v instanceof Boolean b) return b;
      throw mismatch(v, c);
    }
    if (c == char.class || c == Character.class) {
      if (v instanceof String s && s.length() == 1) return s.charAt(0);
      throw mismatch(v, c);
    }
    if (c == BigInteger.class) {
      if (v instanceof BigInteger b) return b;
      if (v instanceof Long l) return BigInteger.valueOf(l);
      throw mismatch(v, c);
    }
    if (c == Uid.class) return Uid.fromWire(v);
    if (c.isEnum()) {
      if (v instanceof String s) {
        for (Object k : c.getEnumConstants()) {
          if (((Enum<?>) k).name().equals(s)) return k;
        }
      }
      throw mismatch(v, c);
    }
    if (c.isRecord() && v instanceof Map<?, ?> m) return toRecord(m, c);
    if (c.isArray() && v instanceof List<?>) return toArray(v, c.getComponentType(), c.getComponentType());
    if (c.isArray() && c.getComponentType() == byte.class && v instanceof byte[]) return v;
    if ((c == List.class || c == Collection.class || c == Iterable.class) && v instanceof List<?> l) return new ArrayList<>(l);
    if (c == Set.class && v instanceof List<?> l) return new LinkedHashSet<>(l);
    if (c.isInstance(v)) return v;
    throw mismatch(v, c);
  }

  private static Object toParameterized(Object v, ParameterizedType p) {
    if (v == null) return null;
    Class<?> raw = (Class<?>) p.getRawType();
    Type[] args = p.getActualTypeArguments();
    if ((raw == List.class || raw == Collection.class || raw == Iterable.class || raw == Set.class) && v instanceof List<?> l) {
      Collection<Object> out = raw == Set.class ? new LinkedHashSet<>() : new ArrayList<>(l.size());
      for (Object e : l) out.add(toJava(e, args[0]));
      return out;
    }
    if (raw == Map.class && v instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      for (var e : m.entrySet()) out.put(toJava(e.getKey(), args[0]), toJava(e.getValue(), args[1]));
      return out;
    }
    return toClass(v, raw);
  }

  private static Object toArray(Object v, Class<?> component, Type genericComponent) {
    if (!(v instanceof List<?> l)) throw mismatch(v, component.arrayType());
    Object arr = Array.newInstance(component, l.size());
    for (int i = 0; i < l.size(); i++) Array.set(arr, i, toJava(l.get(i), genericComponent));
    return arr;
  }

  private static Object toRecord(Map<?, ?> m, Class<?> c) {
    RecordComponent[] comps = c.getRecordComponents();
    Class<?>[] types = new Class<?>[comps.length];
    Object[] args = new Object[comps.length];
    for (int i = 0; i < comps.length; i++) {
      types[i] = comps[i].getType();
      if (!m.containsKey(comps[i].getName()) && comps[i].getType().isPrimitive()) {
        throw new IllegalArgumentException("missing field '" + comps[i].getName() + "' for " + c.getSimpleName());
      }
      args[i] = toJava(m.get(comps[i].getName()), comps[i].getGenericType());
    }
    try {
      Constructor<?> ctor = c.getDeclaredConstructor(types);
      ctor.setAccessible(true);
      return ctor.newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("cannot build a " + c.getName() + ": " + e, e);
    }
  }

  private static long asLong(Object v, long min, long max, Class<?> c) {
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      long l = ((Number) v).longValue();
      if (l < min || l > max) throw new IllegalArgumentException(l + " is out of range for " + c.getSimpleName());
      return l;
    }
    throw mismatch(v, c);
  }

  private static Number asNumber(Object v, Class<?> c) {
    if (v instanceof Number n && !(v instanceof BigInteger)) return n;
    throw mismatch(v, c);
  }

  private static IllegalArgumentException mismatch(Object v, Class<?> c) {
    return new IllegalArgumentException(
        "a " + v.getClass().getSimpleName() + " (" + abbreviate(v) + ") cannot be a " + c.getSimpleName());
  }

  private static String abbreviate(Object v) {
    String s = v instanceof byte[] b ? b.length + " bytes" : String.valueOf(v);
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }
}
