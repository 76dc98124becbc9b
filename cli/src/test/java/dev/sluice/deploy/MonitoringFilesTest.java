package dev.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboards and the alert rules are well formed: valid JSON, one {@code ${DS_PROMETHEUS}} datasource
 * on every panel and query, unique panel ids, defined variables, quantiles over summed histogram buckets, and rules
 * with a severity, a summary, a description and a runbook link to an existing section of docs/operations.md. (That
 * every metric they read exists is {@link MonitoringMetricNamesTest}; that every panel returns data from a real
 * cluster is deploy/dashboards/check.sh.)
 */
class MonitoringFilesTest {
    private static final String DATASOURCE = "${DS_PROMETHEUS}";
    private static final Set<String> BUILT_IN_VARIABLES = Set.of("__rate_interval", "__interval", "__range");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)");

    private final Map<String, JsonNode> dashboards = MonitoringFiles.dashboards();

    @Test
    void theFiveDashboardsExist() {
        assertThat(dashboards.keySet()).containsExactlyInAnyOrder("sluice-cluster-overview.json",
                "sluice-topics.json", "sluice-consumer-groups.json", "sluice-quorum.json",
                "sluice-node-resources.json");
    }

    @Test
    void everyDashboardDeclaresTheDatasourceInputAndVariable() {
        dashboards.forEach((name, dashboard) -> {
            JsonNode input = dashboard.path("__inputs").path(0);
            assertThat(input.path("name").asText()).as(name).isEqualTo("DS_PROMETHEUS");
            assertThat(input.path("pluginId").asText()).as(name).isEqualTo("prometheus");
            assertThat(variables(dashboard)).as(name).contains("DS_PROMETHEUS", "namespace", "job");
        });
    }

    @Test
    void everyPanelTargetAndQueryVariableUsesTheDatasourceVariable() {
        dashboards.forEach((name, dashboard) -> {
            for (JsonNode panel : MonitoringFiles.panels(dashboard)) {
                String where = name + " panel " + panel.path("id") + " " + panel.path("title");
                assertThat(panel.path("datasource").path("uid").asText()).as(where).isEqualTo(DATASOURCE);
                panel.path("targets").forEach(target ->
                        assertThat(target.path("datasource").path("uid").asText()).as(where).isEqualTo(DATASOURCE));
            }
            for (JsonNode variable : dashboard.path("templating").path("list")) {
                if (variable.path("type").asText().equals("query")) {
                    assertThat(variable.path("datasource").path("uid").asText()).as(name + " $" + variable.path("name"))
                            .isEqualTo(DATASOURCE);
                }
            }
        });
    }

    @Test
    void panelIdsAreUniqueInEachDashboardAndUidsAcrossDashboards() {
        Set<String> uids = new HashSet<>();
        dashboards.forEach((name, dashboard) -> {
            List<Integer> ids = MonitoringFiles.panels(dashboard).stream().map(p -> p.path("id").asInt(-1)).toList();
            assertThat(ids).as(name).doesNotContain(-1).doesNotHaveDuplicates();
            assertThat(uids.add(dashboard.path("uid").asText())).as(name + " uid").isTrue();
        });
    }

    @Test
    void everyQuerySelectsTheClusterAndUsesOnlyDefinedVariables() {
        dashboards.forEach((name, dashboard) -> {
            Set<String> defined = variables(dashboard);
            for (JsonNode panel : MonitoringFiles.panels(dashboard)) {
                for (JsonNode target : panel.path("targets")) {
                    String expr = target.path("expr").asText();
                    String where = name + " / " + panel.path("title").asText() + ": " + expr;
                    assertThat(expr).as(where).isNotBlank()
                            .contains("job=\"$job\"").contains("namespace=~\"$namespace\"");
                    Matcher variable = VARIABLE.matcher(expr);
                    while (variable.find()) {
                        String used = variable.group(1);
                        assertThat(defined.contains(used) || BUILT_IN_VARIABLES.contains(used))
                                .as(where + " uses $" + used).isTrue();
                    }
                }
            }
        });
    }

    @Test
    void quantilesComeFromSummedHistogramBuckets() {
        List<String> quantileQueries = new ArrayList<>();
        dashboards.values().forEach(d -> MonitoringFiles.queries(d).stream()
                .filter(q -> q.contains("histogram_quantile")).forEach(quantileQueries::add));
        assertThat(quantileQueries).isNotEmpty().allSatisfy(query -> assertThat(query)
                .matches("histogram_quantile\\(0\\.\\d+, sum by \\(le(, \\w+)*\\) \\(rate\\(\\w+_bucket\\{.*\\}"
                        + "\\[\\$__rate_interval]\\)\\)\\)"));
    }

    @Test
    void everyRuleHasSeveritySummaryDescriptionAndARunbookSectionInOperationsMd() throws IOException {
        Set<String> anchors = headingAnchors(Files.readString(
                MonitoringFiles.repositoryRoot().resolve("docs/operations.md")));
        Set<String> names = new HashSet<>();
        List<JsonNode> rules = MonitoringFiles.rules();
        assertThat(rules).hasSize(9);
        for (JsonNode rule : rules) {
            String alert = rule.path("alert").asText();
            assertThat(names.add(alert)).as("unique alert name " + alert).isTrue();
            assertThat(rule.path("labels").path("severity").asText()).as(alert).isIn("critical", "warning");
            JsonNode annotations = rule.path("annotations");
            assertThat(annotations.path("summary").asText()).as(alert).isNotBlank();
            assertThat(annotations.path("description").asText()).as(alert).isNotBlank().contains("{{");
            String runbook = annotations.path("runbook_url").asText();
            assertThat(runbook).as(alert).startsWith("docs/operations.md#");
            assertThat(anchors).as(alert + " runbook " + runbook).contains(runbook.substring(runbook.indexOf('#') + 1));
        }
    }

    @Test
    void metricNamesAreReadOffPromQl() {
        assertThat(MonitoringFiles.metricNames("histogram_quantile(0.99, sum by (le, method) "
                + "(rate(sluice_rpc_request_duration_seconds_bucket{job=\"$job\",method=~\"a|b\"}"
                + "[$__rate_interval])))"))
                .containsExactly("sluice_rpc_request_duration_seconds_bucket");
        assertThat(MonitoringFiles.metricNames("(sum by (job, namespace, group, topic) (x_records) > 1000) and "
                + "(sum without (partition) (deriv(x_records[10m])) > 0) or on() vector(0)"))
                .containsExactly("x_records");
        assertThat(MonitoringFiles.metricNames("1 - max by (node) (a_bytes{n=\"1\"}) / max(b_bytes) * 1e9 == bool 1"))
                .containsExactly("a_bytes", "b_bytes");
        assertThat(MonitoringFiles.metricNames("up{job=~\".*sluice.*\"} == 0")).containsExactly("up");
    }

    private static Set<String> variables(JsonNode dashboard) {
        Set<String> names = new TreeSet<>();
        dashboard.path("templating").path("list").forEach(v -> names.add(v.path("name").asText()));
        return names;
    }

    /** GitHub's anchors for the Markdown headings: lower case, punctuation dropped, spaces as hyphens. */
    static Set<String> headingAnchors(String markdown) {
        Set<String> anchors = new HashSet<>();
        markdown.lines().filter(line -> line.startsWith("#")).forEach(line -> anchors.add(
                line.replaceFirst("^#+\\s*", "").trim().toLowerCase().replaceAll("[^a-z0-9 _-]", "")
                        .replace(' ', '-')));
        return anchors;
    }
}
