package dev.sluice.chaos.runner;

import dev.sluice.chaos.net.Shell;
import java.nio.file.Path;
import java.util.List;

/**
 * Makes sure the fault tools exist: when {@code iptables}, {@code tc} or {@code faketime} is missing and we are root,
 * runs {@code chaos-tests/scripts/install-deps.sh} once. Returns a note for the report.
 */
final class Tools {
    private static final List<String> NEEDED = List.of("ip", "iptables", "tc", "faketime");

    private Tools() {
    }

    static String ensure(Path repositoryRoot) {
        List<String> missing = NEEDED.stream().filter(t -> !Shell.onPath(t)).toList();
        if (missing.isEmpty()) {
            return null;
        }
        if (!Shell.isRoot()) {
            return "missing tools " + missing + " (not root, not installed)";
        }
        Path script = repositoryRoot.resolve("chaos-tests/scripts/install-deps.sh");
        Shell.Result result = Shell.run(List.of("bash", script.toString()));
        return "missing tools " + missing + ": ran install-deps.sh, exit " + result.exitCode();
    }
}
