package dev.realtimeharness.gatling;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The simulation as a user runs it: Gatling's main class in a JVM of its own, as gatling-maven-plugin forks it, with
 * this module's test classpath, results under target/it-results/RUN_ID and the output in RUN_ID.log.
 */
final class GatlingJvm {
    static final Path MODULE = Path.of(System.getProperty("gatling.module.dir", ".")).toAbsolutePath();
    static final Path RESULTS = MODULE.resolve("target/it-results");
    static final Path REPORTS = MODULE.resolve("target/gatling-it");

    record Run(int exitCode, Path log, Path dir) {
        String output() throws IOException {
            return Files.readString(log);
        }
    }

    private GatlingJvm() {
    }

    /**
     * Runs the simulation with {@code props} (each "-Dkey=value") on top of a short T031 (10 drivers, heartbeats
     * every 5 s); {@code env} is added to the child's environment. Fails when it does not end within 3 minutes.
     */
    static Run run(String runId, Map<String, String> env, String... props) throws IOException, InterruptedException {
        Files.createDirectories(RESULTS);
        deleteRecursively(RESULTS.resolve(runId).toFile());
        Path log = RESULTS.resolve(runId + ".log");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                // As gatling-maven-plugin starts Gatling: its stats writer needs java.lang opened.
                "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "-Dio.netty.leakDetection.level=paranoid", "-Dio.netty.leakDetectionLevel=paranoid",
                "-Dscenario=scenarios/t031-load.yaml", "-Dduration=20s", "-Ddrivers=10",
                // Heartbeats every 5 s, so that the short run checks a few of them.
                "-Dset.protocol.heartbeat=5s",
                // A 2 s warm-up (10 s by default) exercises it without adding 10 s to every short run.
                "-Dset.warmup=2s",
                "-DresultsDir=" + RESULTS, "-DrunId=" + runId));
        cmd.addAll(List.of(props));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.gatling.app.Gatling",
                "-s", RealtimeSimulation.class.getName(), "-rf", REPORTS.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(MODULE.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("SUPABASE_") || k.equals("DATABASE_URL"));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the simulation did not end within 3 minutes; see " + log);
        }
        return new Run(p.exitValue(), log, RESULTS.resolve(runId));
    }

    static void deleteRecursively(File f) {
        File[] children = f.listFiles();
        if (children != null) {
            for (File c : children) {
                deleteRecursively(c);
            }
        }
        f.delete();
    }
}
