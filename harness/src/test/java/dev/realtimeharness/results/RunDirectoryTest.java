package dev.realtimeharness.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryTest {

    @TempDir
    Path results;

    @Test
    void defaultRunIdIsUtcTimestampAndScenarioName() {
        Instant start = Instant.parse("2026-11-25T07:08:09.500Z");

        assertThat(RunDirectory.defaultRunId(start, "t030-latency")).isEqualTo("20261125-070809-t030-latency");
        assertThat(RunDirectory.defaultRunId(start, "soak", 2, 4)).isEqualTo("20261125-070809-soak-shard-2-of-4");
    }

    @Test
    void createMakesTheDirectoryAndRefusesANonEmptyOne() throws Exception {
        RunDirectory run = RunDirectory.create(results, "run-1");

        assertThat(run.path()).isDirectory().isEqualTo(results.resolve("run-1"));
        assertThat(run.file("summary.json")).isEqualTo(results.resolve("run-1/summary.json"));
        assertThat(RunDirectory.create(results, "run-1").path()).isEqualTo(run.path()); // empty: fine

        Files.writeString(run.file("summary.json"), "{}");
        assertThatThrownBy(() -> RunDirectory.create(results, "run-1"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("run-1").hasMessageContaining("not empty");
        assertThatThrownBy(() -> RunDirectory.create(results, "../escape")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void runJsonHoldsScenarioVersionAndTimesWithSecretsRedacted() throws Exception {
        RunDirectory run = RunDirectory.create(results, "run-2");
        Map<String, Object> target = new LinkedHashMap<>();
        target.put("url", "wss://example.supabase.co/realtime/v1/websocket");
        target.put("apikey", "sb-secret");
        target.put("jwtSecret", "hush");
        Map<String, Object> scenario = new LinkedHashMap<>();
        scenario.put("name", "t030-latency");
        scenario.put("drivers", 10);
        scenario.put("target", target);
        scenario.put("gate", List.of(Map.of("dbUrl", "postgresql://u:p@h/db")));

        RunInfoWriter.write(run.file("run.json"), scenario, "abc123", Instant.parse("2026-11-25T12:00:00Z"), null);

        String text = Files.readString(run.file("run.json"));
        JsonNode root = Json.mapper().readTree(text);
        assertThat(root.get("scenario").get("drivers").asInt()).isEqualTo(10);
        assertThat(root.get("gitCommit").asText()).isEqualTo("abc123");
        assertThat(root.get("harnessVersion").asText()).isNotBlank();
        assertThat(root.get("javaVersion").asText()).isEqualTo(System.getProperty("java.version"));
        assertThat(root.get("cores").asInt()).isPositive();
        assertThat(root.get("startedAt").asText()).isEqualTo("2026-11-25T12:00:00Z");
        assertThat(root.get("endedAt").isNull()).isTrue();
        assertThat(text).doesNotContain("sb-secret").doesNotContain("hush").doesNotContain("u:p@h");
    }
}
