package dev.realtimeharness.standin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.realtimeharness.protocol.Json;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChangeFilterTest {

    private static Map<String, Object> row(String column, Object value) {
        Map<String, Object> r = new HashMap<>();
        r.put(column, value);
        return r;
    }

    private static boolean matches(String filter, Object value) throws Exception {
        return ChangeFilter.parse(filter).matches(row("c", value));
    }

    @Test
    void numbersCompareNumerically() throws Exception {
        assertThat(matches("c=eq.5", 5L)).isTrue();
        assertThat(matches("c=eq.5.0", 5L)).isTrue();
        assertThat(matches("c=lt.10", 9L)).isTrue();
        assertThat(matches("c=lt.10", 10L)).isFalse();
        assertThat(matches("c=lte.10", 10L)).isTrue();
        assertThat(matches("c=gt.2.5", 3.0)).isTrue();
        assertThat(matches("c=gte.3", new BigDecimal("3.00"))).isTrue();
        assertThat(matches("c=neq.3", 4L)).isTrue();
        assertThat(matches("c=in.(1, 2,3)", 2L)).isTrue();
        assertThat(matches("c=in.(1,2,3)", 4L)).isFalse();
        assertThat(matches("c=eq.abc", 4L)).isFalse();
    }

    @Test
    void inWithANonNumericCandidateSkipsItForANumberColumn() throws Exception {
        // It threw a NullPointerException on the capture thread before (a null comparison unboxed).
        assertThat(matches("c=in.(abc,2)", 2L)).isTrue();
        assertThat(matches("c=in.(abc,3)", 2L)).isFalse();
    }

    @Test
    void stringsCompareAsStrings() throws Exception {
        assertThat(matches("c=eq.hello", "hello")).isTrue();
        assertThat(matches("c=neq.hello", "world")).isTrue();
        assertThat(matches("c=lt.b", "a")).isTrue();
        assertThat(matches("c=in.(\"a,b\",c)", "c")).isTrue();
        assertThat(matches("c=eq.true", true)).isTrue();
        assertThat(matches("c=eq.x", Json.NODES.textNode("x"))).isTrue();
    }

    @Test
    void nullColumnMatchesNothing() throws Exception {
        assertThat(matches("c=neq.5", null)).isFalse();
        assertThat(matches("c=eq.5", null)).isFalse();
        assertThat(ChangeFilter.parse("c=neq.5").matches(row("other", 1L))).isFalse();
    }

    @Test
    void emptyFilterIsNoFilter() throws Exception {
        assertThat(ChangeFilter.parse("")).isNull();
        assertThat(ChangeFilter.parse(null)).isNull();
    }

    @Test
    void unparseableFilterReportsItsParts() {
        assertThatThrownBy(() -> ChangeFilter.parse("foo=hey")).hasMessage("Error parsing `filter` params: [\"foo\", \"hey\"]");
        assertThatThrownBy(() -> ChangeFilter.parse("id=like.5")).hasMessageContaining("[\"id\", \"like\", \"5\"]");
        assertThatThrownBy(() -> ChangeFilter.parse("id=in.1,2")).isInstanceOf(ChangeFilter.ParseException.class);
    }
}
