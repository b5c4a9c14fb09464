package dev.realtimeharness.run;

import java.io.PrintStream;

/**
 * The run's progress line. On a terminal it is rewritten in place every second (carriage return, padded over the
 * previous text); in a log (no TTY, e.g. CI) a full line every {@value #LOG_EVERY_SECONDS} seconds, so that logs stay
 * short and never contain carriage returns.
 */
public final class ProgressLine {
    static final int LOG_EVERY_SECONDS = 10;

    public enum Mode {
        /** Rewrite one line every second. */
        IN_PLACE,
        /** Print a full line every {@value ProgressLine#LOG_EVERY_SECONDS} seconds. */
        LOG;

        /** {@code IN_PLACE} when the JVM has a console (stdin and stdout are a terminal), else {@code LOG}. */
        public static Mode detect() {
            return System.console() != null ? IN_PLACE : LOG;
        }
    }

    private final PrintStream out;
    private final Mode mode;
    private int shown; // length of the in-place text on screen; 0 when the cursor is at a line start

    public ProgressLine(PrintStream out, Mode mode) {
        this.out = out;
        this.mode = mode;
    }

    public Mode mode() {
        return mode;
    }

    /** Whether second {@code seconds} of the run gets a progress line. */
    public boolean due(long seconds) {
        return mode == Mode.IN_PLACE || seconds % LOG_EVERY_SECONDS == 0;
    }

    public synchronized void show(String line) {
        if (mode == Mode.LOG) {
            out.println(line);
            return;
        }
        StringBuilder b = new StringBuilder(Math.max(line.length(), shown) + 1).append('\r').append(line);
        for (int i = line.length(); i < shown; i++) {
            b.append(' ');
        }
        out.print(b);
        out.flush();
        shown = line.length();
    }

    /** Ends an in-place line, so that what is printed next starts on a line of its own. */
    public synchronized void finishLine() {
        if (shown > 0) {
            out.println();
            shown = 0;
        }
    }
}
