package dev.realtimeharness.protocol;

/** The serializer versions a Supabase Realtime socket negotiates with the {@code vsn} query parameter. */
public enum Vsn {
    /** JSON objects, text frames only; the server never sends join_ref. */
    V1("1.0.0"),
    /** 5-element JSON arrays, plus binary kinds 3 (client broadcast push) and 4 (broadcast to subscribers). */
    V2("2.0.0");

    private final String wire;

    Vsn(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** Parses the wire spelling; a missing vsn means 1.0.0, as Phoenix's {@code __connect__} does. */
    public static Vsn parse(String value) {
        if (value == null || value.isEmpty()) {
            return V1;
        }
        for (Vsn v : values()) {
            if (v.wire.equals(value)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unsupported vsn '" + value + "' (supported: 1.0.0, 2.0.0)");
    }

    /** Like {@link #parse} but returns null for an unknown version (the server answers those with 403). */
    public static Vsn parseOrNull(String value) {
        try {
            return parse(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
