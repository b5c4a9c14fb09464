package dev.realtimeharness.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Pre-issued access tokens for {@code --tokens FILE}: one JWT a line, blank lines and {@code #} comments skipped;
 * driver i uses token i mod n. Messages never quote the file's contents.
 */
public final class TokensFile {

    private TokensFile() {
    }

    public static List<String> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("--tokens " + file + ": cannot read the file ("
                    + e.getClass().getSimpleName() + ")");
        }
        List<String> tokens = new ArrayList<>();
        for (String line : lines) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                tokens.add(t);
            }
        }
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("--tokens " + file + ": no tokens in the file (one JWT a line; blank "
                    + "lines and # comments are skipped)");
        }
        return List.copyOf(tokens);
    }

    /** The token of driver {@code driver}: line i mod n. */
    public static String forDriver(List<String> tokens, int driver) {
        return tokens.get(driver % tokens.size());
    }
}
