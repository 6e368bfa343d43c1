package io.jtractor.runtime.remote;

import io.jtractor.runtime.RemoteTrust;
import io.jtractor.wire.Msgpack;
import java.io.ByteArrayInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;

/**
 * The entry point of a child actor's JVM on another host: reads the preamble {@link RemoteSpawn}
 * sends, sets up what a remote child needs, and hands over to the ordinary child entry point
 * ({@code ChildMain}) with the trust line on its stdin.
 *
 * <ul>
 *   <li>The TLS stores from the preamble are written to the private directory the boot script made
 *       ({@code -Djtractor.remote.dir}, removed when the JVM exits), and the trust line is pointed
 *       at them.
 *   <li>The actor binds the address of this host's interface that routes to the parent, so that
 *       the parent and its peers can reach it (not loopback).
 *   <li>Liveness: the rest of stdin is the parent's heartbeat. Its end (the SSH session is gone),
 *       or silence longer than the heartbeat timeout (the link is cut), kills this JVM's own
 *       children and ends it with {@value #ORPHANED}, as a local child does when its parent dies.
 * </ul>
 */
public final class RemoteChildMain {
  private RemoteChildMain() {}

  /** Exit status of a remote child that lost its parent (the same as a local one's). */
  static final int ORPHANED = 70;

  public static void main(String[] args) throws Exception {
    InputStream stdin = new FileInputStream(FileDescriptor.in);
    String preambleLine = readLine(stdin);
    String trustLine = readLine(stdin);
    if (preambleLine == null || trustLine == null) {
      System.err.println("remote child: no preamble and trust line on stdin");
      System.exit(2);
    }
    Map<?, ?> preamble = (Map<?, ?>) Msgpack.decode(Base64.getDecoder().decode(preambleLine.strip()));
    long heartbeatMs = preamble.get("heartbeat_ms") instanceof Long l ? l : 10_000;
    if (preamble.get("key_store") instanceof byte[] ks && preamble.get("trust_store") instanceof byte[] ts) {
      Path dir = Path.of(System.getProperty("jtractor.remote.dir", System.getProperty("java.io.tmpdir")));
      Path k = write(dir.resolve("key-store.p12"), ks);
      Path t = write(dir.resolve("trust-store.p12"), ts);
      trustLine = RemoteTrust.relocateTls(trustLine, k, t);
    }
    InetSocketAddress parent = RemoteTrust.parentAddress(args);
    if (parent != null && System.getProperty(RemoteTrust.BIND_HOST_PROPERTY) == null) {
      System.setProperty(RemoteTrust.BIND_HOST_PROPERTY, routeTo(parent));
    }
    watchHeartbeat(stdin, heartbeatMs);
    System.setIn(new ByteArrayInputStream((trustLine + "\n").getBytes(StandardCharsets.UTF_8)));
    Class.forName("io.jtractor.runtime.ChildMain").getMethod("main", String[].class).invoke(null, (Object) args);
  }

  /** The address of this host's interface that routes to {@code peer} (no packet is sent). */
  static String routeTo(InetSocketAddress peer) {
    try (DatagramSocket s = new DatagramSocket()) {
      s.connect(peer);
      return s.getLocalAddress().getHostAddress();
    } catch (IOException e) {
      return "0.0.0.0";
    }
  }

  private static Path write(Path file, byte[] bytes) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(file, bytes);
    return file;
  }

  /**
   * The next non-empty line of raw stdin, read byte by byte (nothing past it is consumed), or null
   * at its end. Empty lines are heartbeats, which may come before or between the two lines.
   */
  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int c; (c = in.read()) != -1; ) {
      if (c != '\n') sb.append((char) c);
      else if (!sb.isEmpty()) return sb.toString();
    }
    return sb.isEmpty() ? null : sb.toString();
  }

  /** Ends the JVM when the heartbeat stops: at the end of stdin at once, after silence within the timeout. */
  private static void watchHeartbeat(InputStream stdin, long timeoutMs) {
    long[] last = {System.nanoTime()};
    Thread.ofPlatform().daemon().name("jtractor-heartbeat-in").start(() -> {
      try {
        byte[] buf = new byte[64];
        while (stdin.read(buf) >= 0) {
          synchronized (last) {
            last[0] = System.nanoTime();
          }
        }
      } catch (IOException e) {
        // the session is gone
      }
      orphaned("its SSH session ended");
    });
    Thread.ofPlatform().daemon().name("jtractor-heartbeat-watch").start(() -> {
      while (true) {
        try {
          Thread.sleep(Math.min(100, timeoutMs / 10));
        } catch (InterruptedException e) {
          return;
        }
        long silent;
        synchronized (last) {
          silent = (System.nanoTime() - last[0]) / 1_000_000;
        }
        if (silent > timeoutMs) orphaned("no heartbeat from its parent for " + silent + " ms");
      }
    });
  }

  private static void orphaned(String why) {
    System.err.println("jtractor: remote child exits: " + why);
    System.err.flush();
    ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
    Runtime.getRuntime().halt(ORPHANED);
  }
}
