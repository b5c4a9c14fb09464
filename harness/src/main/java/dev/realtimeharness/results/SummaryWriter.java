package dev.realtimeharness.results;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes summary.json atomically (temp file, then move). Every summary has the contract's {@code shards}: null for a
 * run that was not merged, the shards' list for one {@code harness merge} wrote (see {@link #tree}).
 */
public final class SummaryWriter {

    private SummaryWriter() {
    }

    public static void write(Path file, Summary summary) throws IOException {
        write(file, tree(summary, null));
    }

    static void write(Path file, JsonNode tree) throws IOException {
        AtomicFiles.write(file, out -> {
            Json.mapper().writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET).writeValue(out, tree);
            out.write('\n');
        });
    }

    /** The JSON text, as it would be written. */
    public static String toJson(Summary summary) throws IOException {
        return Json.mapper().writeValueAsString(tree(summary, null));
    }

    /**
     * The summary as written: its fields, with {@code shards} (null when {@code shards} is) just before
     * {@code gate}, where contract.md shows it. {@link Summary} itself does not hold the shards' list: only a merge
     * writes one, and {@code gate}, {@code compare} and {@code report} read it from the file where they need it.
     */
    static ObjectNode tree(Summary summary, JsonNode shards) {
        ObjectNode fields = Json.mapper().valueToTree(summary);
        ObjectNode tree = Json.mapper().createObjectNode();
        JsonNode value = shards == null ? NullNode.getInstance() : shards;
        for (Map.Entry<String, JsonNode> e : fields.properties()) {
            if (e.getKey().equals("gate")) {
                tree.set("shards", value);
            }
            tree.set(e.getKey(), e.getValue());
        }
        if (!tree.has("shards")) {
            tree.set("shards", value);
        }
        return tree;
    }
}
