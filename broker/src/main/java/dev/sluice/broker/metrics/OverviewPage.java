package dev.sluice.broker.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The built-in overview page on the HTTP port: {@code /} serves a static page (the {@code overview.html} resource
 * next to this class, HTML with inline script and style), which polls {@code /api/overview}, the
 * {@link ClusterOverview} document built from the inputs at each request.
 */
public final class OverviewPage {
    private static final String HTML = load("overview.html");

    private OverviewPage() {
    }

    /** Adds {@code /} and {@code /api/overview} to the node's HTTP endpoints. */
    public static void serve(HttpEndpoints http, Supplier<ClusterOverview.Inputs> inputs) {
        http.serve("/", "text/html; charset=utf-8", () -> HTML);
        http.serve("/api/overview", "application/json; charset=utf-8",
                () -> ClusterOverview.json(inputs.get()).toString());
    }

    private static String load(String resource) {
        try (InputStream in = OverviewPage.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " is missing from the broker jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
