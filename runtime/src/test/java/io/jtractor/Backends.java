package io.jtractor;

import io.jtractor.config.SpawnOptions;

/**
 * The spawn backend a test run uses: the conformance suites run once with child JVMs and once
 * with in-process children ({@value SpawnOptions#BACKEND_PROPERTY}, see the runtime's pom).
 */
final class Backends {
  private Backends() {}

  /** Whether this run's children are in-process actors. */
  static boolean inProcess() {
    return "in-process".equalsIgnoreCase(System.getProperty(SpawnOptions.BACKEND_PROPERTY, "").strip());
  }
}
