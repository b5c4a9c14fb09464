package dev.realtimeharness.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressLineTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void onATerminalTheLineIsRewrittenInPlaceEverySecondAndPaddedOverLongerText() {
        ProgressLine p = new ProgressLine(out, ProgressLine.Mode.IN_PLACE);
        assertThat(p.due(1)).isTrue();
        assertThat(p.due(2)).isTrue();
        p.show("[   1s] delivered 10/100");
        p.show("[   2s] short");
        assertThat(printed()).isEqualTo("\r[   1s] delivered 10/100" + "\r[   2s] short" + " ".repeat(11));
        p.finishLine();
        assertThat(printed()).endsWith(System.lineSeparator());
        p.finishLine(); // nothing more when the line is already ended
        assertThat(printed()).doesNotContain(System.lineSeparator() + System.lineSeparator());
    }

    @Test
    void inALogAFullLineEveryTenSecondsWithoutCarriageReturns() {
        ProgressLine p = new ProgressLine(out, ProgressLine.Mode.LOG);
        for (long s = 1; s <= 25; s++) {
            if (p.due(s)) {
                p.show("[" + s + "s]");
            }
        }
        p.finishLine();
        assertThat(printed()).isEqualTo("[10s]" + System.lineSeparator() + "[20s]" + System.lineSeparator());
        assertThat(printed()).doesNotContain("\r");
    }
}
