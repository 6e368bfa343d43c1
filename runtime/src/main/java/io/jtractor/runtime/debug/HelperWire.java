package io.jtractor.runtime.debug;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The root's pipe to its helper JVM ({@link RootHelper}): the helper's stdin one way, its stdout
 * the other; no port, so nothing else on the host can speak on it. A message is a list of strings:
 * its length, then each string as its UTF-8 length and bytes.
 *
 * <p>Messages, helper to root: {@code ready}, {@code fail <reason>}, {@code stop <id> <CRASH|PAUSE>
 * <initial frame>}, and the answer to each request: {@code ok <text>}, {@code none} (no value),
 * {@code err <reason>} (a value that cannot be read), {@code fail <reason>} (the stop cannot be
 * read at all). Root to helper, one request at a time: {@code <op> <stop id> [<frame> [<arg>]]},
 * op one of {@code error frames source locals print resume}.
 *
 * <p>Thread rule: writes are synchronized (the helper's event thread and its request loop both
 * write); one thread reads.
 */
final class HelperWire {
  /** A message larger than this is refused: both ends are ours, so it means the stream is broken. */
  private static final int MAX_STRING = 16 << 20;

  private final DataInputStream in;
  private final DataOutputStream out;

  HelperWire(InputStream in, OutputStream out) {
    this.in = new DataInputStream(new java.io.BufferedInputStream(in));
    this.out = new DataOutputStream(new java.io.BufferedOutputStream(out));
  }

  /** Sends one message. */
  synchronized void send(String... parts) throws IOException {
    out.writeInt(parts.length);
    for (String p : parts) {
      byte[] b = p.getBytes(StandardCharsets.UTF_8);
      out.writeInt(b.length);
      out.write(b);
    }
    out.flush();
  }

  /** The next message, or null at the end of the stream. */
  List<String> read() throws IOException {
    int n;
    try {
      n = in.readInt();
    } catch (EOFException end) {
      return null;
    }
    if (n < 0 || n > 64) throw new IOException("broken debugger pipe: a message of " + n + " parts");
    List<String> parts = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int len = in.readInt();
      if (len < 0 || len > MAX_STRING) throw new IOException("broken debugger pipe: a part of " + len + " bytes");
      parts.add(new String(in.readNBytes(len), StandardCharsets.UTF_8));
    }
    return parts;
  }

  void closeOutput() {
    try {
      out.close();
    } catch (IOException ignored) {
      // the other end is gone already
    }
  }
}
