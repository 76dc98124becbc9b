package dev.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench/lib/compare-aggregate.awk, the figures of bench/compare.sh, on fixed inputs. */
class CompareAggregateTest {
    @TempDir
    Path dir;

    @Test
    void mediansOfThreeRoundsAndMedianOfTheRoundRatios() throws Exception {
        List<Path> files = List.of(
                side("kafka", 1, "workload=produce_rf1_acks1 records_per_sec=1000.0 records=2000000 status=ok"
                        + " server_cpu_ms=4000 client_cpu_ms=2000"),
                side("sluice", 1, "workload=produce_rf1_acks1 records_per_sec=500.0 records=2000000 status=ok"
                        + " server_cpu_ms=8000 client_cpu_ms=1000"),
                side("kafka", 2, "workload=produce_rf1_acks1 records_per_sec=1200.0 records=2000000 status=ok"
                        + " server_cpu_ms=3000 client_cpu_ms=2000"),
                side("sluice", 2, "workload=produce_rf1_acks1 records_per_sec=1500.0 records=2000000 status=ok"
                        + " server_cpu_ms=3000 client_cpu_ms=1000"),
                side("kafka", 3, "workload=produce_rf1_acks1 records_per_sec=900 records=2000000 status=ok"
                        + " server_cpu_ms=5000 client_cpu_ms=2200"),
                side("sluice", 3, "workload=produce_rf1_acks1 records_per_sec=1800 records=2000000 status=ok"
                        + " server_cpu_ms=5000 client_cpu_ms=1000"));

        ScriptRun run = aggregate(files);

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        // records/s: medians 1000 and 1500; round ratios 0.5, 1.25, 2.0 -> median 1.25 (not 1500/1000 = 1.5).
        assertThat(run.stdoutLines()).contains(
                "compare workload=produce_rf1_acks1 figure=records_per_sec kafka=1000 sluice=1500 ratio=1.25"
                        + " rounds=3 kafka_status=ok sluice_status=ok",
                // CPU ms per 10^6 records: Kafka 2000, 1500, 2500; Sluice 4000, 1500, 2500; ratios Kafka/Sluice.
                "compare workload=produce_rf1_acks1 figure=server_cpu_ms_per_million_records kafka=2000 sluice=2500"
                        + " ratio=1.00 rounds=3 kafka_status=ok sluice_status=ok",
                "compare workload=produce_rf1_acks1 figure=client_cpu_ms_per_million_records kafka=1000 sluice=500"
                        + " ratio=2.00 rounds=3 kafka_status=ok sluice_status=ok",
                "compare_round round=1 workload=produce_rf1_acks1 figure=records_per_sec kafka=1000 sluice=500"
                        + " ratio=0.50 kafka_status=ok sluice_status=ok");
        assertThat(run.stdout()).doesNotContain("NOT OK");
    }

    @Test
    void evenRoundCountAveragesTheMiddleTwoAndLatencyRatioIsKafkaOverSluice() throws Exception {
        ScriptRun run = aggregate(List.of(
                side("kafka", 1, "workload=e2e_rf3_acksall p50_ms=1 p99_ms=8 records=5000 status=ok"),
                side("sluice", 1, "workload=e2e_rf3_acksall p50_ms=1 p99_ms=16 records=5000 status=ok"),
                side("kafka", 2, "workload=e2e_rf3_acksall p50_ms=1 p99_ms=10 records=5000 status=ok"),
                side("sluice", 2, "workload=e2e_rf3_acksall p50_ms=1 p99_ms=5 records=5000 status=ok")));

        assertThat(run.stdoutLines()).contains("compare workload=e2e_rf3_acksall figure=p99_ms kafka=9 sluice=10.500"
                + " ratio=1.25 rounds=2 kafka_status=ok sluice_status=ok");
    }

    @Test
    void aTimeoutOrMissingRunIsNeverAFigureAndIsPrintedAsNotOk() throws Exception {
        ScriptRun run = aggregate(List.of(
                side("kafka", 1, "workload=produce_rf3_acksall records_per_sec=280000 records=2000000 status=ok"
                        + " server_cpu_ms=1000 client_cpu_ms=1000",
                        "workload=consume_rf3 records_per_sec=5000000 records=2000000 status=ok"
                                + " server_cpu_ms=100 client_cpu_ms=300"),
                // A partial rate is still a rate in the side's line; it must not count.
                side("sluice", 1, "workload=produce_rf3_acksall records_per_sec=90000 records=120000"
                        + " status=timeout_partial server_cpu_ms=9000 client_cpu_ms=na"),
                side("kafka", 2, "workload=produce_rf3_acksall status=timeout rc=124 server_cpu_ms=na"
                        + " client_cpu_ms=na"),
                side("sluice", 2, "workload=produce_rf3_acksall records_per_sec=100000 records=2000000 status=ok"
                        + " server_cpu_ms=2000 client_cpu_ms=na")));

        assertThat(run.exitCode()).isZero();
        assertThat(run.stdoutLines()).contains(
                "compare_round round=1 workload=produce_rf3_acksall figure=records_per_sec kafka=280000 sluice=na"
                        + " ratio=na kafka_status=ok sluice_status=timeout_partial",
                "compare workload=produce_rf3_acksall figure=records_per_sec kafka=280000 sluice=100000 ratio=na"
                        + " rounds=2 kafka_status=ok,timeout sluice_status=timeout_partial,ok",
                "compare workload=produce_rf3_acksall figure=client_cpu_ms_per_million_records kafka=500 sluice=na"
                        + " ratio=na rounds=2 kafka_status=ok,timeout sluice_status=timeout_partial,ok",
                "compare workload=consume_rf3 figure=records_per_sec kafka=5000000 sluice=na ratio=na rounds=2"
                        + " kafka_status=ok,missing sluice_status=missing,missing",
                "# NOT OK: workload=produce_rf3_acksall side=sluice round=1 status=timeout_partial",
                "# NOT OK: workload=produce_rf3_acksall side=kafka round=2 status=timeout",
                "# NOT OK: workload=consume_rf3 side=kafka round=2 status=missing",
                "# NOT OK: workload=consume_rf3 side=sluice round=1 status=missing");
    }

    @Test
    void aFileWithoutItsSideHeaderIsRejected() throws Exception {
        Path file = dir.resolve("bad.txt");
        Files.writeString(file, "workload=produce_rf1_acks1 records_per_sec=1 status=ok\n");

        ScriptRun run = aggregate(List.of(file));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("does not start with '# side=kafka|sluice round=N'");
    }

    private int files;

    private Path side(String side, int round, String... lines) throws Exception {
        Path file = dir.resolve(side + "-" + round + "-" + files++ + ".txt");
        List<String> content = new ArrayList<>();
        content.add("# side=" + side + " round=" + round);
        content.add("# a comment the aggregation ignores");
        content.addAll(List.of(lines));
        Files.write(file, content);
        return file;
    }

    private ScriptRun aggregate(List<Path> inputs) throws Exception {
        List<String> command = new ArrayList<>(List.of("awk", "-f",
                ScriptRun.ROOT.resolve("bench/lib/compare-aggregate.awk").toString()));
        inputs.forEach(path -> command.add(path.toString()));
        return ScriptRun.run(dir, Map.of(), 30, command);
    }
}
