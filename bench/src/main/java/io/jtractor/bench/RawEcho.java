package io.jtractor.bench;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The floor for a round trip: a plain JVM that echoes length-prefixed frames over loopback TCP,
 * one thread, no framework. Prints its port, then serves one connection until it closes. With the
 * argument {@code sink N} it instead reads N frames and then answers one (the one-way floor).
 */
public final class RawEcho {
  private RawEcho() {}

  public static void main(String[] args) throws Exception {
    String bind = System.getProperty("raw.bind"); // another host's address (HostsBench), else loopback
    try (ServerSocket server = new ServerSocket(0, 1, bind == null ? InetAddress.getLoopbackAddress() : InetAddress.getByName(bind))) {
      System.out.println(server.getLocalPort());
      System.out.flush();
      try (Socket s = server.accept()) {
        s.setTcpNoDelay(true);
        DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
        byte[] buf = new byte[1 << 16];
        if (args.length == 2 && args[0].equals("sink")) {
          long count = Long.parseLong(args[1]);
          for (long i = 0; i < count; i++) in.readFully(buf, 0, Integer.reverseBytes(in.readInt()));
          out.writeInt(Integer.reverseBytes(1));
          out.write(0);
          out.flush();
          return;
        }
        while (true) {
          int n;
          try {
            n = Integer.reverseBytes(in.readInt());
          } catch (java.io.EOFException eof) {
            return;
          }
          in.readFully(buf, 0, n);
          out.writeInt(Integer.reverseBytes(n));
          out.write(buf, 0, n);
          out.flush();
        }
      }
    }
  }
}
