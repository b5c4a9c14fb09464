package dev.realtimeharness.results;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/** Renders a page in headless Chromium (Debian's package; .ci/run installs it) and reads the screenshot. */
final class ChromiumScreenshot {
    private ChromiumScreenshot() {
    }

    static String chromium() {
        for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
            if (Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        throw new IllegalStateException("Chromium is not installed (apt-get install chromium); .ci/run installs it");
    }

    static BufferedImage take(Path page, Path png, int width, int height) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("chromium-profile");
        Process p = new ProcessBuilder(chromium(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--hide-scrollbars", "--user-data-dir=" + profile, "--window-size=" + width + "," + height,
                "--screenshot=" + png.toAbsolutePath(), page.toUri().toString())
                .redirectErrorStream(true).start();
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) {
            p.destroyForcibly();
            throw new IllegalStateException("chromium did not finish in 60 s: " + output);
        }
        if (!Files.exists(png)) {
            throw new IllegalStateException("chromium wrote no screenshot (exit " + p.exitValue() + "): " + output);
        }
        return ImageIO.read(png.toFile());
    }

    /** Pixels in the rectangle within a small colour distance of {@code rgb} (anti-aliasing blurs edges). */
    static int countNear(BufferedImage img, int x0, int y0, int x1, int y1, int rgb) {
        int r = rgb >> 16 & 0xff;
        int g = rgb >> 8 & 0xff;
        int b = rgb & 0xff;
        int n = 0;
        for (int y = y0; y < Math.min(y1, img.getHeight()); y++) {
            for (int x = x0; x < Math.min(x1, img.getWidth()); x++) {
                int p = img.getRGB(x, y);
                int dr = (p >> 16 & 0xff) - r;
                int dg = (p >> 8 & 0xff) - g;
                int db = (p & 0xff) - b;
                if (dr * dr + dg * dg + db * db < 40 * 40) {
                    n++;
                }
            }
        }
        return n;
    }
}
