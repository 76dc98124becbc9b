package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny smoke run of the perf tools through the real {@code bin/sluice}: they run, finish and print their summary
 * line. Performance itself is measured by bench/compare.sh, never asserted in tests.
 */
class PerfCliIT {
    @TempDir
    Path dir;

    @Test
    void perfToolsRunAndPrintSummaryLines() throws Exception {
        try (ServerProcess server = ServerProcess.start(dir)) {
            SluiceProcess.Result produce = SluiceProcess.run(null, 120, "perf", "produce", "--topic", "smoke",
                    "--records", "5000", "--brokers", server.brokers());
            assertThat(produce.stdout()).as(produce.stderr()).startsWith("workload=produce ")
                    .contains("records=5000").contains("status=ok");
            SluiceProcess.Result consume = SluiceProcess.run(null, 120, "perf", "consume", "--topic", "smoke",
                    "--records", "5000", "--brokers", server.brokers());
            assertThat(consume.stdout()).as(consume.stderr()).contains("records=5000").contains("status=ok");
            SluiceProcess.Result pingPong = SluiceProcess.run(null, 120, "perf", "e2e", "--topic", "ping",
                    "--records", "50", "--brokers", server.brokers());
            assertThat(pingPong.stdout()).as(pingPong.stderr()).contains("p99_ms=").contains("status=ok");
            SluiceProcess.Result fixedRate = SluiceProcess.run(null, 120, "perf", "e2e", "--topic", "rate",
                    "--mode", "fixed-rate", "--rate", "200", "--warmup-s", "1", "--measure-s", "2",
                    "--brokers", server.brokers());
            assertThat(fixedRate.stdout()).as(fixedRate.stderr()).contains("records=400").contains("status=ok");
        }
    }
}
