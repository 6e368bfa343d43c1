package io.jtractor.runtime.remote;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * This JVM's class path as one tar archive, named by the SHA-256 of its bytes, to ship to a remote
 * host once and cache there. Entry {@code i} of the class path becomes {@code i-<file name>} in
 * the archive (a jar as a file, a directory as a tree), so the remote class path is those names,
 * in order, under the cache directory.
 *
 * <p>The archive is deterministic (sorted entries, zero times, no owners), so the same class path
 * always has the same hash and a host that has it already is never sent it again. POSIX ustar
 * with a pax header for names longer than ustar allows; written here because the JDK has no tar
 * writer. Made once per class path per JVM.
 */
final class ClassPathBundle {
  private static final Map<String, ClassPathBundle> BY_CLASS_PATH = new ConcurrentHashMap<>();

  private final byte[] tar;
  private final String hash;
  private final List<String> entries;

  private ClassPathBundle(byte[] tar, String hash, List<String> entries) {
    this.tar = tar;
    this.hash = hash;
    this.entries = entries;
  }

  /** The bundle of {@code classPath} (a path-separator list), made once per JVM. */
  static ClassPathBundle of(String classPath) {
    return BY_CLASS_PATH.computeIfAbsent(classPath, ClassPathBundle::make);
  }

  /** The archive's bytes. */
  byte[] tar() {
    return tar;
  }

  /** The SHA-256 of the archive, hex; short enough for a directory name. */
  String hash() {
    return hash;
  }

  /** The names of the class path entries inside the archive, in class path order. */
  List<String> entries() {
    return entries;
  }

  private static ClassPathBundle make(String classPath) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
      List<String> names = new ArrayList<>();
      int i = 0;
      for (String e : classPath.split(java.io.File.pathSeparator)) {
        if (e.isBlank()) continue;
        Path p = Path.of(e);
        if (!Files.exists(p)) continue; // as the JVM does: a missing entry is skipped
        String name = i++ + "-" + p.getFileName();
        names.add(name);
        if (Files.isDirectory(p)) {
          List<Path> all;
          try (Stream<Path> walk = Files.walk(p)) {
            all = walk.sorted().toList();
          }
          for (Path f : all) {
            String rel = p.relativize(f).toString().replace('\\', '/');
            String entry = rel.isEmpty() ? name : name + "/" + rel;
            if (Files.isDirectory(f)) writeEntry(out, entry + "/", null);
            else if (Files.isRegularFile(f)) writeEntry(out, entry, Files.readAllBytes(f));
          }
        } else {
          writeEntry(out, name, Files.readAllBytes(p));
        }
      }
      out.write(new byte[1024]); // two zero blocks: end of archive
      byte[] tar = out.toByteArray();
      String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(tar)).substring(0, 32);
      return new ClassPathBundle(tar, hash, List.copyOf(names));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot bundle the class path to ship it: " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One file ({@code data} non-null) or directory. */
  private static void writeEntry(OutputStream out, String name, byte[] data) throws IOException {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    if (n.length > 100) {
      // pax extended header: "len path=name\n", where len counts itself
      String rec = " path=" + name + "\n";
      int len = rec.getBytes(StandardCharsets.UTF_8).length;
      int total = len + String.valueOf(len).length();
      if (String.valueOf(total).length() != String.valueOf(len).length()) total++;
      byte[] pax = (total + rec).getBytes(StandardCharsets.UTF_8);
      out.write(header("PaxHeader", pax.length, 'x'));
      out.write(pax);
      pad(out, pax.length);
      name = name.substring(Math.max(0, name.length() - 90)); // what a reader without pax sees
      n = name.getBytes(StandardCharsets.UTF_8);
      while (n.length > 100) n = java.util.Arrays.copyOfRange(n, n.length - 100, n.length);
    }
    out.write(header(new String(n, StandardCharsets.UTF_8), data == null ? 0 : data.length, data == null ? '5' : '0'));
    if (data != null) {
      out.write(data);
      pad(out, data.length);
    }
  }

  private static void pad(OutputStream out, int length) throws IOException {
    int rem = length % 512;
    if (rem != 0) out.write(new byte[512 - rem]);
  }

  private static byte[] header(String name, long size, char type) {
    byte[] h = new byte[512];
    put(h, 0, 100, name.getBytes(StandardCharsets.UTF_8));
    put(h, 100, 8, octal(type == '5' ? 0755 : 0644, 7));
    put(h, 108, 8, octal(0, 7));
    put(h, 116, 8, octal(0, 7));
    put(h, 124, 12, octal(size, 11));
    put(h, 136, 12, octal(0, 11));
    java.util.Arrays.fill(h, 148, 156, (byte) ' ');
    h[156] = (byte) type;
    put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
    put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
    long sum = 0;
    for (byte b : h) sum += b & 0xff;
    put(h, 148, 8, (String.format("%06o", sum) + "\0 ").getBytes(StandardCharsets.US_ASCII));
    return h;
  }

  private static byte[] octal(long v, int digits) {
    return (String.format("%0" + digits + "o", v) + "\0").getBytes(StandardCharsets.US_ASCII);
  }

  private static void put(byte[] h, int at, int max, byte[] v) {
    System.arraycopy(v, 0, h, at, Math.min(max, v.length));
  }
}
