package io.jtractor.sc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExceptionGroupTest {

  private final IOException io = new IOException("io");
  private final IllegalStateException state = new IllegalStateException("state");
  private final IllegalArgumentException arg = new IllegalArgumentException("arg");
  private final ExceptionGroup nested = new ExceptionGroup("inner", List.of(state, arg));
  private final ExceptionGroup group = new ExceptionGroup("outer", List.of(io, nested));

  @Test
  void holdsItsExceptionsAndShowsThemAsSuppressed() {
    assertThat(group.exceptions()).containsExactly(io, nested);
    assertThat(group.getSuppressed()).containsExactly(io, nested);
    assertThat(group.getMessage()).isEqualTo("outer (2 sub-exceptions)");
  }

  @Test
  void leavesFlattenNestedGroups() {
    assertThat(group.leaves()).containsExactly(io, state, arg);
    assertThat(group.contains(IllegalArgumentException.class)).isTrue();
    assertThat(group.first(RuntimeException.class)).isSameAs(state);
    assertThat(group.first(Error.class)).isNull();
  }

  @Test
  void splitKeepsTheNesting() {
    ExceptionGroup.Split split = group.split(IllegalStateException.class);
    assertThat(split.matching().leaves()).containsExactly(state);
    assertThat(split.matching().exceptions().getFirst()).isInstanceOf(ExceptionGroup.class);
    assertThat(split.rest().leaves()).containsExactly(io, arg);
    assertThat(group.subgroup(RuntimeException.class).leaves()).containsExactly(state, arg);
    assertThat(group.subgroup(Error.class)).isNull();
    assertThat(group.split(Exception.class).rest()).isNull();
    assertThat(group.split(Exception.class).matching()).isSameAs(group);
  }

  @Test
  void anEmptyGroupIsRejected() {
    assertThatThrownBy(() -> new ExceptionGroup("none", List.of())).isInstanceOf(IllegalArgumentException.class);
  }
}
