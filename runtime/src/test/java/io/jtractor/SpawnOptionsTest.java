package io.jtractor;

import static io.jtractor.ProcessAssertions.assertNoProcessLeft;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jtractor.config.SpawnOptions;
import io.jtractor.funcs.Funcs;
import io.jtractor.runtime.ChildProcess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("spawn options: warm pool, output, validation")
class SpawnOptionsTest {

  @AfterEach
  void noProcessLeft() {
    assertNoProcessLeft();
  }

  @Test
  void aWarmPoolServesSpawnsAndIsKilledWithItsRoot() throws Exception {
    SpawnOptions warm = SpawnOptions.DEFAULT.withWarmPool(1);
    long before = ChildProcess.warmSpawnCount();
    try (Root root = Jtractor.openRoot("root", Funcs.class)) {
      for (int i = 0; i < 3; i++) {
        long sum = root.callNursery(an -> an.withSpawnOptions(warm).runInActor("adder", Funcs::add, 20L, 22L).<Long>result());
        assertThat(sum).isEqualTo(42L);
      }
      String name = root.callNursery(an -> {
        Portal p = an.withSpawnOptions(warm).startActor("pooled", Funcs.class);
        String n = p.run(Funcs::actorName);
        p.cancelActor();
        return n;
      });
      assertThat(name).isEqualTo("pooled"); // a warm JVM becomes the actor it is told to be
    }
    assertThat(ChildProcess.warmSpawnCount() - before).as("spawns served by the pool").isGreaterThanOrEqualTo(3);
    // closing the root killed the idle, pre-started JVM too
  }

