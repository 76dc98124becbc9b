package dev.sluice.chaos.runner;

import dev.sluice.chaos.checker.Verdict;
import java.nio.file.Path;
import java.util.List;

/** What a run produced: its verdicts, its report directory and notes (fallbacks, incomplete final phases). */
public record RunResult(long seed, Path reportDir, List<Verdict> verdicts, List<String> notes) {
    public boolean valid() {
        return verdicts.stream().allMatch(Verdict::valid);
    }

    /** One line naming the seed and the report, for failure messages. */
    public String summary() {
        StringBuilder text = new StringBuilder("seed=" + seed + " valid=" + valid() + " report=" + reportDir);
        for (Verdict verdict : verdicts) {
            text.append("\n  ").append(verdict.checker()).append(": ").append(verdict.valid() ? "valid" : "INVALID")
                    .append(' ').append(verdict.stats());
            verdict.notes().forEach(note -> text.append("\n    note: ").append(note));
            verdict.anomalies().stream().limit(5).forEach(a -> text.append("\n    ").append(a.kind()).append(": ")
                    .append(a.message()));
        }
        return text.toString();
    }
}
