package dev.sluice.cli.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP side of {@link InClusterApi} against a loopback HTTP server that answers as the API server does (the
 * real API server is exercised by deploy/k8s/test/real-apiserver.sh).
 */
class InClusterApiTest {
    @TempDir
    Path dir;
    private HttpServer server;
    private final List<String> authorizations = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/nodes/", exchange -> {
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            String name = exchange.getRequestURI().getPath().substring("/api/v1/nodes/".length());
            int status = switch (name) {
                case "worker-1" -> 200;
                case "forbidden" -> 403;
                default -> 404;
            };
            byte[] body = (status == 200
                    ? "{\"kind\":\"Node\",\"metadata\":{\"name\":\"worker-1\",\"labels\":{\"zone\":\"b\"}}}"
                    : "{\"kind\":\"Status\",\"code\":" + status + "}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private InClusterApi api() throws IOException {
        Path token = Files.writeString(dir.resolve("token"), "secret-token\n");
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        return InClusterApi.connect(uri, token, dir.resolve("absent-ca.crt"));
    }

    @Test
    void sendsTheServiceAccountTokenAndReturnsTheNode() throws IOException {
        assertThat(NodeLabel.of(api().node("worker-1"), "worker-1", "zone")).isEqualTo("b");
        assertThat(authorizations).containsExactly("Bearer secret-token");
    }

    @Test
    void refusalsSayWhatToFix() throws IOException {
        InClusterApi api = api();
        assertThatThrownBy(() -> api.node("forbidden")).isInstanceOf(KubeApiException.class)
                .hasMessage("reading Kubernetes node forbidden failed: the service account may not get nodes"
                        + " (the chart's ClusterRole grants it)");
        assertThatThrownBy(() -> api.node("gone")).hasMessageContaining("no such node");
    }

    @Test
    void aMissingTokenOrEnvironmentIsNamed() {
        assertThatThrownBy(() -> InClusterApi.connect(URI.create("http://127.0.0.1:1"), dir.resolve("none"),
                dir.resolve("ca"))).isInstanceOf(KubeApiException.class)
                .hasMessageContaining("cannot read the service account token");
        assertThatThrownBy(() -> InClusterApi.serverFromEnvironment(null, null))
                .hasMessageContaining("not running in a Kubernetes pod");
        assertThat(InClusterApi.serverFromEnvironment("10.96.0.1", "443"))
                .isEqualTo(URI.create("https://10.96.0.1:443"));
        assertThat(InClusterApi.serverFromEnvironment("fd00::1", "6443"))
                .isEqualTo(URI.create("https://[fd00::1]:6443"));
    }

    @Test
    void anHttpsServerNeedsAReadableCaBundle() {
        assertThatThrownBy(() -> InClusterApi.connect(URI.create("https://127.0.0.1:1"),
                Files.writeString(dir.resolve("t"), "x"), dir.resolve("missing-ca.crt")))
                .isInstanceOf(KubeApiException.class).hasMessageContaining("cannot read the cluster CA bundle");
    }
}
