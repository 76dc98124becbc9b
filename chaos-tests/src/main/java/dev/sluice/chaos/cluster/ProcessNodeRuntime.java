package dev.sluice.chaos.cluster;

import dev.sluice.chaos.net.NetworkFabric;
import dev.sluice.chaos.net.Shell;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs each node as {@code [ip netns exec NS] bin/sluice server ...}, a child of the test JVM. {@code ip netns exec}
 * and {@code bin/sluice} both exec, so the child's pid is the node JVM's pid and signals reach it directly. Nodes get a
 * modest heap ({@code -Xmx384m}) and the serial collector since the machine is small; these replace bin/sluice's server
 * JVM defaults ({@code SLUICE_SERVER_JVM_OPTS}, which choose G1, and two collectors cannot be combined).
 */
public final class ProcessNodeRuntime implements NodeRuntime {
    private static final String JAVA_OPTS = "-Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

    private final Path root;
    private final NetworkFabric fabric;

    /** {@code root}: the repository root (holds {@code bin/sluice} and the built {@code cli/target/dist}). */
    public ProcessNodeRuntime(Path root, NetworkFabric fabric) {
        this.root = root;
        this.fabric = fabric;
    }

    @Override
    public String name() {
        return "process";
    }

    @Override
    public RunningNode start(NodeLaunch launch) throws IOException {
        List<String> command = new ArrayList<>(fabric.commandPrefix(launch.nodeId()));
        command.add(root.resolve("bin/sluice").toString());
        command.addAll(launch.serverArgs());
        Files.createDirectories(launch.logFile().getParent());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(launch.logFile().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("SLUICE_SKIP_BUILD", "1");
        builder.environment().put("SLUICE_SERVER_JVM_OPTS", JAVA_OPTS);
        builder.environment().remove("SLUICE_JAVA_OPTS");
        builder.environment().remove("SLUICE_BROKERS");
        builder.environment().putAll(launch.environment());
        Files.writeString(launch.logFile(), "=== chaos: starting " + String.join(" ", command) + " "
                + launch.environment() + "\n", java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        return new ChildNode(builder.start());
    }

    /** A child process; every signal targets its own pid. */
    private record ChildNode(Process process) implements RunningNode {
        @Override
        public String id() {
            return "pid " + process.pid();
        }

        @Override
        public boolean isAlive() {
            return process.isAlive();
        }

        @Override
        public void kill() {
            process.destroyForcibly();
            await(10);
        }

        @Override
        public void pause() {
            Shell.check("kill", "-STOP", Long.toString(process.pid()));
        }

        @Override
        public void resume() {
            if (process.isAlive()) {
                Shell.run("kill", "-CONT", Long.toString(process.pid()));
            }
        }

        @Override
        public void stop() {
            if (!process.isAlive()) {
                return;
            }
            resume();
            process.destroy();
            if (!await(15)) {
                kill();
            }
        }

        private boolean await(long seconds) {
            try {
                return process.waitFor(seconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
