package io.jtractor.runtime.debug;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("debug mode: the agent's announcement, and whose code is whose")
class DebugModeTest {

  @Test
  void theJdwpAnnouncementGivesThePortAndNothingElseDoes() {
    assertThat(DebugMode.jdwpPort("Listening for transport dt_socket at address: 40123")).isEqualTo(40123);
    assertThat(DebugMode.jdwpPort("Listening for transport dt_socket at address: 40123 ")).isEqualTo(40123);
    assertThat(DebugMode.jdwpPort("hello Listening for transport dt_socket at address: 1")).isEqualTo(-1);
    assertThat(DebugMode.jdwpPort("")).isEqualTo(-1);
  }

  @Test
  void userCodeIsNeitherTheJdkNorTheRuntime() {
    assertThat(Code.isUser("io.jtractor.examples.debugging.SubactorError")).isTrue();
    assertThat(Code.isUser("com.example.Main$$Lambda/0x1234")).isTrue();
    assertThat(Code.isUser("io.jtractor.Portal")).isFalse();
    assertThat(Code.isUser("io.jtractor.runtime.PeerChannel$PreparedCall")).isFalse();
    assertThat(Code.isUser("io.jtractor.sc.Nursery")).isFalse();
    assertThat(Code.isUser("java.lang.String")).isFalse();
    assertThat(Code.isUser("jdk.internal.reflect.DirectMethodHandleAccessor")).isFalse();
  }

  @Test
  void errorsCaughtByTheRuntimeReflectionOrAThreadsEndAreUnhandled() {
    assertThat(Code.catchesForRuntime("io.jtractor.runtime.PeerChannel")).isTrue();
    assertThat(Code.catchesForRuntime("io.jtractor.sc.Nursery$Child")).isTrue();
    assertThat(Code.catchesForRuntime("jdk.internal.reflect.DirectMethodHandleAccessor")).isTrue();
    assertThat(Code.catchesForRuntime("java.lang.VirtualThread")).isTrue();
    assertThat(Code.catchesForRuntime("io.jtractor.examples.Showcase")).isFalse();
    assertThat(Code.catchesForRuntime("java.util.concurrent.FutureTask")).isFalse();
  }
}
