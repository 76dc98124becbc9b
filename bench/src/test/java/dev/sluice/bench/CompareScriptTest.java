package dev.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bench/compare.sh end to end in a few seconds, with stand-ins for the two sides that keep their contract (a state or
 * pid file naming the server processes, tools run through {@code KAFKA_PEER_JAVA} or bench/lib/measure-cpu.sh, the
 * "[time] workload NAME:" start line and the "workload=NAME ..." result line) but burn a little CPU instead of
 * running Kafka or Sluice. The CPU figures are real /proc readings of those processes. The real workloads are run by
 * hand (docs/performance.md), never in tests.
 */
class CompareScriptTest {
    private static final Pattern LINE = Pattern.compile("#.*|compare(_round)? [a-z_0-9]+=\\S+( [a-z_0-9]+=\\S+)*");
    private static final Pattern NUMBER = Pattern.compile("[0-9]+(\\.[0-9]+)?");

    @TempDir
    Path dir;

    @Test
    void repeatedNoisyRunPrintsParsableFiguresWithCpuOfBothSidesAndStopsItsBusyLoop() throws Exception {
        ScriptRun run = compare(Map.of("COMPARE_MAX_LOAD", "1000"), "1", "--repeat", "2", "--noisy");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdoutLines()).as(run.stderr()).allMatch(line -> LINE.matcher(line).matches());
        assertThat(run.stdoutLines()).contains(
                "compare workload=produce_rf1_acks1 figure=records_per_sec kafka=1000 sluice=2000 ratio=2.00"
                        + " rounds=2 kafka_status=ok sluice_status=ok",
                "# NOT OK: workload=e2e_rf1_acks1 side=kafka round=1 status=timeout",
                "# NOT OK: workload=e2e_rf1_acks1 side=kafka round=2 status=timeout");
        for (String figure : List.of("server_cpu_ms_per_million_records", "client_cpu_ms_per_million_records")) {
            String line = summary(run, "produce_rf1_acks1", figure);
            assertThat(positive(value(line, "kafka"))).as(line).isTrue();
            assertThat(positive(value(line, "sluice"))).as(line).isTrue();
            assertThat(NUMBER.matcher(value(line, "ratio")).matches()).as(line).isTrue();
        }
        assertThat(run.stdoutLines()).filteredOn(line -> line.startsWith("compare_round ")).hasSize(2 * 4);

