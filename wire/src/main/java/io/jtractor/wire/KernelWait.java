package io.jtractor.wire;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A wait for a plain TCP socket to become readable that blocks the calling thread in the kernel,
 * {@code poll(2)} through the FFM API, even on a virtual thread: the peer's reply then wakes that
 * thread's carrier directly. The JDK's own wait parks a virtual thread on its poller, whose thread
 * wakes first and then wakes a carrier: one thread wake-up more per message (docs/design.md, "A
 * virtual thread waiting in poll").
 *
 * <p>Only on Linux, and only where this module may call native code ({@code
 * --enable-native-access}); elsewhere {@link #AVAILABLE} is false and callers use the JDK's wait.
 * The socket's descriptor is found once per connection through {@code /proc}: the row of {@code
 * /proc/net/tcp} (or {@code tcp6}) with the socket's two endpoints names its inode, and the link
 * of {@code /proc/self/fd} that points at that inode is the descriptor. Nothing is read or written
 * through the descriptor: a wrong or stale one could only make a wait end early or late.
 *
 * <p>A carrier blocked here runs no other virtual thread, so at most {@link #CARRIERS} virtual
 * threads wait here at once; others use the JDK's wait. Each wait is short: the caller bounds it
 * (1 ms in the runtime). A platform thread waits here too: after it, a plain read takes what
 * arrived, where a read with a time limit would switch the JDK's socket to non-blocking mode for
 * good (three system calls per wait instead of one).
 *
 * <p>Threads: any; the counter of waiters is atomic.
 */
final class KernelWait {
  private KernelWait() {}

  private static final MethodHandle POLL = pollHandle();

  /** Whether waits can block in the kernel here. */
  static final boolean AVAILABLE = POLL != null;

  /** How many threads may wait here at once: half the virtual threads' carriers, at least one. */
  static final int CARRIERS = Math.max(1, carriers() / 2);

  private static final AtomicInteger WAITING = new AtomicInteger();

  private static final short POLLIN = 1;

  /**
   * Waits at most {@code millis} for {@code fd} to become readable (or to fail, or to end).
   *
   * @return 1 if it is, 0 if the time ran out, -1 if this wait cannot be made now (not available,
   *     enough threads waiting here already, or {@code poll} failed): wait the JDK's way instead
   */
  static int readable(int fd, int millis) {
    if (!AVAILABLE || fd < 0) return -1;
    try (Arena arena = Arena.ofConfined()) {
      return readable(fd, millis, arena.allocate(POLLFD_SIZE, POLLFD_ALIGN));
    }
  }

  /** A {@code struct pollfd { int fd; short events; short revents; }}. */
  private static final long POLLFD_SIZE = 8;
  private static final long POLLFD_ALIGN = 4;

  /**
   * Memory for the {@code struct pollfd} of one connection's waits, kept for its life and freed
   * once unreachable: a wait that brings its own ({@link #readable(int, int, MemorySegment)}) makes
   * no arena and calls no {@code malloc} and {@code free} (each of those, per wait, was a fifth of
   * what a C1 child allocated per stream echo). Null where waits cannot be made here.
   */
  static MemorySegment pollfd() {
    return AVAILABLE ? Arena.ofAuto().allocate(POLLFD_SIZE, POLLFD_ALIGN) : null;
  }

  /**
   * {@link #readable(int, int)} in {@code pollfd} ({@link #pollfd()}), which no other wait uses
   * meanwhile.
   */
  static int readable(int fd, int millis, MemorySegment pollfd) {
    if (!AVAILABLE || fd < 0) return -1;
    boolean carrier = Thread.currentThread().isVirtual(); // a platform thread blocks only itself
    if (carrier && WAITING.incrementAndGet() > CARRIERS) {
      WAITING.decrementAndGet();
      return -1;
    }
    try {
      pollfd.set(ValueLayout.JAVA_INT, 0, fd);
      pollfd.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
      pollfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
      int n = (int) POLL.invokeExact(pollfd, 1L, millis);
      return n > 0 ? 1 : n == 0 ? 0 : -1; // -1: EINTR and the like, for the JDK's wait to sort out
    } catch (Throwable t) {
      return -1;
    } finally {
      if (carrier) WAITING.decrementAndGet();
    }
  }

  /** The descriptor of {@code socket}, a connected TCP socket of this process; -1 if not found. */
  static int descriptorOf(Socket socket) {
    if (!AVAILABLE) return -1;
    try {
      if (!(socket.getLocalSocketAddress() instanceof InetSocketAddress local)
          || !(socket.getRemoteSocketAddress() instanceof InetSocketAddress remote)) return -1;
      String inode = inodeOf(local, remote);
      if (inode == null) return -1;
      String target = "socket:[" + inode + "]";
      try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
        for (Path fd : fds) {
          try {
            if (Files.readSymbolicLink(fd).toString().equals(target)) return Integer.parseInt(fd.getFileName().toString());
          } catch (IOException | NumberFormatException closedMeanwhile) {
            // a descriptor closed while we looked: not ours
          }
        }
      }
      return -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The inode of the established TCP connection from {@code local} to {@code remote}, or null. */
  private static String inodeOf(InetSocketAddress local, InetSocketAddress remote) throws IOException {
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path p = Path.of(table);
      if (!Files.isReadable(p)) continue;
      String l = endpoint(local, table.endsWith("6"));
      String r = endpoint(remote, table.endsWith("6"));
      if (l == null || r == null) continue;
      for (String line : Files.readAllLines(p)) {
        String[] f = line.trim().split("\\s+");
        // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
        if (f.length > 9 && f[1].equals(l) && f[2].equals(r)) return f[9];
      }
    }
    return null;
  }

  /**
   * An endpoint as {@code /proc/net/tcp[6]} writes it: the address's bytes in hex, each 32-bit
   * word in the kernel's (little-endian) order, then the port in hex. An IPv4 address appears in
   * {@code tcp6} as an IPv4-mapped IPv6 one; null if it cannot appear in that table.
   */
  static String endpoint(InetSocketAddress a, boolean six) {
    InetAddress addr = a.getAddress();
    if (addr == null) return null;
    byte[] b = addr.getAddress();
    if (six && addr instanceof Inet4Address) {
      byte[] mapped = new byte[16];
      mapped[10] = (byte) 0xff;
      mapped[11] = (byte) 0xff;
      System.arraycopy(b, 0, mapped, 12, 4);
      b = mapped;
    } else if (six != (addr instanceof Inet6Address)) {
      return null;
    }
    StringBuilder s = new StringBuilder(b.length * 2 + 5);
    for (int word = 0; word < b.length; word += 4) {
      for (int i = 3; i >= 0; i--) s.append(String.format(Locale.ROOT, "%02X", b[word + i] & 0xff));
    }
    return s.append(':').append(String.format(Locale.ROOT, "%04X", a.getPort())).toString();
  }

  private static MethodHandle pollHandle() {
    try {
      if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) return null;
      if (!KernelWait.class.getModule().isNativeAccessEnabled()) return null; // no warning, no native call
      Linker linker = Linker.nativeLinker();
      return linker.defaultLookup().find("poll")
          .map(poll -> linker.downcallHandle(poll, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT)))
          .orElse(null);
    } catch (RuntimeException | LinkageError e) {
      return null;
    }
  }

  /** The virtual threads' carriers: the scheduler's parallelism, as the JDK sets it. */
  private static int carriers() {
    String p = System.getProperty("jdk.virtualThreadScheduler.parallelism");
    try {
      if (p != null) return Math.max(1, Integer.parseInt(p.trim()));
    } catch (NumberFormatException ignored) {
      // the JDK falls back to the processors too
    }
    return Runtime.getRuntime().availableProcessors();
  }
}
