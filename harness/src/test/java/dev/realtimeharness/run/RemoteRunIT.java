package dev.realtimeharness.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.realtimeharness.cli.ExitCodes;
import dev.realtimeharness.cli.Main;
import dev.realtimeharness.embedded.EmbeddedTarget;
import dev.realtimeharness.embedded.EmbeddedTargetExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The remote-target path end to end, pointed at the shared embedded target (its keys are random, so they are
 * distinctive): the run must deliver everything, and no key, secret, password or token may reach the results, stdout
 * or stderr.
 */
@ExtendWith(EmbeddedTargetExtension.class)
class RemoteRunIT {
    static final Path SCENARIOS = Path.of(System.getProperty("scenarios.dir", "../scenarios"));
    static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

    static EmbeddedTarget target;

    @TempDir
    Path results;

    @BeforeAll
    static void useSharedTarget(EmbeddedTarget shared) {
        target = shared;
    }

    record Outcome(int exit, String stdout, String stderr) {
    }

    static Outcome cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        Outcome o = new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        System.out.println(o.stdout());
        System.out.println(o.stderr());
        return o;
    }

    @Test
    void remotePathDeliversEverythingAndNoSecretReachesResultsOrConsole() throws Exception {
        Outcome o = cli("run", SCENARIOS.resolve("smoke.yaml").toString(), "--target", target.wsUrl().toString(),
                "--apikey", target.apikey(), "--db-url", target.dbUrl(), "--jwt-secret", target.jwtSecret(),
                "--results-dir", results.toString(), "--run-id", "remote-smoke");
        assertThat(o.exit()).as(o.stderr()).isEqualTo(ExitCodes.PASSED);
        Path dir = results.resolve("remote-smoke");
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
        JsonNode m = summary.get("messages");
        assertThat(m.get("expectedDeliveries").asLong()).isEqualTo(200);
        assertThat(m.get("delivered").asLong()).isEqualTo(m.get("expectedDeliveries").asLong());
        assertThat(m.get("lost").asLong()).isZero();
        assertThat(summary.get("target").asText()).isEqualTo(target.wsUrl().toString()).doesNotContain("?");
        JsonNode runJson = new ObjectMapper().readTree(dir.resolve("run.json").toFile());
        assertThat(runJson.get("target").get("url").asText()).isEqualTo(target.wsUrl().toString());
        assertThat(runJson.get("tlsInsecure").asBoolean()).isFalse();

        List<String> secrets = List.of(target.apikey(), target.jwtSecret(), target.password());
        List<String> texts = new ArrayList<>(List.of(o.stdout(), o.stderr()));
        try (Stream<Path> files = Files.walk(results)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                texts.add(read(f));
            }
        }
        assertThat(texts).hasSizeGreaterThan(5);
        for (String text : texts) {
            for (String secret : secrets) {
                assertThat(text).doesNotContain(secret);
            }
            assertThat(JWT.matcher(text).find()).as("a JWT-shaped string in %s", head(text)).isFalse();
        }
    }

    @Test
    void remoteRunWithPreIssuedTokensAndBroadcastPublishingNeedsNoDatabase() throws Exception {
        Path tokens = results.resolve("tokens.txt");
        Files.writeString(tokens, "# two drivers\n" + dev.realtimeharness.auth.Jwt.userToken("a",
                target.jwtSecret(), java.time.Instant.now(), java.time.Instant.now().plusSeconds(3600)) + "\n");
        Outcome o = cli("run", SCENARIOS.resolve("smoke.yaml").toString(), "--target", target.wsUrl().toString(),
                "--apikey", target.apikey(), "--tokens", tokens.toString(), "--set", "publish.via=broadcast",
                "--results-dir", results.resolve("out").toString(), "--run-id", "remote-broadcast");
        assertThat(o.exit()).as(o.stderr()).isEqualTo(ExitCodes.PASSED);
        JsonNode m = new ObjectMapper().readTree(results.resolve("out/remote-broadcast/summary.json").toFile())
                .get("messages");
        assertThat(m.get("delivered").asLong()).isEqualTo(200);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "publish via {0} through the remote path")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"rest", "db-broadcast"})
    void everyPublishPathWorksThroughTheRemotePath(String via) throws Exception {
        Outcome o = cli("run", SCENARIOS.resolve("smoke.yaml").toString(), "--target", target.wsUrl().toString(),
                "--apikey", target.apikey(), "--db-url", target.dbUrl(), "--jwt-secret", target.jwtSecret(),
                "--set", "publish.via=" + via, "--results-dir", results.resolve("paths").toString(),
                "--run-id", "remote-" + via);
        assertThat(o.exit()).as(o.stderr()).isEqualTo(ExitCodes.PASSED);
        JsonNode m = new ObjectMapper().readTree(results.resolve("paths/remote-" + via + "/summary.json").toFile())
                .get("messages");
        assertThat(m.get("expectedDeliveries").asLong()).isEqualTo(200);
        assertThat(m.get("delivered").asLong()).isEqualTo(200);
        assertThat(m.get("lost").asLong()).isZero();
    }

    @Test
    void unreachableTargetExits3WithTheReasonsCounted() {
        // A loopback port nothing listens on: every attempt is refused by the OS.
        Outcome o = cli("run", SCENARIOS.resolve("smoke.yaml").toString(), "--target",
                "ws://127.0.0.1:9/realtime/v1/websocket", "--apikey", "k", "--set", "publish.via=broadcast",
                "--results-dir", results.toString(), "--run-id", "unreachable");
        assertThat(o.exit()).isEqualTo(ExitCodes.NOT_RUN);
        assertThat(o.stderr()).contains("every connection failed").containsPattern("\\d+ x .*");
    }

    static String read(Path f) {
        try {
            return new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String head(String s) {
        return s.substring(0, Math.min(80, s.length()));
    }
}
