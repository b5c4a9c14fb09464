package dev.realtimeharness.bench;

import dev.realtimeharness.metrics.ProbeLedger;
import dev.realtimeharness.publish.Probe;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link ProbeLedger} delivery marking, per delivery: {@code deliverProbe} registers one probe owed to
 * {@value #SUBSCRIPTIONS} subscriptions, delivers it to each (lookup + mark) and evicts probes older than the
 * in-flight window, so most of its time is the first delivery of each (probe, subscription); {@code duplicate} is
 * the lookup + mark of a delivery already made; {@code parseSeq} the probe id's seq.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LedgerBench {
    static final int SUBSCRIPTIONS = 1000;
    private static final int WINDOW = 200;

    private ProbeLedger ledger;
    private int[] all;
    private long seq;
    private int nextSub;

    @Setup
    public void setUp() {
        ledger = new ProbeLedger(SUBSCRIPTIONS);
        all = new int[SUBSCRIPTIONS];
        for (int i = 0; i < SUBSCRIPTIONS; i++) {
            all[i] = i;
        }
        for (seq = 0; seq < WINDOW; seq++) {
            ledger.register(seq, seq, all);
            ledger.markSent(seq, seq);
            for (int s = 0; s < SUBSCRIPTIONS; s++) {
                ledger.recordDelivery(seq, s, seq + 10);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(SUBSCRIPTIONS)
    public void deliverProbe(Blackhole bh) {
        long s = seq++;
        ledger.register(s, s, all);
        ledger.markSent(s, s);
        for (int i = 0; i < SUBSCRIPTIONS; i++) {
            bh.consume(ledger.recordDelivery(s, i, s + 10));
        }
        ledger.expireOlderThan(s - WINDOW);
    }

    @Benchmark
    public Object duplicate() {
        int sub = nextSub;
        nextSub = sub + 1 == SUBSCRIPTIONS ? 0 : sub + 1;
        return ledger.recordDelivery(seq - 1 - (sub & 63), sub, seq + 10);
    }

    @Benchmark
    public long parseSeq() {
        return Probe.parseSeq(Frames.RUN_ID, Frames.PROBE);
    }
}
