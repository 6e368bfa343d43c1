package io.jtractor.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("NamedValues: a call's arguments as an ordered, immutable array map")
class NamedValuesTest {

  @Test
  void namesTheValuesInOrderAfterTheOffsetAndEqualsAnyMapWithTheSameEntries() {
    String[] names = {"ctx", "x", "y"};
    Object[] values = {1L, null};
    NamedValues kw = NamedValues.of(names, 1, values);
    values[0] = "changed after"; // the values are copied
    Map<String, Object> same = new LinkedHashMap<>();
    same.put("x", 1L);
    same.put("y", null);
    assertThat(kw).isEqualTo(same).hasSameHashCodeAs(same);
    assertThat(kw.keySet()).containsExactly("x", "y");
    assertThat(kw.get("x")).isEqualTo(1L);
    assertThat(kw.containsKey("y")).isTrue();
    assertThat(kw.get("y")).isNull();
    assertThat(kw.containsKey("ctx")).as("a name before the offset is not one of them").isFalse();
    assertThat(kw.get(7)).isNull();
    assertThat(NamedValues.of(names, 3)).isEmpty();
  }

  @Test
  void isImmutable() {
    NamedValues kw = NamedValues.of(new String[] {"x"}, 0, 1L);
    assertThatThrownBy(() -> kw.put("y", 2L)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> kw.remove("x")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> kw.entrySet().iterator().next().setValue(3L)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void refusesCountsThatDifferARepeatedOrMissingNameAndABadOffset() {
    assertThatThrownBy(() -> NamedValues.of(new String[] {"x", "y"}, 0, 1L)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 names for 1 values");
    assertThatThrownBy(() -> NamedValues.of(new String[] {"x", "x"}, 0, 1L, 2L)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("x is given twice");
    assertThatThrownBy(() -> NamedValues.of(new String[] {"x", null}, 0, 1L, 2L)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> NamedValues.of(new String[] {"x"}, 2)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void anErrorKeepsItsFieldsAsTheyAreAndCopiesAnyOtherMap() {
    NamedValues fields = NamedValues.of(new String[] {ErrorInfo.TB_STR, ErrorInfo.TYPE_STR}, 0, "trace", "ValueError");
    assertThat(new ErrorInfo(fields).fields()).isSameAs(fields);
    Map<String, Object> mutable = new LinkedHashMap<>(fields);
    ErrorInfo copied = new ErrorInfo(mutable);
    mutable.put(ErrorInfo.TB_STR, "changed after");
    assertThat(copied.tbStr()).isEqualTo("trace");
    assertThat(copied).isEqualTo(new ErrorInfo(fields));
  }

  @Test
  void isWrittenAsTheSameBytesAsAnOrderedMap() {
    Map<String, Object> same = new LinkedHashMap<>();
    same.put("b", 2L);
    same.put("a", Map.of("k", "v"));
    assertThat(Msgpack.encode(NamedValues.of(new String[] {"b", "a"}, 0, 2L, Map.of("k", "v")))).isEqualTo(Msgpack.encode(same));
  }
}
