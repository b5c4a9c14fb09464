package dev.realtimeharness.capture;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;

/**
 * Turns a column's text output into the Java value that serialises like wal2json format-version 2
 * (what Supabase puts in record/old_record): numbers as numbers, booleans as booleans, json/jsonb
 * embedded as JSON, everything else as the text PostgreSQL sent.
 */
final class WalValues {

    private static final ObjectMapper JSON = new ObjectMapper();

    private WalValues() {}

    /**
     * @param typname {@code pg_type.typname} of the column
     * @param text    the value in PostgreSQL's text output format, never null
     * @return Long (int2, int4, int8, oid), Double (float4, float8), BigDecimal (numeric), Boolean
     *     (bool), JsonNode (json, jsonb) or String
     */
    static Object convert(String typname, String text) {
        switch (typname) {
            case "int2", "int4", "int8", "oid":
                return Long.valueOf(text);
            case "float4", "float8":
                // NaN and ±Infinity have no JSON number form; wal2json quotes them, so do we.
                return isSpecial(text) ? text : Double.valueOf(text);
            case "numeric":
                return isSpecial(text) ? text : new BigDecimal(text);
            case "bool":
                return "t".equals(text);
            case "json", "jsonb":
                try {
                    return JSON.readTree(text);
                } catch (JsonProcessingException e) {
                    // PostgreSQL validated it on the way in, so this means a parser disagreement;
                    // the text is still the most faithful thing to hand on.
                    return text;
                }
            default:
                return text;
        }
    }

    private static boolean isSpecial(String text) {
        return text.equals("NaN") || text.equals("Infinity") || text.equals("-Infinity");
    }
}
