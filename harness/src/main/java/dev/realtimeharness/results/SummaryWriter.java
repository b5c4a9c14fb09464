package dev.realtimeharness.results;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.file.Path;

/** Writes summary.json atomically (temp file, then move). */
public final class SummaryWriter {

    private SummaryWriter() {
    }

    public static void write(Path file, Summary summary) throws IOException {
        AtomicFiles.write(file, out -> {
            Json.mapper().writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET).writeValue(out, summary);
            out.write('\n');
        });
    }

    /** The JSON text, as it would be written. */
    public static String toJson(Summary summary) throws IOException {
        return Json.mapper().writeValueAsString(summary);
    }
}
