package dev.realtimeharness.standin;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A postgres_changes {@code filter} of the documented form {@code column=op.value}, op one of eq, neq, lt, lte, gt,
 * gte, in ({@code in.(a,b,c)}). Values compare numerically when the column value is a number, else as strings; a
 * null column value matches nothing (PostgREST/SQL semantics: {@code NULL <> 1} is not true).
 */
public record ChangeFilter(String column, String op, List<String> values) {

    // The documented operators. guess: the server HEAD also has like/ilike/is/match/imatch/isdistinct, a not. prefix
    // and comma-separated AND; the stand-in treats those as parse errors.
    private static final Set<String> OPS = Set.of("eq", "neq", "lt", "lte", "gt", "gte", "in");

    /** Thrown with the server's message text, e.g. {@code Error parsing `filter` params: ["foo", "hey"]}. */
    public static final class ParseException extends Exception {
        private static final long serialVersionUID = 1L;

        ParseException(String message) {
            super(message);
        }
    }

    /** Null or empty means no filter and returns null. */
    public static ChangeFilter parse(String filter) throws ParseException {
        if (filter == null || filter.isEmpty()) {
            return null;
        }
        // guess: the server splits on "=" and "." into at most three parts and reports the parts with Elixir's
        // inspect when they do not form column, known op, value: Error parsing `filter` params: ["foo", "hey"].
        List<String> parts = splitParts(filter);
        if (parts.size() != 3 || parts.get(0).isEmpty() || !OPS.contains(parts.get(1))) {
            throw new ParseException("Error parsing `filter` params: " + inspect(parts));
        }
        String value = parts.get(2);
        if (parts.get(1).equals("in")) {
            if (value.length() < 2 || value.charAt(0) != '(' || value.charAt(value.length() - 1) != ')') {
                throw new ParseException("Error parsing `filter` params: " + inspect(parts));
            }
            List<String> values = new ArrayList<>();
            for (String v : value.substring(1, value.length() - 1).split(",", -1)) {
                values.add(unquote(v.trim()));
            }
            return new ChangeFilter(parts.get(0), "in", List.copyOf(values));
        }
        return new ChangeFilter(parts.get(0), parts.get(1), List.of(value));
    }

    /** Whether the row (column name to value, as in {@link ChangeEvent#record()}) passes this filter. */
    public boolean matches(Map<String, Object> row) {
        if (row == null) {
            return false;
        }
        Object v = comparable(row.get(column));
        if (v == null) {
            return false;
        }
        if (op.equals("in")) {
            for (String candidate : values) {
                // A number column never equals a non-numeric candidate (compare is null), as with eq.
                Integer c = compare(v, candidate);
                if (c != null && c == 0) {
                    return true;
                }
            }
            return false;
        }
        Integer c = compare(v, values.get(0));
        if (c == null) {
            return false;
        }
        return switch (op) {
            case "eq" -> c == 0;
            case "neq" -> c != 0;
            case "lt" -> c < 0;
            case "lte" -> c <= 0;
            case "gt" -> c > 0;
            case "gte" -> c >= 0;
            default -> false;
        };
    }

    /**
     * A row value as filters compare it: null for SQL null (or JSON null), a Number compared numerically, anything
     * else compared as its string form (a JSON number as a number, a JSON string as its text).
     */
    static Object comparable(Object v) {
        if (v instanceof JsonNode n) {
            return n.isNull() ? null : n.isNumber() ? n.decimalValue() : n.isTextual() ? n.textValue() : n.toString();
        }
        return v;
    }

    /** The literal as a number, or null when it is none (then it equals no number column). */
    static BigDecimal number(String literal) {
        try {
            return new BigDecimal(literal.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A number column's value as a BigDecimal; null for a value with no decimal form. */
    static BigDecimal decimal(Number num) {
        if (num instanceof BigDecimal b) {
            return b;
        }
        try {
            return new BigDecimal(num.toString());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** value compared with the filter's literal; null when a number column meets a non-numeric literal. */
    private static Integer compare(Object value, String literal) {
        if (value instanceof Number num) {
            BigDecimal lit = number(literal);
            BigDecimal left = decimal(num);
            if (lit == null || left == null) {
                return null;
            }
            return Integer.signum(left.compareTo(lit));
        }
        return Integer.signum(value.toString().compareTo(literal));
    }

    private static List<String> splitParts(String filter) {
        List<String> parts = new ArrayList<>(3);
        int start = 0;
        for (int i = 0; i < filter.length() && parts.size() < 2; i++) {
            char ch = filter.charAt(i);
            if (ch == '=' || ch == '.') {
                parts.add(filter.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(filter.substring(start));
        return parts;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && v.charAt(0) == '"' && v.charAt(v.length() - 1) == '"') {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    private static String inspect(List<String> parts) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append('"').append(parts.get(i).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return sb.append(']').toString();
    }
}
