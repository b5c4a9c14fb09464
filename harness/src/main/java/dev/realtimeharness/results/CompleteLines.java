package dev.realtimeharness.results;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A log file up to its last newline: what a run killed in the middle of a write left as a partial last line is not
 * read (HdrHistogram's log reader would throw on it), every complete line is.
 */
final class CompleteLines extends FilterInputStream {
    private long remaining;

    private CompleteLines(InputStream in, long length) {
        super(in);
        this.remaining = length;
    }

    static InputStream open(Path file) throws IOException {
        return new CompleteLines(new BufferedInputStream(Files.newInputStream(file)), lengthToLastNewline(file));
    }

    // The offset just after the last '\n', 0 when there is none; read backwards in blocks.
    static long lengthToLastNewline(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            byte[] block = new byte[8192];
            long end = f.length();
            while (end > 0) {
                int n = (int) Math.min(block.length, end);
                f.seek(end - n);
                f.readFully(block, 0, n);
                for (int i = n - 1; i >= 0; i--) {
                    if (block[i] == '\n') {
                        return end - n + i + 1;
                    }
                }
                end -= n;
            }
            return 0;
        }
    }

    @Override
    public int read() throws IOException {
        if (remaining <= 0) {
            return -1;
        }
        int b = super.read();
        if (b >= 0) {
            remaining--;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (remaining <= 0) {
            return -1;
        }
        int n = super.read(b, off, (int) Math.min(len, remaining));
        if (n > 0) {
            remaining -= n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(Math.min(n, remaining));
        remaining -= skipped;
        return skipped;
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(super.available(), remaining);
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
