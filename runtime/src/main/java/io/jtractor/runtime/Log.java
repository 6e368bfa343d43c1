package io.jtractor.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * tractor's logging layers as SLF4J loggers. tractor has two levels of its own between DEBUG and
 * INFO, {@code runtime} and {@code cancel} (and {@code transport} below DEBUG); SLF4J has no
 * custom levels, so each layer is a named logger that the runtime's detail goes to, at DEBUG (or
 * TRACE): {@code jtractor.runtime} (actors, spawning, connections, registration),
 * {@code jtractor.cancel} (cancellation), {@code jtractor.transport} (frames and handshakes).
 * Turn a layer on in the binding's configuration, e.g. {@code
 * -Dorg.slf4j.simpleLogger.log.jtractor.cancel=debug}, or for a child with tractor's {@code
 * --loglevel} (see {@link LogLevels}). What every user should see (INFO and above) goes to
 * per-class loggers under {@code io.jtractor}.
 */
public final class Log {
  private Log() {}

  /** Actors, spawning, connections, registration: tractor's {@code runtime} level. */
  public static final Logger RUNTIME = LoggerFactory.getLogger("jtractor.runtime");
  /** Cancellation: tractor's {@code cancel} level. */
  public static final Logger CANCEL = LoggerFactory.getLogger("jtractor.cancel");
  /** Frames and handshakes: tractor's {@code transport} level. */
  public static final Logger TRANSPORT = LoggerFactory.getLogger("jtractor.transport");
}
