package io.jtractor.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** When stream lanes are on by default: on one carrier, unless {@code jtractor.streamLanes} says. */
@DisplayName("stream lanes: the default")
class StreamLanesDefaultTest {
  private final String before = System.getProperty(Tuning.StreamLanes.PROPERTY);

  @AfterEach
  void restore() {
    if (before == null) System.clearProperty(Tuning.StreamLanes.PROPERTY);
    else System.setProperty(Tuning.StreamLanes.PROPERTY, before);
  }

  @Test
  void withoutThePropertyLanesAreOnExactlyWhereVirtualThreadsRunOnOneCarrier() {
    System.clearProperty(Tuning.StreamLanes.PROPERTY);
    assertThat(Tuning.StreamLanes.byDefault())
        .isEqualTo(Tuning.ONE_CARRIER ? Tuning.StreamLanes.ALWAYS : Tuning.StreamLanes.NEVER);
    System.setProperty(Tuning.StreamLanes.PROPERTY, " Auto ");
    assertThat(Tuning.StreamLanes.byDefault())
        .isEqualTo(Tuning.ONE_CARRIER ? Tuning.StreamLanes.ALWAYS : Tuning.StreamLanes.NEVER);
  }

  @Test
  void thePropertyChoosesEitherWayAndRefusesAnythingElse() {
    System.setProperty(Tuning.StreamLanes.PROPERTY, "always");
    assertThat(Tuning.StreamLanes.byDefault()).isEqualTo(Tuning.StreamLanes.ALWAYS);
    System.setProperty(Tuning.StreamLanes.PROPERTY, "NEVER");
    assertThat(Tuning.StreamLanes.byDefault()).isEqualTo(Tuning.StreamLanes.NEVER);
    System.setProperty(Tuning.StreamLanes.PROPERTY, "sometimes");
    assertThatThrownBy(Tuning.StreamLanes::byDefault)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jtractor.streamLanes")
        .hasMessageContaining("sometimes");
  }
}
