package dev.sluice.broker.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The node's HTTP port: {@code /metrics} in Prometheus text format, {@code /healthz} (the process is up),
 * {@code /readyz} (200 once the node can serve its roles, 503 with the reason before that), and what the node adds
 * with {@link #serve} (the overview page). Requests are served by
 * a few daemon threads; each handler only reads volatile state, except that a scrape first runs the
 * {@link MeterRefresh} tasks, which may ask other brokers for log ends (bounded by their own timeouts).
 */
public final class HttpEndpoints implements AutoCloseable {
    private static final int HTTP_THREADS = 4;

    private final HttpServer server;

    /** Readiness: null when ready, otherwise why not. */
    public interface Readiness extends Supplier<String> {
    }

    public HttpEndpoints(InetSocketAddress address, PrometheusMeterRegistry registry, MeterRefresh refresh,
            Readiness readiness) throws IOException {
        server = HttpServer.create(address, 16);
        // More than one thread: a scrape may wait up to seconds for other brokers' latest offsets (group lag), and
        // a probe queued behind it would time out and take a healthy pod out of service or restart it.
        server.setExecutor(Executors.newFixedThreadPool(HTTP_THREADS, runnable -> {
            Thread thread = new Thread(runnable, "sluice-http");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/metrics", exchange -> {
            refresh.run();
            respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
        });
        server.createContext("/healthz", exchange -> respond(exchange, 200, "text/plain", "ok\n"));
        server.createContext("/readyz", exchange -> {
            String notReady = readiness.get();
            if (notReady == null) {
                respond(exchange, 200, "text/plain", "ready\n");
            } else {
                respond(exchange, 503, "text/plain", "not ready: " + notReady + "\n");
            }
        });
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Serves {@code body} at exactly {@code path} (any other path below it answers 404, so {@code "/"} does not
     * swallow typos), for the overview page and its JSON. The body is computed on the HTTP thread, so it must not
     * block; a failure answers 500 with its message.
     */
    public void serve(String path, String contentType, Supplier<String> body) {
        server.createContext(path, exchange -> {
            if (!exchange.getRequestURI().getPath().equals(path)) {
                respond(exchange, 404, "text/plain", "not found\n");
                return;
            }
            String content;
            try {
                content = body.get();
            } catch (RuntimeException e) {
                respond(exchange, 500, "text/plain", "failed: " + e + "\n");
                return;
            }
            respond(exchange, 200, contentType, content);
        });
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
