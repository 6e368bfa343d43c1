package io.jtractor.runtime;

import io.jtractor.wire.Uid;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The child command line carries a uid and an address as Python tuple literals, exactly as
 * tractor's spawner writes them ({@code --uid "('kid', 'e7c2...')"}, {@code --parent_addr
 * "('127.0.0.1', 6262)"}). This writes and reads that tiny subset of Python: a tuple of string
 * and integer literals.
 */
final class PythonLiteral {
  private PythonLiteral() {}

  static String uid(Uid uid) {
    return "(" + str(uid.name()) + ", " + str(uid.uuid()) + ")";
  }

  static String address(InetSocketAddress a) {
    return "(" + str(a.getHostString()) + ", " + a.getPort() + ")";
  }

  /** A Python string literal, as {@code repr()} would write it. */
  static String str(String s) {
    char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
    StringBuilder sb = new StringBuilder().append(q);
    for (char c : s.toCharArray()) {
      if (c == q || c == '\\') sb.append('\\').append(c);
      else if (c == '\n') sb.append("\\n");
      else sb.append(c);
    }
    return sb.append(q).toString();
  }

  static Uid parseUid(String literal) {
    List<Object> t = parseTuple(literal);
    if (t.size() != 2 || !(t.get(0) instanceof String n) || !(t.get(1) instanceof String u)) {
      throw new IllegalArgumentException("not a uid tuple: " + literal);
    }
    return new Uid(n, u);
  }

  static InetSocketAddress parseAddress(String literal) {
    List<Object> t = parseTuple(literal);
    if (t.size() != 2 || !(t.get(0) instanceof String h) || !(t.get(1) instanceof Long p)) {
      throw new IllegalArgumentException("not an address tuple: " + literal);
    }
    try {
      // A literal address needs no name service (whose first use costs ~15 ms in a fresh JVM).
      return new InetSocketAddress(java.net.InetAddress.ofLiteral(h), p.intValue());
    } catch (IllegalArgumentException notALiteral) {
      return new InetSocketAddress(h, p.intValue());
    }
  }

  static List<Object> parseTuple(String s) {
    int[] pos = {0};
    List<Object> out = new ArrayList<>();
    skip(s, pos);
    expect(s, pos, '(');
    while (true) {
      skip(s, pos);
      if (peek(s, pos) == ')') {
        pos[0]++;
        break;
      }
      char c = peek(s, pos);
      if (c == '\'' || c == '"') out.add(string(s, pos));
      else out.add(integer(s, pos));
      skip(s, pos);
      if (peek(s, pos) == ',') pos[0]++;
    }
    skip(s, pos);
    if (pos[0] != s.length()) throw new IllegalArgumentException("trailing text in " + s);
    return out;
  }

  private static String string(String s, int[] pos) {
    char q = s.charAt(pos[0]++);
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (pos[0] >= s.length()) throw new IllegalArgumentException("unterminated string in " + s);
      char c = s.charAt(pos[0]++);
      if (c == q) return sb.toString();
      if (c == '\\') {
        char e = s.charAt(pos[0]++);
        sb.append(e == 'n' ? '\n' : e);
      } else {
        sb.append(c);
      }
    }
  }

  private static Long integer(String s, int[] pos) {
    int start = pos[0];
    if (peek(s, pos) == '-') pos[0]++;
    while (pos[0] < s.length() && Character.isDigit(s.charAt(pos[0]))) pos[0]++;
    if (start == pos[0]) throw new IllegalArgumentException("expected a literal at " + start + " in " + s);
    return Long.parseLong(s.substring(start, pos[0]));
  }

  private static char peek(String s, int[] pos) {
    if (pos[0] >= s.length()) throw new IllegalArgumentException("unexpected end of " + s);
    return s.charAt(pos[0]);
  }

  private static void expect(String s, int[] pos, char c) {
    if (peek(s, pos) != c) throw new IllegalArgumentException("expected '" + c + "' at " + pos[0] + " in " + s);
    pos[0]++;
  }

  private static void skip(String s, int[] pos) {
    while (pos[0] < s.length() && Character.isWhitespace(s.charAt(pos[0]))) pos[0]++;
  }
}
