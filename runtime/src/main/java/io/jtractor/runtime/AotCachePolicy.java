package io.jtractor.runtime;

import io.jtractor.config.SpawnOptions;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a child JVM uses a JDK AOT cache (JEP 483/514), trains it, or goes without: a cache is
 * read once it exists, written by one trainer at a time (the first child spawned with it), and
 * never written by a descendant of the trainer's tree. Only when every class path entry is a jar:
 * the JDK cannot cache classes from directories.
 *
 * <p>Threads: any thread; the set of caches in training is concurrent, and a plan that trains
 * must be {@linkplain #trainingEnded ended} exactly once.
 */
final class AotCachePolicy {
  private AotCachePolicy() {}

  /** The system property by which a child learns the AOT cache it was spawned with. */
  static final String PROPERTY = SpawnOptions.AOT_CACHE_PROPERTY;

  /** The AOT cache this JVM's parent spawned it with (see {@link SpawnOptions#inherited()}), or null. */
  static final Path INHERITED = System.getProperty(PROPERTY) == null ? null : Path.of(System.getProperty(PROPERTY));

  /** AOT caches being trained now, by file: one trainer at a time. */
  private static final Set<Path> TRAINING = ConcurrentHashMap.newKeySet();

  /**
   * What a child does about its AOT cache.
   *
   * @param flags the JVM flags that attach (or train) the cache; empty for none
   * @param trains whether this child writes the cache as it exits
   */
  record Plan(List<String> flags, boolean trains) {
    static final Plan NONE = new Plan(List.of(), false);
  }

  /** The plan for a child spawned with {@code options}; a plan that trains claims the cache. */
  static Plan plan(SpawnOptions options) {
    Path cache = options.aotCache();
    if (cache == null) return Plan.NONE;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!entry.endsWith(".jar") || Files.isDirectory(Path.of(entry))) {
        Log.RUNTIME.debug("no AOT cache: class path entry " + entry + " is not a jar");
        return Plan.NONE;
      }
    }
    if (TRAINING.contains(cache)) return Plan.NONE; // being written: not ready to be read
    String inherit = "-D" + PROPERTY + "=" + cache;
    if (Files.isRegularFile(cache)) return new Plan(List.of("-XX:AOTCache=" + cache, inherit), false);
    if (cache.equals(INHERITED)) return Plan.NONE; // an ancestor trains it: never a second writer
    if (TRAINING.add(cache)) return new Plan(List.of("-XX:AOTCacheOutput=" + cache, inherit), true);
    return Plan.NONE;
  }

  /** The trainer of {@code cache} has exited (or never started): another may train it. */
  static void trainingEnded(Path cache) {
    TRAINING.remove(cache);
  }
}
