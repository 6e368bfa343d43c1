package io.jtractor.runtime.debug;

/**
 * Where a {@link JdiTarget} hands what it sees: the root's front end for the children, or the
 * root's helper JVM ({@link RootHelper}) for the root itself, which passes it on to the front end.
 */
interface StopSink {

  /** A task of the debuggee stopped (its thread stays suspended until the stop is resumed). */
  void enqueue(Stop stop);

  /** The debuggee's JDI connection ended (its process died, or it let go of the debugger). */
  void targetGone(JdiTarget target);
}