        Matcher noise = Pattern.compile("# noisy: .*\\(pid ([0-9]+),").matcher(run.stdout());
        assertThat(noise.find()).as(run.stdout()).isTrue();
        long noisePid = Long.parseLong(noise.group(1));
        assertThat(ProcessHandle.of(noisePid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void refusesToStartAboveTheLoadLimitUnlessAllowedAndThenSaysSo() throws Exception {
        ScriptRun refused = compare(Map.of("COMPARE_MAX_LOAD", "-1"), "1");
        assertThat(refused.exitCode()).isEqualTo(3);
        assertThat(refused.stderr()).contains("REFUSING TO START");
        assertThat(refused.stdout()).isEmpty();

        ScriptRun allowed = compare(Map.of("COMPARE_MAX_LOAD", "-1"), "1", "--allow-load");
        assertThat(allowed.exitCode()).as(allowed.stderr()).isZero();
        assertThat(allowed.stdout()).contains("# WARNING: load average").contains("figures are distorted")
                .contains("compare workload=produce_rf1_acks1 figure=records_per_sec");
    }

    /**
     * --client kafka: Sluice's side is the peer's perf.sh (here the stand-in, which reports 1000 records/s, where the
     * stand-in for sluice-perf.sh reports 2000) run from a copy of the peer's directory, with its own state file.
     */
    @Test
    void kafkaClientModeRunsThePeersPerfScriptForSluicesSideFromACopyOfThePeerDirectory() throws Exception {
        ScriptRun run = compare(Map.of("COMPARE_MAX_LOAD", "1000"), "1", "--client", "kafka");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains(" client=kafka ").contains(
                "compare workload=produce_rf1_acks1 figure=records_per_sec kafka=1000 sluice=1000 ratio=1.00"
                        + " rounds=1 kafka_status=ok sluice_status=ok");
        assertThat(run.stderr()).contains("# fake peer run from " + dir.resolve("sluice-compare."))
                .contains("/sluice-peer");
        String server = summary(run, "produce_rf1_acks1", "server_cpu_ms_per_million_records");
        assertThat(positive(value(server, "sluice"))).as(server).isTrue();

        assertThat(compare(Map.of(), "1", "--client", "grpc").exitCode()).isEqualTo(2);
    }

    private ScriptRun compare(Map<String, String> extraEnv, String... args) throws Exception {
        Path peer = Files.createDirectories(dir.resolve("peer"));
        Path java = script(dir.resolve("fake-java"), """
                #!/usr/bin/env bash
                # A stand-in JVM: a "kafka.Kafka" server burns CPU most of the time until TERM; a tool burns ~0.3 s,
                # so a window's server CPU spans several clock ticks on a loaded machine (0.1 s once read 0 ticks).
                for a in "$@"; do
                  if [[ "$a" == kafka.Kafka ]]; then
                    trap 'exit 0' TERM
                    while :; do i=0; while ((i < 20000)); do ((i++)); done; sleep 0.01; done
                  fi
                done
                i=0; while ((i < 150000)); do ((i++)); done
                """);
        script(peer.resolve("perf.sh"), """
                #!/usr/bin/env bash
                set -euo pipefail
                log() { printf '[%s] %s\\n' "$(date +%H:%M:%S)" "$*" >&2; }
                "$KAFKA_PEER_JAVA" -cp x kafka.Kafka server.properties </dev/null >/dev/null 2>&1 &
                server=$!
                trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -f "$KAFKA_PEER_STATE"' EXIT
                echo "PEER_PIDS=\\"$server\\"" >"$KAFKA_PEER_STATE"
                echo "# fake peer run from $(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
                "$KAFKA_PEER_JAVA" -cp x TopicCommand --create
                sleep 0.2
                log "workload produce_rf1_acks1: 1000000 records"
                "$KAFKA_PEER_JAVA" -cp x ProducerPerformance
                echo "workload=produce_rf1_acks1 records_per_sec=1000.0 records=1000000 status=ok"
                log "workload e2e_rf1_acks1: ping-pong"
                rc=0; timeout 0.2 "$KAFKA_PEER_JAVA" -cp x EndToEndLatency || rc=$?
                echo "workload=e2e_rf1_acks1 status=timeout rc=$rc"
                """);
        Path sluice = script(dir.resolve("sluice-perf.sh"), """
                #!/usr/bin/env bash
                set -euo pipefail
                lib="$ROOT/bench/lib"
                log() { printf '[%s] %s\\n' "$(date +%H:%M:%S)" "$*" >&2; }
                "$FAKE_JAVA" kafka.Kafka </dev/null >/dev/null 2>&1 &
                server=$!
                trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; : >"$BENCH_SERVER_PID_FILE"' EXIT
                echo "$server" >"$BENCH_SERVER_PID_FILE"
                for name in produce_rf1_acks1 e2e_rf1_acks1; do
                  sleep 0.2
                  log "workload $name: x"
                  "$lib/measure-cpu.sh" "$BENCH_TOOL_CPU_LOG" "$FAKE_JAVA" tool
                  case $name in
                    produce*) echo "workload=$name records_per_sec=2000.0 records=1000000 status=ok" ;;
                    *) echo "workload=$name p99_ms=3 records=5000 status=ok" ;;
                  esac
                done
                """);
        Map<String, String> env = new HashMap<>(Map.of("KAFKA_PEER_DIR", peer.toString(),
                "KAFKA_PEER_JAVA", java.toString(), "SLUICE_PERF_SCRIPT", sluice.toString(),
                "FAKE_JAVA", java.toString(), "ROOT", ScriptRun.ROOT.toString(), "TMPDIR", dir.toString()));
        env.putAll(extraEnv);
        List<String> command = new ArrayList<>(List.of(
                ScriptRun.ROOT.resolve("bench/compare.sh").toString()));
        command.addAll(List.of(args));
        return ScriptRun.run(dir, env, 120, command);
    }

    private static Path script(Path path, String text) throws Exception {
        Files.writeString(path, text);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        return path;
    }

    private static String summary(ScriptRun run, String workload, String figure) {
        String prefix = "compare workload=" + workload + " figure=" + figure + " ";
        return run.stdoutLines().stream().filter(line -> line.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line " + prefix + " in\n" + run.stdout()));
    }

    private static String value(String line, String key) {
        Matcher matcher = Pattern.compile("(?:^| )" + key + "=(\\S+)").matcher(line);
        return matcher.find() ? matcher.group(1) : "";
    }

    private static boolean positive(String number) {
        return NUMBER.matcher(number).matches() && Double.parseDouble(number) > 0;
    }
}
