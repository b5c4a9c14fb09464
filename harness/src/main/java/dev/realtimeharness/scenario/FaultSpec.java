package dev.realtimeharness.scenario;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;

/**
 * One entry of {@code target.embedded.faults}: a fault of the embedded target applied once {@code at} a time after the
 * start of publishing, or {@code every} so long (at every, 2 × every, ...). {@code ratio} is the share (0..1) of
 * sockets, deliveries or joins for the kinds that take a percentage; {@code amount} the stall's length or the added
 * delay; {@code window} ({@code for} in the file) how long a windowed kind lasts, null for the others.
 */
public record FaultSpec(Kind kind, Duration at, Duration every, double ratio, Duration amount, Duration window) {

    /** The fault kinds, by their key in scenario files. */
    public enum Kind {
        DISCONNECT("disconnect", false),
        STALL("stall", false),
        RESTART_DATABASE("restartDatabase", false),
        REJECT_JOINS("rejectJoins", true),
        DELAY("delay", true),
        DROP("drop", true),
        MALFORMED_FRAMES("malformedFrames", true);

        private final String key;
        private final boolean windowed;

        Kind(String key, boolean windowed) {
            this.key = key;
            this.windowed = windowed;
        }

        /** The key in scenario files. */
        public String key() {
            return key;
        }

        /** Whether the kind lasts a window ({@code for}). */
        public boolean windowed() {
            return windowed;
        }

        /** Whether its value is a percentage. */
        public boolean percentage() {
            return this == DISCONNECT || this == REJECT_JOINS || this == DROP || this == MALFORMED_FRAMES;
        }
    }

    public FaultSpec {
        Objects.requireNonNull(kind, "kind");
        if ((at == null) == (every == null)) {
            throw new IllegalArgumentException("a fault has exactly one of at and every");
        }
        if (kind.windowed() != (window != null)) {
            throw new IllegalArgumentException(kind.key() + (kind.windowed() ? " needs" : " takes no") + " for");
        }
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new IllegalArgumentException("ratio must be within 0..1, was " + ratio);
        }
    }

    /** When it first applies, from the start of publishing. */
    public Duration first() {
        return at != null ? at : every;
    }

    /** {@code disconnect 10% of sockets}, {@code delay deliveries by 250ms for 2s}: what it does, for logs. */
    public String describe() {
        String forWindow = window == null ? "" : " for " + Durations.format(window);
        return switch (kind) {
            case DISCONNECT -> "disconnect " + percent(ratio) + " of sockets";
            case STALL -> "stall deliveries for " + Durations.format(amount);
            case RESTART_DATABASE -> "restart PostgreSQL";
            case REJECT_JOINS -> "reject " + percent(ratio) + " of joins" + forWindow;
            case DELAY -> "delay deliveries by " + Durations.format(amount) + forWindow;
            case DROP -> "drop " + percent(ratio) + " of deliveries" + forWindow;
            case MALFORMED_FRAMES -> "send " + percent(ratio) + " of deliveries as malformed frames" + forWindow;
        };
    }

    /** The value as written in a scenario file: {@code 10%}, {@code 3s}, {@code true}. */
    public String value() {
        if (kind.percentage()) {
            return percent(ratio);
        }
        return kind == Kind.RESTART_DATABASE ? "true" : Durations.format(amount);
    }

    /** 0.1 → {@code 10%}, 0.001 → {@code 0.1%}. */
    public static String percent(double ratio) {
        return new BigDecimal(Double.toString(ratio)).movePointRight(2).stripTrailingZeros().toPlainString() + "%";
    }
}
