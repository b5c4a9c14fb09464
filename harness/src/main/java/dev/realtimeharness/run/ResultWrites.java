package dev.realtimeharness.run;

import java.io.IOException;
import java.io.PrintStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the run could write its results. A run whose files cannot be written (a full disk, a directory gone) is not
 * a run anyone can read tomorrow: the first failure stops it (publishing ends, the run exits 3 with the file and the
 * reason), never a silent degrade where the ticker goes on without its timeline. Thread-safe.
 */
final class ResultWrites {
    private static final Logger log = LoggerFactory.getLogger(ResultWrites.class);

    /** One write of a result file. */
    interface Write {
        void run() throws IOException;
    }

    private final PrintStream err;
    private volatile String failure;

    ResultWrites(PrintStream err) {
        this.err = err;
    }

    /** Runs {@code write}; a failure is recorded (the first is printed) and returns false. */
    boolean attempt(String file, Write write) {
        try {
            write.run();
            return true;
        } catch (IOException | RuntimeException e) {
            failed(file, e);
            return false;
        }
    }

    void failed(String file, Exception e) {
        String message = "cannot write " + file + ": " + (e.getMessage() == null ? e.toString() : e.getMessage());
        synchronized (this) {
            if (failure != null) {
                log.debug("{}", message);
                return;
            }
            failure = message;
        }
        log.error("{}; stopping the run", message);
        err.println("harness: " + message + "; stopping the run (its results would be incomplete)");
    }

    /** The first failure ("cannot write timeline.csv: No space left on device"), null while every write worked. */
    String failure() {
        return failure;
    }

    boolean failed() {
        return failure != null;
    }
}
