package dev.realtimeharness.scenario;

import java.util.ArrayList;
import java.util.List;

/**
 * A publish statement with named parameters, so a team's own schema works: {@code :probe} (the probe id, required:
 * it is how a delivery is recognised), {@code :driverId} (the driver's uuid, as text), {@code :driver} (its index)
 * and {@code :seq}. PostgreSQL casts ({@code ::uuid}) and quoted text are left alone. Parsed into JDBC's {@code ?}
 * form with the parameter names in order.
 */
public record SqlTemplate(String jdbcSql, List<String> parameters) {
    public static final List<String> NAMES = List.of("probe", "driverId", "driver", "seq");

    public static SqlTemplate parse(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        List<String> params = new ArrayList<>();
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                int end = sql.indexOf(c, i + 1);
                while (end >= 0 && end + 1 < sql.length() && sql.charAt(end + 1) == c) {
                    end = sql.indexOf(c, end + 2);
                }
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated " + (c == '\'' ? "string" : "identifier")
                            + " starting at character " + (i + 1));
                }
                out.append(sql, i, end + 1);
                i = end + 1;
            } else if (c == ':' && i + 1 < sql.length() && sql.charAt(i + 1) == ':') {
                out.append("::");
                i += 2;
            } else if (c == ':' && i + 1 < sql.length() && Character.isJavaIdentifierStart(sql.charAt(i + 1))) {
                int j = i + 1;
                while (j < sql.length() && Character.isJavaIdentifierPart(sql.charAt(j))) {
                    j++;
                }
                String name = sql.substring(i + 1, j);
                if (!NAMES.contains(name)) {
                    throw new IllegalArgumentException("unknown parameter :" + name + " (allowed: :probe, :driverId, "
                            + ":driver, :seq)");
                }
                params.add(name);
                out.append('?');
                i = j;
            } else if (c == '?') {
                throw new IllegalArgumentException("use named parameters (:probe, :driverId, :driver, :seq), not '?'");
            } else {
                out.append(c);
                i++;
            }
        }
        if (!params.contains("probe")) {
            throw new IllegalArgumentException("must use :probe, or no delivery could be matched to its probe");
        }
        return new SqlTemplate(out.toString(), List.copyOf(params));
    }
}
