package dev.realtimeharness.standin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.realtimeharness.capture.ChangeEvent;
import dev.realtimeharness.protocol.PhoenixCodec;
import dev.realtimeharness.protocol.Vsn;
import dev.realtimeharness.protocol.WireFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The frame the event loop builds from the shared data is byte for byte what the socket's codec writes. */
class ChangeFrameTest {

    private static ChangeEvent change() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", 7L);
        row.put("notes", "caf\u00e9 \"quoted\" \u2028 \ud83d\ude00");
        return new ChangeEvent("public", "orders", ChangeEvent.INSERT,
                List.of(new ChangeEvent.Column("id", "int8"), new ChangeEvent.Column("notes", "text")), row, null,
                Instant.parse("2026-12-02T10:00:00.123Z"), 0);
    }

    @Test
    void sharedDataFrameEqualsTheCodecsEncodingForBothVersionsAndAwkwardTopics() {
        ChangePayload payload = ChangePayload.of(change());
        for (Vsn vsn : Vsn.values()) {
            PhoenixCodec codec = PhoenixCodec.of(vsn);
            for (String topic : List.of("realtime:room1", "realtime:a\"b\\c", "realtime:\u00fcml\u00e4ut \ud83d\ude00",
                    "realtime:ctl\u0001\t")) {
                for (List<Long> ids : List.of(List.of(106243155L), List.of(1L, 2L, 134217727L))) {
                    String expected = ((WireFrame.Text) payload.frame(codec, topic, ids)).text();
                    TextWebSocketFrame f = payload.frameFor(codec, topic, ids).toWebSocketFrame();
                    try {
                        assertThat(f.content().toString(StandardCharsets.UTF_8)).as("%s %s %s", vsn, topic, ids)
                                .isEqualTo(expected);
                    } finally {
                        f.release();
                    }
                }
            }
        }
    }
}
