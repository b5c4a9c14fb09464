package dev.realtimeharness.results;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The finished runs committed under src/test/resources/fixtures (see the README there): two real smoke runs, one
 * whose gate passed and one with 300 ms of injected delay whose gate failed on latency.p99.
 */
final class RunFixtures {
    static final String PASSED = "smoke-passed";
    static final String DELAYED = "smoke-delayed-300ms";

    private RunFixtures() {
    }

    /** The fixture directory itself, for tools that only read. */
    static Path dir(String name) {
        URL url = RunFixtures.class.getResource("/fixtures/" + name + "/summary.json");
        if (url == null) {
            throw new IllegalStateException("no fixture " + name + " on the test classpath");
        }
        try {
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A copy of the fixture in {@code parent}/{@code name}, for tools that write into the run directory. */
    static Path copy(String name, Path parent) {
        Path target = parent.resolve(name);
        try (Stream<Path> files = Files.list(dir(name))) {
            Files.createDirectories(target);
            for (Path f : files.toList()) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }
}
