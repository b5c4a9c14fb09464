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
public record DbUrl(String jdbcUrl, String user, String password, String host, int port, String database,
        List<Host> reachableHosts) {

    /**
     * Query parameters (compared case-insensitively) that make pgjdbc connect elsewhere than the host part.
     * Verified against pgjdbc 42.7.14 (the version in the parent pom) by calling org.postgresql.Driver.parseURL and
     * reading its bytecode: the query is applied after the host list, so {@code host=} (any case, through
     * PGPropertyUtil.translatePGServiceToPGProperty) and {@code PGHOST=} replace the hosts it connects to, and the
     * value is percent-decoded and comma-split like the host list. {@code hostaddr=} is libpq's: pgjdbc ignores it,
     * but the same string given to psql or any libpq client connects there, so a URL naming a production address
     * in it is checked as well. Not checked because pgjdbc 42.7.x cannot reach them: the PGHOST and PGHOSTADDR
     * environment variables (the driver's only System.getenv reads are PGPASSFILE, PGSERVICEFILE, PGSYSCONFDIR and
     * APPDATA), and a {@code service=} entry's host (pg_service.conf values rank below the URL's own host, which
     * this class always writes into the JDBC URL).
     */
    private static final List<String> ROUTING_PARAMS = List.of("host", "pghost", "hostaddr", "pghostaddr");

    /** {@link Host#from()} of the hosts before the path. */
    public static final String HOST_PART = "the host part";

    /** A host the URL can make the driver connect to, and where in the URL it is named. */
    public record Host(String name, String from) {
    }

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
        String hostList = slash < 0 ? main : main.substring(0, slash);
        String database = slash < 0 ? "" : decode(main.substring(slash + 1));
        // libpq and pgjdbc both take several comma-separated HOST[:PORT] items and try them in turn.
        List<String> hostPorts = new ArrayList<>();
        List<Host> reachable = new ArrayList<>();
        String host = null;
        int port = 5432;
        for (String item : hostList.split(",", -1)) {
            String[] hp = hostAndPort(item);
            if (host == null) {
                host = hp[0];
                port = Integer.parseInt(hp[1]);
            }
            hostPorts.add(hp[0] + ":" + hp[1]);
            reachable.add(new Host(unbracket(hp[0]), HOST_PART));
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
                if (ROUTING_PARAMS.contains(key)) {
                    String from = "query parameter " + (eq < 0 ? param : param.substring(0, eq)) + "=";
                    for (String name : value.split(",")) {
                        // An empty name is the loopback interface (InetAddress.getByName("")): nothing to check.
                        if (!name.isBlank()) {
                            reachable.add(new Host(unbracket(name.strip()), from));
                        }
                    }
                }
                kept.add(param);
            }
        }
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("no user (postgresql://USER:PASSWORD@HOST:PORT/DB)");
        }
        String jdbc = "jdbc:postgresql://" + String.join(",", hostPorts) + "/" + encodePath(database)
                + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
        return new DbUrl(jdbc, user, password, host, port, database, List.copyOf(reachable));
    }

    /** The first host as a name, without IPv6 brackets. The production guard checks {@link #reachableHosts()}. */
    public String hostName() {
        return unbracket(host);
    }

    /** {HOST, PORT} of one HOST[:PORT] item of the host list; PORT defaults to 5432. */
    private static String[] hostAndPort(String item) {
        String host;
        String portText = null;
        if (item.startsWith("[")) {
            int close = item.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("unclosed '[' in the host");
            }
            host = item.substring(0, close + 1);
            if (item.length() > close + 1 && item.charAt(close + 1) == ':') {
                portText = item.substring(close + 2);
            }
        } else {
            int colon = item.lastIndexOf(':');
            host = colon < 0 ? item : item.substring(0, colon);
            portText = colon < 0 ? null : item.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("no host");
        }
        int port = 5432;
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
        return new String[] {host, Integer.toString(port)};
    }

    private static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /**
     * {@code postgresql://user:***@host:port/db}, plus any other host the URL can reach: safe to print and log.
     */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("postgresql://").append(user).append(password == null ? "" : ":***")
                .append('@').append(host).append(':').append(port).append('/').append(database);
        List<String> others = new ArrayList<>();
        for (Host h : reachableHosts.subList(1, reachableHosts.size())) {
            others.add(h.name() + " (" + h.from() + ")");
        }
        return others.isEmpty() ? b.toString() : b.append(", also reaching ").append(String.join(", ", others))
                .toString();
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
