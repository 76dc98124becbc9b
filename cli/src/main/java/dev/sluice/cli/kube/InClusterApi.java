package dev.sluice.cli.kube;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A minimal reader of the Kubernetes API as a pod sees it: the API server's address, the service account's token
 * and the cluster's CA bundle. Only what the chart needs (one Node), so the image needs no kubectl.
 */
public final class InClusterApi {
    /** Where Kubernetes mounts a pod's service account credentials. */
    public static final Path SERVICE_ACCOUNT = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

    private final URI server;
    private final String token;
    private final HttpClient http;

    InClusterApi(URI server, String token, SSLContext tls) {
        this.server = server;
        this.token = token;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (tls != null) {
            builder.sslContext(tls);
        }
        this.http = builder.build();
    }

    /**
     * Connects to {@code server} (https unless given with http://, which only a test API server on loopback uses)
     * with the token in {@code tokenFile}, trusting only the certificates in {@code caFile} when it exists.
     */
    public static InClusterApi connect(URI server, Path tokenFile, Path caFile) {
        String token;
        try {
            token = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new KubeApiException("cannot read the service account token " + tokenFile
                    + " (is automountServiceAccountToken on?)", e);
        }
        SSLContext tls = null;
        if ("https".equals(server.getScheme())) {
            tls = trusting(caFile);
        }
        return new InClusterApi(server, token, tls);
    }

    /** The API server's address from the variables Kubernetes sets in every pod. */
    public static URI serverFromEnvironment(String host, String port) {
        if (host == null || host.isBlank()) {
            throw new KubeApiException("KUBERNETES_SERVICE_HOST is not set: not running in a Kubernetes pod;"
                    + " pass --api-server");
        }
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return URI.create("https://" + h + ":" + (port == null || port.isBlank() ? "443" : port));
    }

    /** The JSON of one Node. */
    public String node(String name) {
        URI uri = server.resolve("/api/v1/nodes/" + URLEncoder.encode(name, StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Accept", "application/json").GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new KubeApiException("cannot reach the Kubernetes API server at " + server + ": " + e.getMessage(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubeApiException("interrupted while asking the Kubernetes API server", e);
        }
        int status = response.statusCode();
        if (status == 200) {
            return response.body();
        }
        String why = switch (status) {
            case 401 -> "the service account token was refused";
            case 403 -> "the service account may not get nodes (the chart's ClusterRole grants it)";
            case 404 -> "no such node";
            default -> "HTTP " + status;
        };
        throw new KubeApiException("reading Kubernetes node " + name + " failed: " + why);
    }

    private static SSLContext trusting(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            if (i == 0) {
                throw new KubeApiException("no certificate in the CA bundle " + caFile);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new KubeApiException("cannot read the cluster CA bundle " + caFile, e);
        } catch (GeneralSecurityException e) {
            throw new KubeApiException("the cluster CA bundle " + caFile + " is unusable: " + e.getMessage(), e);
        }
    }
}
