package dev.realtimeharness.pg;

import java.util.Collection;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The production guard of contract.md: a non-loopback host is load-tested only when it is named by
 * {@code --allow-host} or the scenario's {@code allowedHosts}, so that a typo cannot load production. Pure: names
 * are compared as written (case-insensitive), nothing is resolved.
 */
public final class ProductionGuard {
    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");

    private ProductionGuard() {
    }

    /** localhost, 127.0.0.0/8 and ::1, with or without IPv6 brackets. */
    public static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.equals("localhost") || h.endsWith(".localhost") || IPV4_LOOPBACK.matcher(h).matches()
                || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1");
    }

    /**
     * Null when {@code host} may be loaded; otherwise the message for exit code 2, naming the host and both ways
     * to allow it. {@code what} names the setting the host came from ({@code --target}, {@code --db-url}).
     */
    public static String check(String what, String host, Collection<String> allowHosts,
            Collection<String> scenarioAllowedHosts, String scenarioFile) {
        if (isLoopback(host) || named(host, allowHosts) || named(host, scenarioAllowedHosts)) {
            return null;
        }
        return what + ": host " + host + " is not loopback, and a non-loopback host is load-tested only when it is"
                + " allowed explicitly (a typo must not load production). To allow it, add --allow-host " + host
                + ", or list it in the scenario's allowedHosts (allowedHosts: [" + host + "] in " + scenarioFile
                + ")";
    }

    /**
     * {@link #check} for every host a database URL can reach (its host list and the query parameters that replace
     * it, see {@link DbUrl#reachableHosts()}): null when all may be used, otherwise the message for the first that
     * may not, naming where in the URL it is ({@code --db-url (query parameter host=): host ...}).
     */
    public static String checkDatabase(String what, DbUrl db, Collection<String> allowHosts,
            Collection<String> scenarioAllowedHosts, String scenarioFile) {
        for (DbUrl.Host h : db.reachableHosts()) {
            String where = DbUrl.HOST_PART.equals(h.from()) ? what : what + " (" + h.from() + ")";
            String refused = check(where, h.name(), allowHosts, scenarioAllowedHosts, scenarioFile);
            if (refused != null) {
                return refused;
            }
        }
        return null;
    }

    private static boolean named(String host, Collection<String> hosts) {
        if (hosts == null || host == null) {
            return false;
        }
        for (String h : hosts) {
            if (h != null && h.strip().equalsIgnoreCase(host.strip())) {
                return true;
            }
        }
        return false;
    }
}
