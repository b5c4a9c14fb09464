package dev.realtimeharness.bench;

import dev.realtimeharness.protocol.InboundScan;
import dev.realtimeharness.protocol.ProtocolException;
import dev.realtimeharness.protocol.Vsn;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** {@link InboundScan} on the frames a subscriber receives: the per-delivery parse of the receive path. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ScanBench {
    private final InboundScan scan = new InboundScan(Frames.PROBE_COLUMN);
    private final byte[] pgV1 = Frames.utf8(Frames.PG_V1);
    private final byte[] pgV2 = Frames.utf8(Frames.PG_V2);
    private final byte[] broadcastV1 = Frames.utf8(Frames.BROADCAST_V1);
    private final byte[] broadcastV2 = Frames.BROADCAST_V2;

    @Benchmark
    public Object scanV1PostgresChanges() throws ProtocolException {
        scan.scanText(Vsn.V1, pgV1, 0, pgV1.length);
        return scan.probe();
    }

    @Benchmark
    public Object scanV2PostgresChanges() throws ProtocolException {
        scan.scanText(Vsn.V2, pgV2, 0, pgV2.length);
        return scan.probe();
    }

    @Benchmark
    public Object scanV1Broadcast() throws ProtocolException {
        scan.scanText(Vsn.V1, broadcastV1, 0, broadcastV1.length);
        return scan.probe();
    }

    @Benchmark
    public Object scanV2BinaryBroadcast() throws ProtocolException {
        scan.scanBinary(broadcastV2);
        return scan.probe();
    }
}
