package dev.sluice.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The monitoring files of the repository, read for the tests: the Grafana dashboards ({@code deploy/dashboards}),
 * the Prometheus alert rules ({@code deploy/alerts}), and the PromQL in them with the metric names it reads.
 */
final class MonitoringFiles {
    /** Names Prometheus makes up itself rather than scraping from a node. */
    static final Set<String> SYNTHETIC_METRICS = Set.of("up");

    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without",
            "on", "ignoring", "group_left", "group_right", "inf", "nan");
    private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\((.*?)(,\\s*\\w+)?\\)\\s*$");

    private MonitoringFiles() {
    }

    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("deploy/dashboards"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no deploy/dashboards above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /** Every dashboard, by file name. */
    static TreeMap<String, JsonNode> dashboards() {
        TreeMap<String, JsonNode> dashboards = new TreeMap<>();
        try (Stream<Path> files = Files.list(repositoryRoot().resolve("deploy/dashboards"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                dashboards.put(file.getFileName().toString(), new ObjectMapper().readTree(file.toFile()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dashboards;
    }

    /** Every rule of {@code deploy/alerts/sluice-rules.yml}, across its groups. */
    static List<JsonNode> rules() {
        try {
            JsonNode file = new ObjectMapper(new YAMLFactory()).readTree(
                    repositoryRoot().resolve("deploy/alerts/sluice-rules.yml").toFile());
            List<JsonNode> rules = new ArrayList<>();
            file.get("groups").forEach(group -> group.get("rules").forEach(rules::add));
            return rules;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every panel of a dashboard, the panels nested in collapsed rows included. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    /** The PromQL of every panel target and every query variable of a dashboard. */
    static List<String> queries(JsonNode dashboard) {
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : panels(dashboard)) {
            panel.path("targets").forEach(target -> queries.add(target.path("expr").asText()));
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("type").asText().equals("query")) {
                queries.add(variableQuery(variable));
            }
        }
        return queries;
    }

    /** A query variable's PromQL: {@code label_values(series, label)} becomes the series selector. */
    static String variableQuery(JsonNode variable) {
        JsonNode query = variable.path("query");
        String text = query.isObject() ? query.path("query").asText() : query.asText();
        Matcher labelValues = LABEL_VALUES.matcher(text);
        return labelValues.matches() ? labelValues.group(1) : text;
    }

    /**
     * The metric names a PromQL expression reads: its identifiers once strings, label matchers, range durations and
     * grouping label lists are removed, less function names (followed by a parenthesis) and keywords.
     */
    static Set<String> metricNames(String expr) {
        String stripped = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        Matcher identifiers = IDENTIFIER.matcher(stripped);
        while (identifiers.find()) {
            String name = identifiers.group();
            String rest = stripped.substring(identifiers.end()).stripLeading();
            boolean partOfNumber = identifiers.start() > 0
                    && Character.isDigit(stripped.charAt(identifiers.start() - 1));
            if (!rest.startsWith("(") && !KEYWORDS.contains(name.toLowerCase()) && !partOfNumber) {
                names.add(name);
            }
        }
        return names;
    }

    /** The metric names every dashboard and every rule reads. */
    static Set<String> metricNamesUsed() {
        Set<String> names = new TreeSet<>();
        dashboards().values().forEach(dashboard -> queries(dashboard).forEach(q -> names.addAll(metricNames(q))));
        rules().forEach(rule -> names.addAll(metricNames(rule.get("expr").asText())));
        return names;
    }
}
