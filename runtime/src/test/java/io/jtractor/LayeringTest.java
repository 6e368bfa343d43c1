package io.jtractor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layers inside this module, one direction only: {@code io.jtractor.errors} and {@code
 * io.jtractor.config} (public leaves: what the runtime raises and reads) stand below {@code
 * io.jtractor.runtime} (the internals), which stands below {@code io.jtractor} (the API). Maven
 * modules and {@code module-info} enforce the layers between modules; this enforces the ones
 * inside this one, that the public packages show no internal type, and that the API leaves the
 * protocol to the runtime.
 */
class LayeringTest {
  private static final Path SRC = Path.of("src/main/java/io/jtractor");
  private static final List<String> PUBLIC_PACKAGES = List.of("io.jtractor", "io.jtractor.errors", "io.jtractor.config");

  @Test
  void theRuntimeUsesNothingOfTheApiPackage() throws IOException {
    assertThat(references(SRC.resolve("runtime"), "io\\.jtractor\\.([A-Z]\\w*)")).isEmpty();
  }

  @Test
  void errorsAndConfigurationUseNeitherTheRuntimeNorTheApi() throws IOException {
    for (String leaf : List.of("errors", "config")) {
      assertThat(references(SRC.resolve(leaf), "io\\.jtractor\\.(runtime\\b[\\w.]*|[A-Z]\\w*)")).as(leaf).isEmpty();
    }
  }

  /**
   * No public or protected member of a public type in the public packages mentions an internal
   * type: a user never needs, and with {@code module-info} cannot name, {@code io.jtractor.runtime}.
   */
  @Test
  void publicSignaturesShowNoInternalType() throws Exception {
    List<String> leaks = new ArrayList<>();
    for (String pkg : PUBLIC_PACKAGES) {
      Path dir = SRC.resolve(pkg.replace("io.jtractor", "").replace('.', '/').replaceFirst("^/", ""));
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java") && !p.endsWith("package-info.java")).toList()) {
          Class<?> c = Class.forName(pkg + "." + f.getFileName().toString().replace(".java", ""));
          if (Modifier.isPublic(c.getModifiers())) leaks.addAll(internalTypesIn(c));
        }
      }
    }
    assertThat(leaks).isEmpty();
  }

  /**
   * The public API says nothing on the wire itself: it builds and matches no protocol message
   * (that is the runtime's, e.g. {@code ContextOpening}), so the protocol lives in one layer.
   */
  @Test
  void thePublicApiBuildsNoWireMessages() throws IOException {
    Pattern message = Pattern.compile("\\bMsg\\.(Cmd|Yield|Stop|Started|Return|Error|Functype|Credit|Sentinel)\\b");
    List<String> violations = new ArrayList<>();
    try (Stream<Path> files = Files.walk(SRC)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java") && !p.toString().contains("/runtime/")).toList()) {
        Matcher m = message.matcher(Files.readString(f));
        while (m.find()) violations.add(f.getFileName() + " uses Msg." + m.group(1));
      }
    }
    assertThat(violations).isEmpty();
  }

  /** Every import of, or qualified reference to, a package matched by {@code target} under {@code dir}. */
  private static List<String> references(Path dir, String target) throws IOException {
    Pattern p = Pattern.compile("\\b" + target);
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(x -> x.toString().endsWith(".java")).toList()) {
        Matcher m = p.matcher(Files.readString(f));
        while (m.find()) found.add(f.getFileName() + " uses io.jtractor." + m.group(1));
      }
    }
    return found;
  }

  private static List<String> internalTypesIn(Class<?> c) {
    List<String> leaks = new ArrayList<>();
    List<Type> seen = new ArrayList<>();
    for (Method m : c.getDeclaredMethods()) {
      if (!exposed(m.getModifiers()) || m.isSynthetic()) continue;
      seen.add(m.getGenericReturnType());
      seen.addAll(List.of(m.getGenericParameterTypes()));
      seen.addAll(List.of(m.getGenericExceptionTypes()));
    }
    for (Executable k : c.getDeclaredConstructors()) {
      if (exposed(k.getModifiers())) seen.addAll(List.of(k.getGenericParameterTypes()));
    }
    for (Field f : c.getDeclaredFields()) {
      if (exposed(f.getModifiers())) seen.add(f.getGenericType());
    }
    if (c.getGenericSuperclass() != null) seen.add(c.getGenericSuperclass());
    seen.addAll(List.of(c.getGenericInterfaces()));
    for (Type t : seen) {
      if (t.getTypeName().contains("io.jtractor.runtime.")) leaks.add(c.getName() + " shows " + t.getTypeName());
    }
    for (Class<?> nested : c.getDeclaredClasses()) {
      if (Modifier.isPublic(nested.getModifiers())) leaks.addAll(internalTypesIn(nested));
    }
    return leaks;
  }

  private static boolean exposed(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }
}
