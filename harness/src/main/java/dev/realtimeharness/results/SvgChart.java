package dev.realtimeharness.results;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Inline SVG line charts for report.html: drawn in Java so the page needs no script, no CDN, no network. Axes,
 * ticks, a legend; optionally a logarithmic x axis labelled in percentiles (HdrHistogram's percentile plot).
 */
final class SvgChart {
    static final int WIDTH = 900;
    static final int HEIGHT = 260;
    private static final int LEFT = 64;
    private static final int RIGHT = 16;
    private static final int TOP = 28;
    private static final int BOTTOM = 40;

    record Series(String name, String color, double[] xs, double[] ys) {
    }

    /** A vertical marker at {@code x} (an injected fault), shading {@code width} after it when it lasts a window. */
    record Marker(double x, double width, String label, String title) {
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private final List<Marker> markers = new ArrayList<>();
    private boolean percentileX;

    SvgChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    SvgChart add(String name, String color, double[] xs, double[] ys) {
        series.add(new Series(name, color, xs, ys));
        return this;
    }

    /** Draws a labelled vertical line at {@code x}, with {@code width} shaded after it (0: none). */
    SvgChart marker(double x, double width, String label, String title) {
        markers.add(new Marker(x, width, label, title));
        return this;
    }

    /** The x values are log10(1 / (1 - percentile/100)); ticks read 0%, 90%, 99%, 99.9%, ... */
    SvgChart percentileAxis() {
        this.percentileX = true;
        return this;
    }

    String render() {
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double maxY = 0;
        int points = 0;
        for (Series s : series) {
            for (int i = 0; i < s.xs().length; i++) {
                if (Double.isNaN(s.ys()[i])) {
                    continue;
                }
                minX = Math.min(minX, s.xs()[i]);
                maxX = Math.max(maxX, s.xs()[i]);
                maxY = Math.max(maxY, s.ys()[i]);
                points++;
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
                + "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">", WIDTH, HEIGHT, WIDTH, HEIGHT,
                Comparison.esc(title)));
        sb.append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>");
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\" font-weight=\"bold\">%s</text>",
                LEFT, Comparison.esc(title)));
        if (points == 0) {
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"13\" fill=\"#888\">no data"
                    + "</text></svg>", WIDTH / 2 - 30, HEIGHT / 2));
            return sb.toString();
        }
        for (Marker mk : markers) {
            // A fault after the last sample still belongs on the chart.
            minX = Math.min(minX, mk.x());
            maxX = Math.max(maxX, mk.x());
        }
        if (maxX <= minX) {
            maxX = minX + 1;
        }
        maxY = niceCeiling(maxY <= 0 ? 1 : maxY);
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        // Axes and horizontal grid with 5 ticks.
        for (int i = 0; i <= 5; i++) {
            double v = maxY * i / 5;
            double y = TOP + plotH - plotH * i / 5.0;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>",
                    LEFT, y, WIDTH - RIGHT, y));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s"
                    + "</text>", LEFT - 6, y + 4, tick(v)));
        }
        double fminX = minX;
        double fmaxX = maxX;
        if (percentileX) {
            String[] labels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
            for (int k = 0; k < labels.length && k <= Math.ceil(maxX); k++) {
                double x = LEFT + plotW * (k - fminX) / (fmaxX - fminX);
                if (x < LEFT - 1 || x > WIDTH - RIGHT + 1) {
                    continue;
                }
                sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
                        + "stroke=\"#e5e5e5\"/><text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s"
                        + "</text>", x, TOP, x, TOP + plotH, x, TOP + plotH + 14, labels[k]));
            }
        } else {
            for (int i = 0; i <= 6; i++) {
                double v = fminX + (fmaxX - fminX) * i / 6;
                double x = LEFT + plotW * i / 6.0;
                sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" "
                        + "text-anchor=\"middle\">%s</text>", x, TOP + plotH + 14, tick(v)));
            }
        }
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>", LEFT,
                TOP + plotH, WIDTH - RIGHT, TOP + plotH));
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>", LEFT,
                TOP, LEFT, TOP + plotH));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>",
                LEFT + plotW / 2, HEIGHT - 6, Comparison.esc(xLabel)));
        sb.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" "
                + "transform=\"rotate(-90 14 %d)\">%s</text>", TOP + plotH / 2, TOP + plotH / 2,
                Comparison.esc(yLabel)));
        int legendX = WIDTH - RIGHT - 10;
        for (int si = series.size() - 1; si >= 0; si--) {
            Series s = series.get(si);
            StringBuilder path = new StringBuilder();
            for (int i = 0; i < s.xs().length; i++) {
                if (Double.isNaN(s.ys()[i])) {
                    continue;
                }
                double x = LEFT + plotW * (s.xs()[i] - fminX) / (fmaxX - fminX);
                double y = TOP + plotH - plotH * Math.min(s.ys()[i], maxY) / maxY;
                path.append(path.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
            }
            sb.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(s.color())
                    .append("\" stroke-width=\"2\"/>");
            int w = 14 + 7 * s.name().length();
            legendX -= w;
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"10\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"19\" font-size=\"11\">%s</text>", legendX, s.color(), legendX + 13,
                    Comparison.esc(s.name())));
        }
        for (int k = 0; k < markers.size(); k++) {
            Marker mk = markers.get(k);
            double x = LEFT + plotW * (mk.x() - fminX) / (fmaxX - fminX);
            if (mk.width() > 0) {
                double x2 = LEFT + plotW * (Math.min(mk.x() + mk.width(), fmaxX) - fminX) / (fmaxX - fminX);
                sb.append(String.format(Locale.ROOT, "<rect class=\"fault-window\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
                        + "height=\"%d\" fill=\"#ff7f0e\" fill-opacity=\"0.12\"/>", x, TOP, Math.max(1, x2 - x), plotH));
            }
            // Labels step down so that faults close together stay readable; the full line is the tooltip. Near the
            // right edge they go to the left of their line.
            boolean nearRight = x > WIDTH - RIGHT - 6 * mk.label().length();
            sb.append(String.format(Locale.ROOT, "<g class=\"fault-marker\"><title>%s</title><line x1=\"%.1f\" "
                    + "y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e6550d\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" fill=\"#a63603\"%s>%s</text></g>",
                    Comparison.esc(mk.title()), x, TOP, x, TOP + plotH, nearRight ? x - 3 : x + 3,
                    TOP + 10 + 12 * (k % 4), nearRight ? " text-anchor=\"end\"" : "", Comparison.esc(mk.label())));
        }
        sb.append("</svg>");
        return sb.toString();
    }

    static double niceCeiling(double v) {
        double exp = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * exp >= v) {
                return m * exp;
            }
        }
        return 10 * exp;
    }

    private static String tick(double v) {
        if (v >= 1e9) {
            return String.format(Locale.ROOT, "%.1fG", v / 1e9);
        }
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.1fM", v / 1e6);
        }
        if (v >= 1e4) {
            return String.format(Locale.ROOT, "%.0fk", v / 1e3);
        }
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
