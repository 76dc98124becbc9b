package dev.sluice.chaos.report;

import dev.sluice.chaos.checker.Verdict;
import dev.sluice.chaos.history.Op;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Renders the self-contained {@code index.html} (pure: strings in, a string out): run facts, the verdict table with
 * offending operations, and per workload two inline SVG charts over time (ok ops/s; p50/p99 latency) with the fault
 * windows shaded and labelled.
 */
public final class HtmlReport {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 180;
    private static final int LEFT = 50;
    private static final int MAX_OPS_SHOWN = 20;

    private HtmlReport() {
    }

    public static String render(Map<String, Object> run, List<Verdict> verdicts, Map<String, List<Timeline.Second>>
            series, List<Timeline.Window> windows, double endSecond) {
        StringBuilder html = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\">"
                + "<title>Sluice chaos run " + escape(String.valueOf(run.get("seed"))) + "</title>"
                + "<style>body{font-family:sans-serif;margin:20px}"
                + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 6px;font-size:13px}"
                + ".bad{color:#b00;font-weight:bold}.ok{color:#070}pre{font-size:12px}</style></head><body>");
        html.append("<h1>Sluice chaos run, seed ").append(escape(String.valueOf(run.get("seed")))).append("</h1>");
        html.append("<table>");
        run.forEach((k, v) -> html.append("<tr><th>").append(escape(k)).append("</th><td>")
                .append(escape(String.valueOf(v))).append("</td></tr>"));
        html.append("</table><h2>Verdicts</h2><table><tr><th>checker</th><th>verdict</th><th>stats</th></tr>");
        for (Verdict verdict : verdicts) {
            html.append("<tr><td>").append(escape(verdict.checker())).append("</td><td class=\"")
                    .append(verdict.valid() ? "ok\">valid" : "bad\">INVALID").append("</td><td>")
                    .append(escape(verdict.stats().toString()));
            verdict.notes().forEach(note -> html.append("<br>").append(escape(note)));
            html.append("</td></tr>");
        }
        html.append("</table>");
        appendAnomalies(html, verdicts);
        html.append("<h2>Faults</h2><table><tr><th>from (s)</th><th>to (s)</th><th>nemesis</th><th>what</th></tr>");
        for (Timeline.Window w : windows) {
            html.append(String.format(Locale.ROOT, "<tr><td>%.1f</td><td>%.1f</td><td>%s</td><td>%s</td></tr>",
                    w.startSecond(), w.endSecond(), escape(w.nemesis()), escape(w.description())));
        }
        html.append("</table>");
        series.forEach((workload, seconds) -> {
            html.append("<h2>").append(escape(workload)).append("</h2>");
            html.append("<p>ok operations per second</p>");
            html.append(chart(seconds, windows, endSecond, List.of(s -> (double) s.okCount()), List.of("#1f77b4")));
            html.append("<p>latency (ms): p50 blue, p99 red</p>");
            html.append(chart(seconds, windows, endSecond, List.of(Timeline.Second::p50Ms, Timeline.Second::p99Ms),
                    List.of("#1f77b4", "#d62728")));
        });
        return html.append("</body></html>").toString();
    }

    private static void appendAnomalies(StringBuilder html, List<Verdict> verdicts) {
        for (Verdict verdict : verdicts) {
            for (Verdict.Anomaly anomaly : verdict.anomalies()) {
                html.append("<h3 class=\"bad\">").append(escape(verdict.checker())).append(": ")
                        .append(escape(anomaly.kind())).append("</h3><p>").append(escape(anomaly.message()))
                        .append("</p><pre>");
                anomaly.ops().stream().limit(MAX_OPS_SHOWN).forEach(op -> html.append(escape(format(op)))
                        .append('\n'));
                if (anomaly.ops().size() > MAX_OPS_SHOWN) {
                    html.append("... ").append(anomaly.ops().size() - MAX_OPS_SHOWN).append(" more\n");
                }
                html.append("</pre>");
            }
        }
    }

    static String format(Op op) {
        return String.format(Locale.ROOT, "#%d %.3fs %s %s %s %s%s", op.index(), op.timeNanos() / 1e9, op.process(),
                op.type().name().toLowerCase(Locale.ROOT), op.f(), op.value(),
                op.error() == null ? "" : " error=" + op.error());
    }

    static String chart(List<Timeline.Second> seconds, List<Timeline.Window> windows, double endSecond,
            List<ToDoubleFunction<Timeline.Second>> lines, List<String> colors) {
        double maxX = Math.max(1, endSecond);
        double maxY = 1;
        for (ToDoubleFunction<Timeline.Second> line : lines) {
            for (Timeline.Second s : seconds) {
                maxY = Math.max(maxY, line.applyAsDouble(s));
            }
        }
        double plotWidth = WIDTH - LEFT - 10;
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\">", WIDTH, HEIGHT + 20));
        for (Timeline.Window w : windows) {
            double x = LEFT + w.startSecond() / maxX * plotWidth;
            double width = Math.max(1, (w.endSecond() - w.startSecond()) / maxX * plotWidth);
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"0\" width=\"%.1f\" height=\"%d\" "
                    + "fill=\"#f4a261\" fill-opacity=\"0.3\"><title>%s</title></rect>"
                    + "<text x=\"%.1f\" y=\"12\" font-size=\"10\">%s</text>", x, width, HEIGHT,
                    escape(w.nemesis() + ": " + w.description()), x + 2, escape(w.nemesis())));
        }
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>"
                + "<text x=\"0\" y=\"12\" font-size=\"10\">%.0f</text><text x=\"0\" y=\"%d\" font-size=\"10\">0</text>"
                + "<text x=\"%d\" y=\"%d\" font-size=\"10\">%.0f s</text>", LEFT, HEIGHT, WIDTH - 10, HEIGHT, maxY,
                HEIGHT, WIDTH - 40, HEIGHT + 14, maxX));
        for (int i = 0; i < lines.size(); i++) {
            StringBuilder points = new StringBuilder();
            for (Timeline.Second s : seconds) {
                double y = lines.get(i).applyAsDouble(s);
                if (y < 0) {
                    continue;
                }
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", LEFT + (s.second() + 0.5) / maxX * plotWidth,
                        HEIGHT - y / maxY * (HEIGHT - 15)));
            }
            svg.append("<polyline fill=\"none\" stroke=\"").append(colors.get(i)).append("\" points=\"")
                    .append(points).append("\"/>");
        }
        return svg.append("</svg>").toString();
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
