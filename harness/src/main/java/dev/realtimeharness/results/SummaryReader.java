package dev.realtimeharness.results;

import java.io.IOException;
import java.nio.file.Path;

/** Reads summary.json back (for gate, compare, report, merge). */
public final class SummaryReader {

    private SummaryReader() {
    }

    public static Summary read(Path file) throws IOException {
        return Json.mapper().readValue(file.toFile(), Summary.class);
    }
}
