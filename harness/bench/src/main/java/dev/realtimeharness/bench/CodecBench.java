package dev.realtimeharness.bench;

import dev.realtimeharness.protocol.PhoenixMessage;
import dev.realtimeharness.protocol.ProtocolException;
import dev.realtimeharness.protocol.V1Codec;
import dev.realtimeharness.protocol.V2Codec;
import dev.realtimeharness.protocol.WireFrame;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** The full Phoenix codecs (a JSON tree per frame): what the receive path used before InboundScan, and control frames. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBench {
    private final WireFrame pgV1 = new WireFrame.Text(Frames.PG_V1);
    private final WireFrame pgV2 = new WireFrame.Text(Frames.PG_V2);
    private final WireFrame broadcastV1 = new WireFrame.Text(Frames.BROADCAST_V1);
    private final WireFrame broadcastV2 = new WireFrame.Binary(Frames.BROADCAST_V2);

    @Benchmark
    public PhoenixMessage decodeV1PostgresChanges() throws ProtocolException {
        return V1Codec.INSTANCE.decode(pgV1);
    }

    @Benchmark
    public PhoenixMessage decodeV2PostgresChanges() throws ProtocolException {
        return V2Codec.INSTANCE.decode(pgV2);
    }

    @Benchmark
    public PhoenixMessage decodeV1Broadcast() throws ProtocolException {
        return V1Codec.INSTANCE.decode(broadcastV1);
    }

    @Benchmark
    public PhoenixMessage decodeV2BinaryBroadcast() throws ProtocolException {
        return V2Codec.INSTANCE.decode(broadcastV2);
    }
}
