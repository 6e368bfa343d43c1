package io.jtractor.runtime.debug;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds source files for the REPL's {@code list}: under the directories of the {@value #PROPERTY}
 * system property (a path list), else under {@code src/main/java} and {@code src/test/java} of the
 * working directory and of each directory in it (a Maven project and its modules).
 */
final class Sources {
  /** Where to look for sources first: directories separated by the path separator. */
  static final String PROPERTY = "jtractor.debug.sourcepath";

  /** Lines shown on each side of the current one. */
  static final int CONTEXT = 5;

  private final List<Path> roots = new ArrayList<>();

  Sources() {
    String configured = System.getProperty(PROPERTY);
    if (configured != null) {
      for (String p : configured.split(File.pathSeparator)) {
        if (!p.isBlank()) roots.add(Path.of(p));
      }
    }
    Path cwd = Path.of("").toAbsolutePath();
    addProject(cwd);
    try (var dirs = Files.list(cwd)) {
      dirs.filter(Files::isDirectory).sorted().forEach(this::addProject);
    } catch (IOException | RuntimeException e) {
      // an unreadable working directory: the configured roots only
    }
  }

  private void addProject(Path dir) {
    for (String s : List.of("src/main/java", "src/test/java")) {
      Path p = dir.resolve(s);
      if (Files.isDirectory(p)) roots.add(p);
    }
  }

  /** The source around {@code pos}, numbered, the line itself marked; or one line saying why not. */
  String around(Stop.SourcePos pos) {
    if (pos == null) return "*** no source position for this frame";
    List<String> lines = read(pos.path());
    if (lines == null) return "*** source " + pos.path() + " not found (set -D" + PROPERTY + "=DIR" + File.pathSeparator + "...)";
    StringBuilder sb = new StringBuilder();
    int from = Math.max(1, pos.line() - CONTEXT);
    int to = Math.min(lines.size(), pos.line() + CONTEXT);
    for (int n = from; n <= to; n++) {
      sb.append(String.format("%4d %s %s%n", n, n == pos.line() ? "->" : "  ", lines.get(n - 1)));
    }
    return sb.isEmpty() ? "*** line " + pos.line() + " is past the end of " + pos.path() : sb.toString().stripTrailing();
  }

  /** The one source line at {@code pos}, stripped, or null. */
  String line(Stop.SourcePos pos) {
    if (pos == null) return null;
    List<String> lines = read(pos.path());
    if (lines == null || pos.line() < 1 || pos.line() > lines.size()) return null;
    return lines.get(pos.line() - 1).strip();
  }

  private List<String> read(String path) {
    for (Path root : roots) {
      Path f = root.resolve(path);
      if (Files.isRegularFile(f)) {
        try {
          return Files.readAllLines(f);
        } catch (IOException | RuntimeException e) {
          return null;
        }
      }
    }
    return null;
  }
}
