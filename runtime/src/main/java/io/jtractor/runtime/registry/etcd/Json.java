package io.jtractor.runtime.registry.etcd;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough JSON for etcd's gateway: objects, arrays, strings, numbers (as {@code Long} or
 * {@code Double}), booleans and null, both ways. The runtime has no JSON library and needs none
 * besides this.
 */
final class Json {
  private final String s;
  private int i;

  private Json(String s) {
    this.s = s;
  }

  /**
   * Parses one JSON value.
   *
   * @throws IllegalArgumentException if {@code text} is not JSON
   */
  static Object parse(String text) {
    Json p = new Json(text);
    Object v = p.value();
    p.space();
    if (p.i != p.s.length()) throw p.error("trailing text");
    return v;
  }

  /** {@code value} (maps, lists, strings, numbers, booleans, null) as JSON text. */
  static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value);
    return sb.toString();
  }

  private static void write(StringBuilder sb, Object v) {
    switch (v) {
      case null -> sb.append("null");
      case String str -> {
        sb.append('"');
        for (char c : str.toCharArray()) {
          switch (c) {
            case '"' -> sb.append("\\\"");
            case '\\' -> sb.append("\\\\");
            case '\n' -> sb.append("\\n");
            case '\r' -> sb.append("\\r");
            case '\t' -> sb.append("\\t");
            default -> {
              if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
              else sb.append(c);
            }
          }
        }
        sb.append('"');
      }
      case Map<?, ?> m -> {
        sb.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          if (!first) sb.append(',');
          first = false;
          write(sb, String.valueOf(e.getKey()));
          sb.append(':');
          write(sb, e.getValue());
        }
        sb.append('}');
      }
      case List<?> l -> {
        sb.append('[');
        for (int k = 0; k < l.size(); k++) {
          if (k > 0) sb.append(',');
          write(sb, l.get(k));
        }
        sb.append(']');
      }
      case Number n -> sb.append(n);
      case Boolean b -> sb.append(b);
      default -> throw new IllegalArgumentException("not JSON: " + v.getClass().getName());
    }
  }

  private Object value() {
    space();
    if (i >= s.length()) throw error("end of text");
    char c = s.charAt(i);
    return switch (c) {
      case '{' -> object();
      case '[' -> array();
      case '"' -> string();
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", null);
      default -> number();
    };
  }

  private Map<String, Object> object() {
    Map<String, Object> m = new LinkedHashMap<>();
    i++;
    space();
    if (peek('}')) return m;
    while (true) {
      space();
      String k = string();
      space();
      expect(':');
      m.put(k, value());
      space();
      if (peek('}')) return m;
      expect(',');
    }
  }

  private List<Object> array() {
    List<Object> l = new ArrayList<>();
    i++;
    space();
    if (peek(']')) return l;
    while (true) {
      l.add(value());
      space();
      if (peek(']')) return l;
      expect(',');
    }
  }

  private String string() {
    expect('"');
    StringBuilder sb = new StringBuilder();
    while (i < s.length()) {
      char c = s.charAt(i++);
      if (c == '"') return sb.toString();
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      char e = s.charAt(i++);
      switch (e) {
        case 'n' -> sb.append('\n');
        case 't' -> sb.append('\t');
        case 'r' -> sb.append('\r');
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'u' -> {
          sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
          i += 4;
        }
        default -> sb.append(e);
      }
    }
    throw error("unterminated string");
  }

  private Object number() {
    int start = i;
    while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
    String n = s.substring(start, i);
    if (n.isEmpty()) throw error("unexpected character");
    if (n.contains(".") || n.contains("e") || n.contains("E")) return Double.parseDouble(n);
    return Long.parseLong(n);
  }

  private Object literal(String word, Object v) {
    if (!s.startsWith(word, i)) throw error("unexpected word");
    i += word.length();
    return v;
  }

  private boolean peek(char c) {
    if (i < s.length() && s.charAt(i) == c) {
      i++;
      return true;
    }
    return false;
  }

  private void expect(char c) {
    if (!peek(c)) throw error("expected '" + c + "'");
  }

  private void space() {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
  }

  private IllegalArgumentException error(String why) {
    return new IllegalArgumentException("bad JSON at " + i + ": " + why);
  }
}
