package dev.realtimeharness.publish;

/**
 * One published message. {@code id} is {@code <runId>:<seq>} and travels inside the message; {@code dueNanos} is its
 * place in the open-model schedule ({@link System#nanoTime()} clock).
 */
public record Probe(long seq, String id, int driver, long dueNanos) {

    /**
     * What probe ids start with: the run id, and for a shard ({@code harness run --shard K/N}) its index, so that the
     * ids are {@code <runId>:<K>:<seq>}: the shards of one run share its id, and each tells its own probes from the
     * others' (a shard that receives another shard's probe on a shared topic counts it foreign, not unexpected).
     */
    public static String runPart(String runId, dev.realtimeharness.scenario.Scenario scenario) {
        return scenario.shard() == null ? runId : runId + ":" + scenario.shard().index();
    }

    public static String id(String runId, long seq) {
        return runId + ":" + seq;
    }

    /** The seq of a probe id of this run, or -1 when the id belongs to another run or is malformed. */
    public static long parseSeq(String runId, String probeId) {
        if (probeId == null || probeId.length() <= runId.length() + 1 || !probeId.startsWith(runId)
                || probeId.charAt(runId.length()) != ':') {
            return -1;
        }
        long seq = 0;
        for (int i = runId.length() + 1; i < probeId.length(); i++) {
            char c = probeId.charAt(i);
            if (c < '0' || c > '9' || seq > (Long.MAX_VALUE - 9) / 10) {
                return -1;
            }
            seq = seq * 10 + (c - '0');
        }
        return seq;
    }
}
