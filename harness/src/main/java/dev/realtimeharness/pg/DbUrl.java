package dev.realtimeharness.pg;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A PostgreSQL connection given as {@code postgresql://user:pass@host:port/db?params} (libpq, Supabase's
 * "connection string"), {@code postgres://...} or {@code jdbc:postgresql://host:port/db?user=..&password=..}:
 * split into a JDBC URL without credentials, the user and the password. {@link #toString()} never shows the
 * password.
 */
public record DbUrl(String jdbcUrl, String user, String password, String host, int port, String database) {

    public static DbUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("the database URL is empty");
        }
        String s = url.strip();
        String lower = s.toLowerCase(Locale.ROOT);
        String rest;
        if (lower.startsWith("jdbc:postgresql://")) {
            rest = s.substring("jdbc:postgresql://".length());
        } else if (lower.startsWith("postgresql://")) {
            rest = s.substring("postgresql://".length());
        } else if (lower.startsWith("postgres://")) {
            rest = s.substring("postgres://".length());
        } else {
            throw new IllegalArgumentException("expected postgresql://USER:PASSWORD@HOST:PORT/DB or "
                    + "jdbc:postgresql://HOST:PORT/DB?user=USER&password=PASSWORD");
        }
        int q = rest.indexOf('?');
        String main = q < 0 ? rest : rest.substring(0, q);
        String query = q < 0 ? "" : rest.substring(q + 1);
        // The last '@' ends the user info: a password may contain '@' (it should be percent-encoded, often is not).
        int at = main.lastIndexOf('@');
        String user = null;
        String password = null;
        if (at >= 0) {
            String info = main.substring(0, at);
            main = main.substring(at + 1);
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? null : decode(info.substring(colon + 1));
        }
        int slash = main.indexOf('/');
        String hostPort = slash < 0 ? main : main.substring(0, slash);
        String database = slash < 0 ? "" : decode(main.substring(slash + 1));
        String host;
        int port = 5432;
        String portText = null;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("unclosed '[' in the host");
            }
            host = hostPort.substring(0, close + 1);
            if (hostPort.length() > close + 1 && hostPort.charAt(close + 1) == ':') {
                portText = hostPort.substring(close + 2);
            }
        } else {
            int colon = hostPort.lastIndexOf(':');
            host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            portText = colon < 0 ? null : hostPort.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("no host");
        }
        if (portText != null && !portText.isEmpty()) {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the port is not a number");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("the port is out of range");
            }
        }
        List<String> kept = new ArrayList<>();
        for (String param : query.split("&")) {
            if (param.isEmpty()) {
                continue;
            }
            int eq = param.indexOf('=');
            String key = (eq < 0 ? param : param.substring(0, eq)).toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : decode(param.substring(eq + 1));
            if (key.equals("user")) {
                user = value;
            } else if (key.equals("password")) {
                password = value;
            } else {
                kept.add(param);
            }
        }
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("no user (postgresql://USER:PASSWORD@HOST:PORT/DB)");
        }
        String jdbc = "jdbc:postgresql://" + host + ":" + port + "/" + encodePath(database)
                + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
        return new DbUrl(jdbc, user, password, host, port, database);
    }

    /** The host as a name, without IPv6 brackets (for the production guard). */
    public String hostName() {
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    /** {@code postgresql://user:***@host:port/db}: safe to print and log. */
    @Override
    public String toString() {
        return "postgresql://" + user + (password == null ? "" : ":***") + "@" + host + ":" + port + "/" + database;
    }

    private static String decode(String s) {
        // Percent-decoding as in URIs: '+' is a plus, not a space.
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private static String encodePath(String db) {
        return db.replace("%", "%25").replace("?", "%3F").replace("/", "%2F").replace(" ", "%20");
    }
}
