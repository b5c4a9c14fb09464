package dev.realtimeharness.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.realtimeharness.gate.Check;

/** The project's JSON settings in one place. */
public final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            // A newer harness may add fields; an older one must still read its summary for gate/compare.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            // NaN/Infinity are not JSON; writing them as strings keeps the file parseable everywhere.
            .enable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            // A check's detail is written only when it has one, so checks read and written back stay the same.
            .addMixIn(Check.class, OmitNulls.class)
            .build();

    @JsonInclude(JsonInclude.Include.NON_NULL)
    private interface OmitNulls {
    }

    private Json() {
    }

    /** Shared, thread-safe; do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
