package io.jtractor.runtime;

import java.util.Locale;
import java.util.Map;

/**
 * Applies tractor's log level names ({@code --loglevel}: transport, debug, runtime, cancel, info,
 * warning, error, critical; case-insensitive) to SLF4J's simple binding, which the examples, the
 * showcase and the CLI use: its configuration is system properties, read when it starts, so this
 * must run before anything logs (a child applies the level its parent passes as {@code
 * -Djtractor.loglevel} in a static initializer, before its first logger). With another binding
 * this does nothing; configure it the usual way (see {@link Log} for the layer loggers).
 *
 * <p>Mapping: transport → TRACE everywhere; debug → DEBUG; runtime → INFO, and DEBUG for the
 * {@code jtractor.runtime} and {@code jtractor.cancel} layers; cancel → INFO, and DEBUG for
 * {@code jtractor.cancel}; info → INFO; warning → WARN; error and critical → ERROR. A setting the
 * user made on the command line wins.
 *
 * <p>No logger fields here on purpose: loading this class must not start the logging.
 */
public final class LogLevels {
  private LogLevels() {}

  /** The system property by which a parent hands its child's level down (and a user sets one). */
  public static final String PROPERTY = "jtractor.loglevel";

  private static final String SIMPLE = "org.slf4j.simpleLogger.";

  /** Applies {@link #PROPERTY} if it is set. */
  public static void applyFromProperty() {
    String level = System.getProperty(PROPERTY);
    if (level != null && !level.isBlank()) apply(level);
  }

  /**
   * Applies tractor's level {@code level}; an unknown name counts as warning.
   *
   * @return the SLF4J level it stands for, lower case (as slf4j-simple spells it)
   */
  public static String apply(String level) {
    String name = level.strip().toLowerCase(Locale.ROOT);
    String base = switch (name) {
      case "transport", "trace" -> "trace";
      case "debug" -> "debug";
      case "runtime", "cancel", "info" -> "info";
      case "error", "critical" -> "error";
      default -> "warn";
    };
    setIfAbsent(SIMPLE + "defaultLogLevel", base);
    Map<String, String> layers = switch (name) {
      case "runtime" -> Map.of("jtractor.runtime", "debug", "jtractor.cancel", "debug");
      case "cancel" -> Map.of("jtractor.cancel", "debug");
      default -> Map.of();
    };
    layers.forEach((logger, l) -> setIfAbsent(SIMPLE + "log." + logger, l));
    return base;
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) System.setProperty(key, value);
  }
}
