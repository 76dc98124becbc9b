package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice dev --nodes 3} through the real {@code bin/sluice}: it prints each node's pid and the
 * {@code SLUICE_BROKERS} value, the cluster works through it, and SIGTERM stops exactly the node processes it
 * started.
 */
class DevCommandIT {
    private static final Pattern NODE_LINE = Pattern.compile("dev: node (\\d+) pid (\\d+) broker ([^ ]+) .*");

    // Kept when the test fails: the node logs under it explain the failure.
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path dataDir;

    @Test
    void startsThreeNodesPrintsHowToReachThemAndStopsThem() throws Exception {
        int basePort = freeBasePort();
        Process dev = SluiceProcess.builder(List.of("dev", "--nodes", "3", "--base-port", Integer.toString(basePort),
                "--data-dir", dataDir.toString())).redirectErrorStream(true).start();
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture.runAsync(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(dev.getInputStream(),
                    StandardCharsets.UTF_8))) {
                reader.lines().forEach(lines::add);
            } catch (java.io.IOException e) {
                // the process ended
            }
        });
        try {
            await().atMost(Duration.ofSeconds(120)).until(() -> lines.stream().anyMatch(l -> l.startsWith("dev: ready"))
                    || !dev.isAlive());
            assertThat(dev.isAlive()).as("sluice dev output: %s", lines).isTrue();
            List<Long> pids = new ArrayList<>();
            for (String line : lines) {
                Matcher matcher = NODE_LINE.matcher(line);
                if (matcher.matches()) {
                    pids.add(Long.parseLong(matcher.group(2)));
                }
            }
            assertThat(pids).hasSize(3);
            String brokers = "127.0.0.1:" + basePort + ",127.0.0.1:" + (basePort + 10) + ",127.0.0.1:"
                    + (basePort + 20);
            assertThat(lines).contains("export SLUICE_BROKERS=" + brokers);

            SluiceProcess.Result created = SluiceProcess.run(null, 120, "topic", "create", "dev-topic",
                    "--replication-factor", "3", "--brokers", brokers);
            assertThat(created.exitCode()).as(created.stderr()).isZero();
            SluiceProcess.Result info = SluiceProcess.run(null, 120, "cluster", "info", "--brokers", brokers);
            assertThat(info.stdout()).contains("leader").contains("active");

            dev.destroy();  // SIGTERM, as from Ctrl-C or a service manager
            assertThat(dev.waitFor(60, TimeUnit.SECONDS)).isTrue();
            for (long pid : pids) {
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                        .as("node process %d still running", pid).isFalse();
            }
        } finally {
            dev.descendants().forEach(ProcessHandle::destroyForcibly);
            dev.destroyForcibly();
        }
    }

    /**
     * A base port whose three nodes' ports (base + 10 * node + 0..2, and the Kafka ports 2000 higher) are free now,
     * below Linux's ephemeral range (32768-60999): a base inside it once collided with another process's outgoing
     * connection ("cannot listen on 127.0.0.1:40100").
     */
    private static int freeBasePort() throws java.io.IOException {
        int start = (int) (ProcessHandle.current().pid() % 80);
        for (int i = 0; i < 80; i++) {
            int base = 20_000 + ((start + i) % 80) * 100;
            if (allFree(base)) {
                return base;
            }
        }
        throw new java.io.IOException("no free block of ports between 20000 and 28100");
    }

    private static boolean allFree(int base) {
        for (int node = 0; node < 3; node++) {
            for (int port : new int[] {base + 10 * node, base + 10 * node + 1, base + 10 * node + 2,
                    base + 10 * node + 2000}) {
                try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
                    probe.bind(new java.net.InetSocketAddress("127.0.0.1", port));
                } catch (java.io.IOException inUse) {
                    return false;
                }
            }
        }
        return true;
    }
}
