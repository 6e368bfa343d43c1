package io.jtractor.funcs;

import io.jtractor.wire.FrameReader;
import io.jtractor.wire.FrameWriter;
import io.jtractor.wire.Msg;
import io.jtractor.wire.Msgpack;
import io.jtractor.wire.Uid;
import io.jtractor.wire.WireException;
import java.io.BufferedInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An outsider: another process on the same host, with a raw socket and msgpack and no secret. It
 * attacks an actor the way the security tests list, in two guises, one connection each: as a plain
 * tractor peer (a hello with only a uid), and posing as a jtractor peer (a hello with jtractor's
 * capabilities and a nonce, then a made-up proof). It does not wait for the handshake's outcome:
 * its request follows its hello at once, as an attacker would send it.
 *
 * <p>{@code Outsider HOST PORT AS_NAME AS_UUID NS FUNC [KEY VALUE]...} sends {@code ns.func(**kwargs)}
 * as uid {@code (AS_NAME, AS_UUID)} (a value that looks like {@code name|uuid} becomes a uid, one
 * like {@code host:port} an address, digits a number). For each guise it prints {@code GUISE g},
 * then {@code GOT <frame>} for every frame it receives, then {@code CLOSED} when the actor closes
 * the connection, or {@code OPEN} if it is still open after two quiet seconds.
 */
public final class Outsider {
  private Outsider() {}

  public static void main(String[] a) throws Exception {
    String host = a[0];
    int port = Integer.parseInt(a[1]);
    Uid as = new Uid(a[2], a[3]);
    String ns = a[4];
    String func = a[5];
    Map<String, Object> kwargs = new LinkedHashMap<>();
    for (int i = 6; i + 1 < a.length; i += 2) kwargs.put(a[i], value(a[i + 1]));
    for (String guise : List.of("tractor", "jtractor")) {
      System.out.println("GUISE " + guise);
      attack(host, port, guise, as, new Msg.Cmd(ns, func, kwargs, as, "c0ffee00-0000-4000-8000-000000000001"));
    }
    System.out.flush();
  }

  private static void attack(String host, int port, String guise, Uid as, Msg.Cmd cmd) throws Exception {
    try (Socket s = new Socket(host, port)) {
      s.setSoTimeout(2_000);
      OutputStream out = s.getOutputStream();
      List<Object> hello = new ArrayList<>(as.toWire());
      if (guise.equals("jtractor")) {
        byte[] nonce = new byte[32];
        new SecureRandom().nextBytes(nonce);
        hello.add(Map.of("jtractor", 2L, "auth", nonce));
      }
      out.write(FrameWriter.frame(Msgpack.encode(hello)));
      if (guise.equals("jtractor")) {
        byte[] proof = new byte[32];
        new SecureRandom().nextBytes(proof);
        out.write(FrameWriter.frame(Msgpack.encode(Map.of("auth_proof", proof))));
      }
      out.write(FrameWriter.frame(Msgpack.encode(cmd.toWire())));
      out.flush();
      FrameReader in = new FrameReader(new BufferedInputStream(s.getInputStream()), 1 << 20);
      while (true) {
        try {
          System.out.println("GOT " + describe(Msgpack.decode(in.read())));
        } catch (WireException.TransportClosed closed) {
          if (closed.getCause() instanceof SocketTimeoutException) {
            System.out.println("OPEN");
          } else {
            System.out.println("CLOSED");
          }
          return;
        }
      }
    }
  }

  /** A frame as text: a message's kind, or "hello" / "auth_proof" for the handshake's frames. */
  private static String describe(Object frame) {
    if (frame instanceof List<?> l && l.size() >= 2 && l.get(0) instanceof String) return "hello";
    if (frame instanceof Map<?, ?> m && m.containsKey("auth_proof")) return "auth_proof";
    try {
      return String.valueOf(Msg.fromWire(frame));
    } catch (WireException e) {
      return "malformed " + frame;
    }
  }

  private static Object value(String v) {
    if (v.matches("\\d+")) return Long.parseLong(v);
    int bar = v.indexOf('|');
    if (bar > 0) return List.of(v.substring(0, bar), v.substring(bar + 1));
    int colon = v.lastIndexOf(':');
    if (colon > 0 && v.substring(colon + 1).matches("\\d+")) {
      return List.of(v.substring(0, colon), Long.parseLong(v.substring(colon + 1)));
    }
    return v;
  }
}
