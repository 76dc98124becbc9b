package dev.sluice.chaos.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sluice.chaos.checker.Verdict;
import dev.sluice.chaos.history.FaultEvent;
import dev.sluice.chaos.history.Op;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes {@code verdicts.json}, {@code run.json} and {@code index.html} into a run directory. */
public final class ReportWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportWriter() {
    }

    public static void write(Path runDir, Map<String, Object> run, List<Op> history, List<FaultEvent> faults,
            List<Verdict> verdicts) throws IOException {
        List<Map<String, Object>> verdictJson = new ArrayList<>();
        for (Verdict verdict : verdicts) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("checker", verdict.checker());
            json.put("valid", verdict.valid());
            json.put("stats", verdict.stats());
            json.put("notes", verdict.notes());
            List<Map<String, Object>> anomalies = new ArrayList<>();
            for (Verdict.Anomaly anomaly : verdict.anomalies()) {
                anomalies.add(Map.of("kind", anomaly.kind(), "message", anomaly.message(),
                        "ops", anomaly.ops().stream().map(HtmlReport::format).toList()));
            }
            json.put("anomalies", anomalies);
            verdictJson.add(json);
        }
        JSON.writeValue(runDir.resolve("verdicts.json").toFile(), verdictJson);
        JSON.writeValue(runDir.resolve("run.json").toFile(), run);
        double endSecond = history.isEmpty() ? 1 : history.get(history.size() - 1).timeNanos() / 1e9;
        for (FaultEvent event : faults) {
            endSecond = Math.max(endSecond, event.timeNanos() / 1e9);
        }
        String html = HtmlReport.render(run, verdicts, Timeline.perSecond(history), Timeline.windows(faults,
                endSecond), endSecond);
        Files.writeString(runDir.resolve("index.html"), html);
    }
}
