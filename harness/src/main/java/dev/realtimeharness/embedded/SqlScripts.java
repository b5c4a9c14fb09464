package dev.realtimeharness.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The SQL files the embedded target applies: {@code sql/*.sql} packed next to this class (the build
 * copies scenarios/sql there), in name order.
 */
final class SqlScripts {

    /** One script: its file name (e.g. {@code 001_schema.sql}) and its text. */
    record Script(String name, String sql) {}

    private static final String DIR = "sql/";

    private SqlScripts() {}

    /**
     * Lists the scripts from the code source that holds this class: the {@code target/classes}
     * directory in a build, the plain or shaded jar when run from one. We list the code source rather
     * than asking the class loader for "sql/", because a directory lookup through the class loader is
     * unreliable in jars (it needs directory entries), and a hand-kept index file would drift from the
     * files it lists.
     */
    static List<Script> load() {
        Path location = codeSource();
        List<String> names = Files.isDirectory(location) ? namesInDirectory(location.resolve(DIR)) : namesInJar(location);
        if (names.isEmpty()) {
            throw new IllegalStateException("no " + DIR + "*.sql found in " + location
                    + "; the build packs scenarios/sql into the harness jar under " + DIR);
        }
        List<Script> scripts = new ArrayList<>(names.size());
        for (String name : names.stream().sorted(Comparator.naturalOrder()).toList()) {
            scripts.add(new Script(name, read(DIR + name)));
        }
        return scripts;
    }

    private static Path codeSource() {
        try {
            return Path.of(SqlScripts.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the harness classes to find " + DIR, e);
        }
    }

    private static List<String> namesInDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static List<String> namesInJar(Path jarPath) {
        List<String> names = new ArrayList<>();
        try (JarFile jar = new JarFile(jarPath.toFile())) {
            for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                String entry = entries.nextElement().getName();
                String name = entry.startsWith(DIR) ? entry.substring(DIR.length()) : "";
                // Only files directly in sql/: subdirectories are for other tools.
                if (name.endsWith(".sql") && !name.contains("/")) {
                    names.add(name);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + DIR + " in " + jarPath, e);
        }
        return names;
    }

    private static String read(String resource) {
        try (InputStream in = SqlScripts.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("listed but not readable: " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
