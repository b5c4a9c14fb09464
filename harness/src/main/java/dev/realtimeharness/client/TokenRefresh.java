package dev.realtimeharness.client;

import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Renews a driver's token a little before its {@code exp}: 60 s before, or half its lifetime when that is shorter,
 * and hands each new token to the connection (which pushes it to its joined channels). Tokens without {@code exp}
 * (opaque keys) are never renewed. Runs on the connection's event loop.
 */
final class TokenRefresh {
    static final long LEAD_MILLIS = 60_000;

    private final TokenProvider tokens;
    private final Clock clock;
    private final ScheduledExecutorService loop;
    private final BooleanSupplier running;
    private final Consumer<String> renewed;
    private ScheduledFuture<?> task;

    /**
     * {@code clock}: the wall clock token expiry is compared with; {@code running}: false once the connection is
     * stopping, when nothing is renewed any more.
     */
    TokenRefresh(TokenProvider tokens, Clock clock, ScheduledExecutorService loop, BooleanSupplier running,
            Consumer<String> renewed) {
        this.tokens = tokens;
        this.clock = clock;
        this.loop = loop;
        this.running = running;
        this.renewed = renewed;
    }

    /** Schedules the next renewal of the current token, if it has an expiry. */
    void schedule() {
        if (tokens == null || !running.getAsBoolean()) {
            return;
        }
        long exp = TokenProvider.expiresAt(tokens.current());
        if (exp < 0) {
            return;
        }
        long iat = TokenProvider.issuedAt(tokens.current());
        long leadMillis = LEAD_MILLIS;
        if (iat >= 0 && iat < exp) {
            leadMillis = Math.min(leadMillis, (exp - iat) * 1000 / 2);
        }
        long delayMillis = Math.max(0, exp * 1000 - leadMillis - clock.millis());
        task = loop.schedule(this::refresh, delayMillis, TimeUnit.MILLISECONDS);
    }

    void cancel() {
        if (task != null) {
            task.cancel(false);
        }
    }

    private void refresh() {
        task = null;
        if (!running.getAsBoolean()) {
            return;
        }
        String next = tokens.renew();
        if (next == null) {
            return;
        }
        renewed.accept(next);
        schedule();
    }
}
