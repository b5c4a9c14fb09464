package dev.realtimeharness.gatling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.stream.Stream;

/** Finding and copying the HTML report Gatling writes under its results folder ({@code target/gatling/<sim>-<ts>}). */
final class GatlingReports {

    private GatlingReports() {
    }

    /**
     * Where Gatling's results folder may be: the {@code -rf}/{@code --results-folder} argument of Gatling's main
     * class when given, {@code target/gatling} under the working directory, and the Maven plugin's default,
     * gatling/target/gatling in the checkout (the plugin's forked JVM runs in the directory Maven was started from).
     */
    static List<Path> resultsFolders(Path repositoryRoot) {
        Set<Path> folders = new LinkedHashSet<>();
        String[] args = System.getProperty("sun.java.command", "").split(" ");
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("-rf") || args[i].equals("--results-folder")) {
                folders.add(Path.of(args[i + 1]).toAbsolutePath());
            }
        }
        folders.add(Path.of("target", "gatling").toAbsolutePath());
        folders.add(repositoryRoot.resolve("gatling").resolve("target").resolve("gatling").toAbsolutePath());
        return List.copyOf(folders);
    }

    /** The newest report directory of that simulation with an index.html, written after {@code sinceMillis}. */
    static Path newest(Path resultsFolder, String prefix, long sinceMillis) throws IOException {
        if (!Files.isDirectory(resultsFolder)) {
            return null;
        }
        try (Stream<Path> dirs = Files.list(resultsFolder)) {
            Optional<Path> newest = dirs
                    .filter(d -> d.getFileName().toString().startsWith(prefix))
                    .filter(d -> Files.isRegularFile(d.resolve("index.html")))
                    .filter(d -> modifiedMillis(d.resolve("index.html")) >= sinceMillis)
                    .max(Comparator.comparingLong(d -> modifiedMillis(d.resolve("index.html"))));
            return newest.orElse(null);
        }
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path dest = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(f, dest, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static long modifiedMillis(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
