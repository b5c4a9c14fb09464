package dev.realtimeharness.standin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A harness that is SIGKILLed runs no shutdown hook; its embedded PostgreSQL, which runs in processes of its own,
 * must still be gone within seconds (the watchdog), and so must its directory.
 */
class HarnessTargetKillIT {
    private static final Duration WITHIN = Duration.ofSeconds(10);

    /** A process as seen before the kill, so that a pid reused later is not mistaken for it. */
    private record Seen(long pid, Optional<Instant> started) {
        static Seen of(ProcessHandle p) {
            return new Seen(p.pid(), p.info().startInstant());
        }

        boolean alive() {
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().startInstant().equals(started)).isPresent();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void noPostgresProcessOfItsDataDirectoryOutlivesASigkilledHarnessByTenSeconds() throws Exception {
        List<Seen> postgres = new ArrayList<>();
        Path dataDir = null;
        try (HarnessTargetProcess target = HarnessTargetProcess.start(3)) {
            int port = URI.create(target.info().get("jdbcUrl").asText().substring("jdbc:".length())).getPort();
            ProcessHandle postmaster = postmasterOnPort(port)
                    .orElseThrow(() -> new AssertionError("no postgres process listens on port " + port));
            dataDir = Path.of(argAfter(postmaster, "-D"));
            assertThat(dataDir.getParent().getFileName().toString()).startsWith("realtime-harness-pg-");
            postgres.add(Seen.of(postmaster));
            postmaster.descendants().map(Seen::of).forEach(postgres::add);
            // The postmaster and its usual children: checkpointer, walwriter, the capture's walsender, ...
            assertThat(postgres).hasSizeGreaterThan(3);

            long killedNanos = System.nanoTime();
            target.kill();

            long deadline = killedNanos + WITHIN.toNanos();
            while (System.nanoTime() - deadline < 0 && (postgres.stream().anyMatch(Seen::alive)
                    || !processesOn(dataDir).isEmpty())) {
                Thread.sleep(100);
            }
            List<Long> alive = postgres.stream().filter(Seen::alive).map(Seen::pid).collect(Collectors.toList());
            assertThat(alive).as("postgres processes alive %s after the SIGKILL", WITHIN).isEmpty();
            assertThat(processesOn(dataDir)).as("processes started on %s", dataDir).isEmpty();
            System.out.printf("postgres gone %d ms after the SIGKILL%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNanos));
            // The watchdog removes the instance directory once PostgreSQL has stopped.
            long removedBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (Files.exists(dataDir.getParent()) && System.nanoTime() - removedBy < 0) {
                Thread.sleep(100);
            }
            assertThat(dataDir.getParent()).doesNotExist();
        } finally {
            // Whatever the outcome, leave nothing running for the next test.
            postgres.stream().filter(Seen::alive).forEach(s -> ProcessHandle.of(s.pid())
                    .ifPresent(ProcessHandle::destroyForcibly));
        }
    }

    private static Optional<ProcessHandle> postmasterOnPort(int port) {
        return ProcessHandle.allProcesses().filter(HarnessTargetKillIT::isPostgres)
                .filter(p -> String.valueOf(port).equals(argAfter(p, "-p"))).findFirst();
    }

    private static List<ProcessHandle> processesOn(Path dataDir) {
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive).filter(HarnessTargetKillIT::isPostgres)
                .filter(p -> dataDir.toString().equals(argAfter(p, "-D"))).collect(Collectors.toList());
    }

    private static boolean isPostgres(ProcessHandle p) {
        return p.info().command().map(c -> c.endsWith("/postgres")).orElse(false);
    }

    private static String argAfter(ProcessHandle p, String flag) {
        List<String> args = p.info().arguments().map(Arrays::asList).orElse(List.of());
        int i = args.indexOf(flag);
        return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : null;
    }
}
