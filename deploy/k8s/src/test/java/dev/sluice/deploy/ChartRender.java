package dev.sluice.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One {@code helm template} of the chart (Helm bundled by helm-java; no cluster, so {@code lookup} finds nothing).
 * Built up, then {@link #render()}ed; the same inputs always render the same text except the generated cluster id.
 */
final class ChartRender {
    /** The chart, from the module directory surefire runs in. */
    static final Path CHART = Path.of("sluice");
    static final Path VALUES = Path.of("test", "values");
    static final String RELEASE = "sluice";
    static final String NAMESPACE = "streaming";
    /**
     * The Kubernetes version renders assume unless told otherwise: a current one. Helm 3's client-only default is
     * 1.20, which would render the PodDisruptionBudgets as policy/v1beta1 (PdbApiVersionTest covers both).
     */
    static final String CURRENT_KUBE_VERSION = "1.31.0";

    private final Path chart;
    private Path valuesFile;
    private String kubeVersion = CURRENT_KUBE_VERSION;
    private final Map<String, String> sets = new LinkedHashMap<>();

    private ChartRender(Path chart) {
        this.chart = chart;
    }

    static ChartRender of(Path chart) {
        return new ChartRender(chart);
    }

    static ChartRender chart() {
        return new ChartRender(CHART);
    }

    /** A copy of the chart in {@code directory}/sluice, for tests that change its files. */
    static Path copyOfTheChart(Path directory) throws IOException {
        Path copy = directory.resolve("sluice");
        try (Stream<Path> paths = Files.walk(CHART, FileVisitOption.FOLLOW_LINKS)) {
            for (Path path : paths.toList()) {
                Path target = copy.resolve(CHART.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
        return copy;
    }

    /** The chart with the values file {@code name} of test/values/. */
    static ChartRender values(String name) {
        return chart().valuesFile(VALUES.resolve(name));
    }

    ChartRender valuesFile(Path file) {
        this.valuesFile = file;
        return this;
    }

    ChartRender kubeVersion(String version) {
        this.kubeVersion = version;
        return this;
    }

    /** A {@code --set key=value}; dots inside a node setting's name must be escaped ({@code config.a\.b}). */
    ChartRender set(String key, String value) {
        sets.put(key, value);
        return this;
    }

    /** The rendered manifests as Helm prints them; a refusal (schema or template) throws with Helm's message. */
    String renderText() {
        TemplateCommand command = new Helm(chart).template().withName(RELEASE).withNamespace(NAMESPACE);
        if (valuesFile != null) {
            command.withValuesFile(valuesFile);
        }
        if (kubeVersion != null) {
            command.withKubeVersion(kubeVersion);
        }
        sets.forEach(command::set);
        return command.call();
    }

    Rendered render() {
        return new Rendered(Manifests.parse(renderText()));
    }
}
