package dev.realtimeharness.standin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtimeharness.protocol.Json;
import org.junit.jupiter.api.Test;

class JoinConfigTest {
    private static JsonNode json(String s) throws Exception {
        return Json.MAPPER.readTree(s);
    }

    @Test
    void flagsAcceptBooleansAndCaseInsensitiveStrings() throws Exception {
        JoinConfig c = JoinConfig.parse(json("{\"config\":{\"broadcast\":{\"self\":\"TRUE\",\"ack\":true},"
                + "\"presence\":{\"enabled\":\"yes\",\"key\":\"k1\"},\"private\":\"true\"}}"));
        assertThat(c.self()).isTrue();
        assertThat(c.ack()).isTrue();
        assertThat(c.presenceEnabled()).isFalse();
        assertThat(c.presenceKey()).isEqualTo("k1");
        assertThat(c.isPrivate()).isTrue();
    }

    @Test
    void emptyOrMissingConfigMeansNoFlagsNoKeyNoBindings() throws Exception {
        for (String payload : new String[] {"{}", "{\"config\":{\"presence\":{\"key\":\"\"}}}",
                "{\"config\":{\"presence\":{\"key\":7}}}"}) {
            JoinConfig c = JoinConfig.parse(json(payload));
            assertThat(c.self() || c.ack() || c.presenceEnabled() || c.isPrivate()).isFalse();
            assertThat(c.presenceKey()).isNull();
            assertThat(c.echoed()).isEmpty();
            assertThat(c.bindings()).isEmpty();
            assertThat(c.wantsChanges()).isFalse();
        }
    }

    @Test
    void bindingsAreEchoedWithIdsAndSortedKeysSkippingNonObjects() throws Exception {
        JoinConfig c = JoinConfig.parse(json("{\"config\":{\"postgres_changes\":[{\"table\":\"test\","
                + "\"schema\":\"public\",\"event\":\"*\"},7,{\"event\":\"INSERT\",\"schema\":\"public\"}]}}"));
        assertThat(c.echoed()).hasSize(2);
        assertThat(c.bindings()).hasSize(2);
        assertThat(c.filterError()).isNull();
        assertThat(c.wantsChanges()).isTrue();
        JsonNode first = c.echoed().get(0);
        assertThat(first.fieldNames()).toIterable().containsExactly("event", "id", "schema", "table");
        assertThat(first.get("id").asLong()).isEqualTo(c.bindings().get(0).id());
        assertThat(c.bindings().get(1).id()).isEqualTo(c.echoed().get(1).get("id").asLong());
    }

    @Test
    void anUnparseableFilterSubscribesNothingButIsStillEchoed() throws Exception {
        JoinConfig c = JoinConfig.parse(json("{\"config\":{\"postgres_changes\":[{\"event\":\"*\","
                + "\"schema\":\"public\",\"table\":\"test\"},{\"event\":\"*\",\"schema\":\"public\","
                + "\"table\":\"test\",\"filter\":\"foo=hey\"}]}}"));
        assertThat(c.filterError()).isEqualTo("Error parsing `filter` params: [\"foo\", \"hey\"]");
        assertThat(c.bindings()).isEmpty();
        assertThat(c.echoed()).hasSize(2);
        assertThat(c.wantsChanges()).isTrue();
    }
}
