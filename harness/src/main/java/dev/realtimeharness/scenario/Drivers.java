package dev.realtimeharness.scenario;

import java.util.UUID;

/**
 * Deterministic driver ids, so that the database rows, the JWT {@code sub} and the channel filters of
 * one driver agree across runs and shards: index 7 is {@code d0000000-0000-4000-8000-000000000007}.
 */
public final class Drivers {

    // Version 4 / IETF variant bits set, so that tools which validate UUIDs accept these ids.
    private static final long MSB = 0xd0000000_0000_4000L;
    private static final long LSB_PREFIX = 0x8000_0000_0000_0000L;
    private static final long MAX_INDEX = 0xffff_ffff_ffffL;

    private Drivers() {
    }

    public static UUID id(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("driver index must not be negative, got " + index);
        }
        return new UUID(MSB, LSB_PREFIX | index);
    }

    /** The index of a driver id made by {@link #id(int)}, or -1 when the id is not one of ours. */
    public static int index(UUID id) {
        long low = id.getLeastSignificantBits() & MAX_INDEX;
        if (id.getMostSignificantBits() != MSB || (id.getLeastSignificantBits() & ~MAX_INDEX) != LSB_PREFIX
                || low > Integer.MAX_VALUE) {
            return -1;
        }
        return (int) low;
    }
}
