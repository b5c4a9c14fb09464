package dev.realtimeharness.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokensFileTest {
    @TempDir
    Path tmp;

    @Test
    void readsOneTokenALineSkippingBlankLinesAndComments() throws Exception {
        Path f = tmp.resolve("tokens.txt");
        Files.writeString(f, "# issued for the load test\n\neyJa.b.c\n  eyJd.e.f  \n#eyJg.h.i\n");
        List<String> tokens = TokensFile.read(f);
        assertThat(tokens).containsExactly("eyJa.b.c", "eyJd.e.f");
    }

    @Test
    void driverIUsesLineIModN() {
        List<String> tokens = List.of("a", "b", "c");
        assertThat(TokensFile.forDriver(tokens, 0)).isEqualTo("a");
        assertThat(TokensFile.forDriver(tokens, 4)).isEqualTo("b");
    }

    @Test
    void fileWithOnlyCommentsIsRefused() throws Exception {
        Path f = tmp.resolve("empty.txt");
        Files.writeString(f, "# nothing\n\n");
        assertThatThrownBy(() -> TokensFile.read(f)).hasMessageContaining("--tokens").hasMessageContaining("no tokens");
    }

    @Test
    void unreadableFileIsRefused() {
        assertThatThrownBy(() -> TokensFile.read(tmp.resolve("missing.txt"))).hasMessageContaining("cannot read");
    }
}