  @Test
  void childOutputReachesUsPrefixedWithTheActorsName() throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (Root root = Jtractor.openRoot("root", Funcs.class)) {
      root.openNursery(an -> an.runInActor("talker", Funcs::say, "hello from the child").result());
    } finally {
      System.setOut(original);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8)).contains("[talker] hello from the child");
  }

  @Test
  void theLogLevelIsPropagatedToTheChild() throws Exception {
    // tractor's test_loglevel_propagated_to_subactor
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (Root root = Jtractor.openRoot("root", Funcs.class)) {
      root.openNursery(an -> {
        an.withSpawnOptions(SpawnOptions.DEFAULT.withLoglevel("ERROR"))
            .runInActor("quiet", Funcs::logAt, "WARNING", "muted line").result();
        an.withSpawnOptions(SpawnOptions.DEFAULT.withLoglevel("WARNING"))
            .runInActor("loud", Funcs::logAt, "WARNING", "yoyoyo").result();
      });
    } finally {
      System.setErr(original);
    }
    String err = captured.toString(StandardCharsets.UTF_8);
    assertThat(err).contains("yoyoyo").doesNotContain("muted line");
    assertThat(err.lines().filter(l -> l.contains("yoyoyo")).findFirst().orElseThrow()).startsWith("[loud] ");
  }

  @Test
  void tractorsCancelLevelTurnsOnTheChildsCancelLayerAndNothingElse() throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (Root root = Jtractor.openRoot("root", io.jtractor.funcs.CtxFuncs.class)) {
      root.openNursery(an -> {
        for (String level : new String[] {"cancel", "error"}) {
          Portal p = an.withSpawnOptions(SpawnOptions.DEFAULT.withLoglevel(level))
              .startActor("at_" + level, io.jtractor.funcs.CtxFuncs.class);
          p.openContext(io.jtractor.funcs.CtxFuncs::sleepForever, (ctx, first) -> {
            ctx.cancel();
            return null;
          });
          p.cancelActor();
        }
      });
    } finally {
      System.setErr(original);
    }
    List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
    // The callee logs the cancel of its task on the jtractor.cancel layer, at DEBUG.
    assertThat(lines).anyMatch(l -> l.startsWith("[at_cancel] ") && l.contains("jtractor.cancel") && l.contains("cancels task"));
    assertThat(lines).noneMatch(l -> l.startsWith("[at_cancel] ") && l.contains("jtractor.runtime"));
    assertThat(lines).noneMatch(l -> l.startsWith("[at_error] ") && l.contains("jtractor."));
  }

  @Test
  void systemLoggerGoesToSlf4jNotJavaUtilLogging() {
    // sc and the JDK log through System.Logger; the runtime routes it to SLF4J.
    assertThat(System.LoggerFinder.getLoggerFinder().getClass().getName()).startsWith("org.slf4j");
  }

  @Test
  void aRootThatCannotBindFailsAtOnceInsteadOfHanging() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      io.jtractor.config.ActorConfig defaults = io.jtractor.config.ActorConfig.of("root", java.util.List.of());
      io.jtractor.config.ActorConfig clash = new io.jtractor.config.ActorConfig(
          "root", (java.net.InetSocketAddress) taken.getLocalSocketAddress(), java.util.List.of(),
          defaults.wireConfig(), defaults.security(), null);
      assertThatThrownBy(() -> Jtractor.openRoot(clash)).isInstanceOf(java.net.BindException.class);
    }
  }

  /**
   * A parent that spawns with an AOT cache tells its child (a system property); the child's own
   * nurseries then default to the same cache, so a whole tree starts from the cache the root chose.
   * (The cache itself is used only from jars; here only the hand-down is visible.)
   */
  @Test
  void aChildsNurseriesInheritTheAotCacheItWasSpawnedWith() throws Exception {
    assertThat(SpawnOptions.inherited()).isEqualTo(SpawnOptions.DEFAULT.withBackend(SpawnOptions.Backend.INHERITED));
    java.nio.file.Path cache = java.nio.file.Files.createTempDirectory("jtractor-test").resolve("tree.aot");
    java.util.List<String> flags = new java.util.ArrayList<>(ChildProcess.LEAN_JVM_FLAGS);
    flags.add("-Djtractor.aotCache=" + cache); // what ChildProcess adds when it attaches a cache
    try (Root root = Jtractor.openRoot("root", Funcs.class)) {
      String inherited = root.callNursery(an -> an.withSpawnOptions(SpawnOptions.DEFAULT.withJvmArgs(flags))
          .runInActor("heir", Funcs::inheritedAotCache).<String>result());
      assertThat(inherited).isEqualTo(cache.toString());
      String plain = root.callNursery(an -> an.runInActor("plain", Funcs::inheritedAotCache).<String>result());
      assertThat(plain).isNull();
    } finally {
      java.nio.file.Files.deleteIfExists(cache.getParent());
    }
  }

  @Test
  void aJitChoiceReplacesOnlyTheFlagsThatChoseACompilerWhereTheyWere() {
    SpawnOptions.Jit quick = SpawnOptions.Jit.QUICK_START;
    SpawnOptions.Jit optimizing = SpawnOptions.Jit.OPTIMIZING;
    assertThat(ChildProcess.LEAN_JVM_FLAGS).startsWith(quick.flags().toArray(String[]::new));
    assertThat(SpawnOptions.DEFAULT.withJit(quick)).isEqualTo(SpawnOptions.DEFAULT);
    List<String> others = ChildProcess.LEAN_JVM_FLAGS.subList(quick.flags().size(), ChildProcess.LEAN_JVM_FLAGS.size());
    List<String> expected = new java.util.ArrayList<>(optimizing.flags());
    expected.addAll(others);
    assertThat(SpawnOptions.DEFAULT.withJit(optimizing).jvmArgs()).containsExactlyElementsOf(expected);
    assertThat(SpawnOptions.DEFAULT.withJit(optimizing).withJit(quick)).isEqualTo(SpawnOptions.DEFAULT);
    List<String> custom = List.of("-Xmx64m", "-XX:-TieredCompilation", "-XX:CompilationMode=high-only", "-Dx=y",
        "-XX:CICompilerCount=3", "-XX:ReservedCodeCacheSize=64m");
    assertThat(SpawnOptions.DEFAULT.withJvmArgs(custom).withJit(quick).jvmArgs())
        .containsExactly("-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:ReservedCodeCacheSize=32m", "-Dx=y");
    assertThat(SpawnOptions.DEFAULT.withJvmArgs(List.of("-Dx=y")).withJit(optimizing).jvmArgs())
        .as("no compiler flags: appended").containsExactly("-Dx=y", "-XX:TieredStopAtLevel=4", "-XX:CICompilerCount=2", "-XX:ReservedCodeCacheSize=240m");
    assertThatThrownBy(() -> SpawnOptions.DEFAULT.withJit(null)).isInstanceOf(NullPointerException.class);
  }

  /** The choice reaches the child JVM: the compiler level in force there is the one it was given. */
  @Test
  void aChildRunsWithTheCompilerItWasGiven() throws Exception {
    try (Root root = Jtractor.openRoot("root", Funcs.class)) {
      String lean = root.callNursery(an -> an.runInActor("lean", Funcs::vmOption, "TieredStopAtLevel").<String>result());
      // A compilation mode left in place would keep the child on C1 whatever its level says.
      SpawnOptions c2 = SpawnOptions.DEFAULT.withJvmArgs(List.of("-XX:CompilationMode=quick-only", "-Xss512k", "--enable-native-access=ALL-UNNAMED"))
          .withJit(SpawnOptions.Jit.OPTIMIZING);
      List<String> optimizing = root.callNursery(an -> an.withSpawnOptions(c2).runInActor("optimizing", Funcs::vmOptions,
          List.of("TieredStopAtLevel", "CompilationMode", "ReservedCodeCacheSize")).<List<String>>result());
      assertThat(lean).isEqualTo("1");
      assertThat(optimizing).containsExactly("4", "default", Long.toString(240L << 20));
    }
  }

  @Test
  void badOptionsAreRefusedAtTheCallSite() {
    assertThatThrownBy(() -> SpawnOptions.DEFAULT.withWarmPool(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SpawnOptions.DEFAULT.withTimeouts(null, Duration.ZERO, Duration.ZERO))
        .isInstanceOf(NullPointerException.class);
  }
}
