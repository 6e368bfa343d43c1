package io.jtractor.wire;

import java.util.Arrays;

/**
 * The last string decoded at one place of the messages of one connection (their {@code cid}s, a
 * call's namespace, function and caller): decoding the same bytes there again gives the same
 * {@link String}, with no new string made, and its hash, which the runtime's lookup by cid
 * computes, computed once per run of messages for one context instead of once per message. A
 * stream's items all carry their context's cid; a run of calls, the same caller and often the same
 * function.
 *
 * <p>Threads: used by whichever thread decodes the connection's messages, one at a time in
 * practice; an entry is immutable and replaced whole, so a thread that races another sees a whole
 * entry or a miss, never a string that does not match its bytes.
 */
final class StringMemo {
  /** Bytes (as they appear after the str header) and the string strictly decoded from them. */
  private record Entry(byte[] bytes, String string) {}

  /** The last entry; plain field, racy by design (see the class comment). */
  private Entry last;

  /** The remembered string if {@code buf[from, to)} are its bytes, else null. */
  String lookup(byte[] buf, int from, int to) {
    Entry e = last;
    if (e != null && Arrays.equals(e.bytes, 0, e.bytes.length, buf, from, to)) return e.string;
    return null;
  }

  /** Remembers {@code string}, strictly decoded from {@code buf[from, to)}. */
  void remember(byte[] buf, int from, int to, String string) {
    last = new Entry(Arrays.copyOfRange(buf, from, to), string);
  }
}
