package dev.realtimeharness.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.realtimeharness.protocol.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /api/broadcast} (protocol.md §6), validated the way the server's BatchBroadcast changeset
 * does: {@code {"messages":[{"topic","event","payload"(object),"private"?,"id"?}]}}.
 */
final class RestBroadcast {
    private static final String BLANK = "can't be blank";
    private static final String INVALID = "is invalid";
    private static final Pattern UUID = Pattern.compile(
            "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

    /** One message to fan out; {@code topic} is the sub-topic, without {@code realtime:}; {@code id} may be null. */
    record Message(String topic, String event, ObjectNode payload, boolean isPrivate, String id) {
    }

    /** A body the changeset rejects; {@link #body} is the 422 answer. */
    static final class Invalid extends Exception {
        final ObjectNode body;

        Invalid(ObjectNode body) {
            super(body.toString(), null, false, false);
            this.body = body;
        }
    }

    /** A body that is no JSON object at all (Plug.Parsers' ParseError). */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    private RestBroadcast() {
    }

    static List<Message> parse(byte[] body) throws Invalid, Malformed {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new Malformed(e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new Malformed("the body is not a JSON object");
        }
        JsonNode messages = root.get("messages");
        // guess: the shape of the 422 body. Realtime renders changeset errors through Ecto's traverse_errors, so a
        // field error is {"errors":{"messages":["can't be blank"]}} and errors inside the embedded messages are a
        // list with one map per message, empty for valid ones: {"errors":{"messages":[{},{"topic":["can't be
        // blank"]}]}}.
        if (messages == null || messages.isNull() || (messages.isArray() && messages.isEmpty())) {
            throw new Invalid(fieldError(BLANK));
        }
        if (!messages.isArray()) {
            throw new Invalid(fieldError(INVALID));
        }
        List<Message> out = new ArrayList<>(messages.size());
        ArrayNode perMessage = Json.NODES.arrayNode();
        boolean anyError = false;
        for (JsonNode m : messages) {
            ObjectNode errors = Json.object();
            if (!m.isObject()) {
                // guess: a list entry that is no map is reported like a field of the wrong type.
                errors.putArray("message").add(INVALID);
                perMessage.add(errors);
                anyError = true;
                continue;
            }
            String topic = requiredString(m, "topic", errors);
            String event = requiredString(m, "event", errors);
            JsonNode payload = m.get("payload");
            if (payload == null || payload.isNull()) {
                errors.putArray("payload").add(BLANK);
            } else if (!payload.isObject()) {
                errors.putArray("payload").add(INVALID);
            }
            JsonNode priv = m.get("private");
            boolean isPrivate = false;
            if (priv != null && !priv.isNull()) {
                if (priv.isBoolean()) {
                    isPrivate = priv.booleanValue();
                } else {
                    errors.putArray("private").add(INVALID);
                }
            }
            JsonNode idNode = m.get("id");
            String id = null;
            if (idNode != null && !idNode.isNull()) {
                // guess: the id is cast as a binary_id, so anything but a UUID string is invalid.
                if (idNode.isTextual() && UUID.matcher(idNode.textValue()).matches()) {
                    id = idNode.textValue();
                } else {
                    errors.putArray("id").add(INVALID);
                }
            }
            perMessage.add(errors);
            if (errors.isEmpty()) {
                out.add(new Message(topic, event, (ObjectNode) payload, isPrivate, id));
            } else {
                anyError = true;
            }
        }
        if (anyError) {
            ObjectNode fields = Json.object();
            fields.set("messages", perMessage);
            ObjectNode answer = Json.object();
            answer.set("errors", fields);
            throw new Invalid(answer);
        }
        return out;
    }

    private static String requiredString(JsonNode m, String field, ObjectNode errors) {
        JsonNode v = m.get(field);
        if (v == null || v.isNull() || (v.isTextual() && v.textValue().isBlank())) {
            errors.putArray(field).add(BLANK);
            return null;
        }
        if (!v.isTextual()) {
            errors.putArray(field).add(INVALID);
            return null;
        }
        return v.textValue();
    }

    private static ObjectNode fieldError(String message) {
        ObjectNode fields = Json.object();
        fields.putArray("messages").add(message);
        ObjectNode body = Json.object();
        body.set("errors", fields);
        return body;
    }
}
