package dev.sluice.cli;

import dev.sluice.cli.kube.InClusterApi;
import dev.sluice.cli.kube.KubeApiException;
import dev.sluice.cli.kube.NodeLabel;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code sluice kube node-label}: what the Helm chart's pods ask the Kubernetes API, without kubectl. */
@Command(name = "kube", mixinStandardHelpOptions = true, description = "Helpers for pods on Kubernetes.",
        subcommands = KubeCommand.NodeLabelCommand.class)
public final class KubeCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: node-label");
    }

    /**
     * Writes one label of the Kubernetes node a pod runs on to a file: the chart's rack init container runs it so
     * that a broker's rack is its zone. Fails, with the reason, when the node has no such label.
     */
    @Command(name = "node-label", mixinStandardHelpOptions = true,
            description = "Write a label of a Kubernetes node (default: this pod's, \\$NODE_NAME) to a file.")
    static final class NodeLabelCommand implements Callable<Integer> {
        @Option(names = "--node", description = "Node name (default: \\$NODE_NAME, set from spec.nodeName).")
        String node;
        @Option(names = "--label", defaultValue = "topology.kubernetes.io/zone",
                description = "Label to read (default: ${DEFAULT-VALUE}).")
        String label;
        @Option(names = "--out", required = true, description = "File to write the value to.")
        Path out;
        @Option(names = "--api-server", description = "API server URL (default: from KUBERNETES_SERVICE_HOST/PORT).")
        URI apiServer;
        @Option(names = "--token-file", description = "Bearer token file (default: the service account's).")
        Path tokenFile = InClusterApi.SERVICE_ACCOUNT.resolve("token");
        @Option(names = "--ca-file", description = "CA bundle of the API server (default: the service account's).")
        Path caFile = InClusterApi.SERVICE_ACCOUNT.resolve("ca.crt");
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            String name = node != null ? node : System.getenv("NODE_NAME");
            if (name == null || name.isBlank()) {
                throw new ParameterException(spec.commandLine(), "no node: pass --node or set NODE_NAME");
            }
            URI server = apiServer != null ? apiServer : InClusterApi.serverFromEnvironment(
                    System.getenv("KUBERNETES_SERVICE_HOST"), System.getenv("KUBERNETES_SERVICE_PORT"));
            String value;
            try {
                value = NodeLabel.of(InClusterApi.connect(server, tokenFile, caFile).node(name), name, label);
            } catch (KubeApiException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            Path parent = out.toAbsolutePath().getParent();
            Path partial = Files.createTempFile(parent, ".node-label", ".tmp");
            Files.writeString(partial, value, StandardCharsets.UTF_8);
            Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            spec.commandLine().getOut().println(label + "=" + value + " (node " + name + ") written to " + out);
            return 0;
        }
    }
}
