package dev.realtimeharness.scenario;

import java.util.Objects;

/**
 * One shard of a run split over N load generators ({@code harness run --shard K/N}): shard K runs drivers K, K+N,
 * K+2N, … of the {@code whole} scenario. A sharded {@link Scenario} counts its own drivers from 0 (its subscriptions,
 * ready board and ledger are its own) and maps them back to the whole run's indexes with {@link #globalDriver}
 * wherever a driver is named outside the harness: topics, filters, driver ids, JWT subjects, token lines, probe
 * rows. So driver 7 has the same id, topic and rows whether it runs alone, in shard 7 mod N, or unsharded.
 */
public record Shard(int index, int count, Scenario whole) {

    public Shard {
        Objects.requireNonNull(whole, "whole");
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("shard " + index + "/" + count + ": expected 0 <= K < N");
        }
    }

    /** The whole run's index of this shard's driver {@code local}. */
    public int globalDriver(int local) {
        return index + local * count;
    }

    /** How many of {@code total} drivers shard {@code index} of {@code count} runs: those with g mod count = index. */
    public static int driversOf(int total, int index, int count) {
        return index >= total ? 0 : (total - index + count - 1) / count;
    }

    /**
     * How many of the whole run's first {@code messages} probes are this shard's: probe seq goes to driver seq mod
     * drivers, as {@code PublishLoop} assigns them, and the shard publishes those of its drivers.
     */
    static long messagesOf(long messages, int drivers, int index, int count) {
        long blocks = messages / drivers;
        int rest = (int) (messages % drivers);
        return blocks * driversOf(drivers, index, count) + driversOf(rest, index, count);
    }

    /**
     * {@code K/N}, or {@code auto/N} with K from {@code jobCompletionIndex} (Kubernetes's JOB_COMPLETION_INDEX of an
     * Indexed Job); returns {K, N}. The message says what is wrong.
     */
    public static int[] parse(String spec, String jobCompletionIndex) {
        int slash = spec == null ? -1 : spec.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("expected K/N or auto/N (K from 0), got '" + spec + "'");
        }
        int n = number(spec.substring(slash + 1), "N", spec);
        String k = spec.substring(0, slash);
        int index;
        if (k.equals("auto")) {
            if (jobCompletionIndex == null || jobCompletionIndex.isBlank()) {
                throw new IllegalArgumentException("auto/" + n + " takes K from the environment variable"
                        + " JOB_COMPLETION_INDEX (set by a Kubernetes Indexed Job), which is not set");
            }
            index = number(jobCompletionIndex.trim(), "JOB_COMPLETION_INDEX", jobCompletionIndex);
        } else {
            index = number(k, "K", spec);
        }
        if (n < 1 || index >= n) {
            throw new IllegalArgumentException("shard " + index + "/" + n + ": expected N >= 1 and 0 <= K < N");
        }
        return new int[] {index, n};
    }

    private static int number(String s, String what, String spec) {
        try {
            int v = Integer.parseInt(s);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a whole number >= 0 in '" + spec + "'");
        }
    }
}
