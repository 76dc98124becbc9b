package dev.sluice.broker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.metadata.BrokerRegistration;
import dev.sluice.metadata.ClusterImage;
import dev.sluice.metadata.ConfigsImage;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.metadata.ProducerIdsImage;
import dev.sluice.metadata.TopicImage;
import dev.sluice.metadata.TopicsImage;
import dev.sluice.raft.io.QuorumStatus;
import dev.sluice.raft.io.ReplicaStatus;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The overview document built from a small cluster: three controllers (1-3) of which 1 and 2 are also brokers and 2
 * is fenced, a broker-only node 4, and topic {@code orders} (min.insync.replicas 2) with one healthy, one
 * under-replicated and one offline partition.
 */
class ClusterOverviewTest {
    private static final UUID ORDERS_ID = UUID.fromString("00000000-0000-0000-0000-000000000001");
    private static final UUID OFFSETS_ID = UUID.fromString("00000000-0000-0000-0000-000000000002");
    private static final long NOW_MS = 1_700_000_000_000L;

    private final MetadataImage image = image();

    @Test
    void listsEveryNodeWithItsRolesStateAndPartitions() {
        JsonNode nodes = overview(leaderStatus(), OverviewSample.NONE, OverviewSample.NONE).get("nodes");

        assertThat(nodes).hasSize(4);
        assertThat(nodes.get(0).get("id").asInt()).isEqualTo(1);
        assertThat(texts(nodes.get(0).get("roles"))).containsExactly("controller", "broker");
        assertThat(nodes.get(0).get("quorumLeader").asBoolean()).isTrue();
        assertThat(nodes.get(0).get("fenced").asBoolean()).isFalse();
        assertThat(nodes.get(0).get("partitionsLed").asInt()).isEqualTo(3);   // orders-0, orders-1, offsets-0
        assertThat(nodes.get(0).get("replicas").asInt()).isEqualTo(4);
        assertThat(nodes.get(1).get("fenced").asBoolean()).isTrue();
        assertThat(nodes.get(1).get("quorumLeader").asBoolean()).isFalse();
        assertThat(texts(nodes.get(2).get("roles"))).containsExactly("controller");
        assertThat(nodes.get(2).has("host")).isFalse();
        assertThat(texts(nodes.get(3).get("roles"))).containsExactly("broker");
        assertThat(nodes.get(3).get("host").asText()).isEqualTo("10.0.0.4");
        assertThat(nodes.get(3).get("port").asInt()).isEqualTo(7092);
        assertThat(nodes.get(3).get("rack").asText()).isEqualTo("rack-b");
    }

    @Test
    void countsPartitionHealthPerTopicAndForTheCluster() {
        JsonNode root = overview(leaderStatus(), OverviewSample.NONE, OverviewSample.NONE);
        JsonNode orders = topic(root, "orders");

        assertThat(orders.get("partitions").asInt()).isEqualTo(3);
        assertThat(orders.get("replicationFactor").asInt()).isEqualTo(3);
        assertThat(orders.get("minInsyncReplicas").asInt()).isEqualTo(2);
        assertThat(orders.get("offline").asInt()).isEqualTo(1);
        assertThat(orders.get("underReplicated").asInt()).isEqualTo(2);
        assertThat(orders.get("underMinIsr").asInt()).isEqualTo(1);
        JsonNode unhealthy = orders.get("unhealthyPartitions");
        assertThat(unhealthy).hasSize(2);
        assertThat(unhealthy.get(0).get("partition").asInt()).isEqualTo(1);
        assertThat(unhealthy.get(0).get("state").asText()).isEqualTo("under-replicated");
        assertThat(texts(unhealthy.get(0).get("isr"))).containsExactly("1", "4");
        assertThat(unhealthy.get(1).get("partition").asInt()).isEqualTo(2);
        assertThat(unhealthy.get(1).get("state").asText()).isEqualTo("offline");
        assertThat(unhealthy.get(1).get("leader").isNull()).isTrue();
        assertThat(topic(root, "__consumer_offsets").get("internal").asBoolean()).isTrue();
        JsonNode totals = root.get("partitions");
        assertThat(totals.get("total").asInt()).isEqualTo(4);
        assertThat(totals.get("offline").asInt()).isEqualTo(1);
        assertThat(totals.get("underReplicated").asInt()).isEqualTo(2);
        assertThat(totals.get("underMinIsr").asInt()).isEqualTo(1);
    }

    @Test
    void lagIsTheLatestOffsetMinusTheCommittedOneAndUnknownWhereTheLeaderDidNotAnswer() {
        OverviewSample sample = new OverviewSample(NOW_MS - 500,
                List.of(new OverviewSample.Group("billing", "Stable", 2, 1,
                                Map.of(part("orders", 0), 700L, part("orders", 1), 40L, part("orders", 2), 5L)),
                        new OverviewSample.Group("audit", "Empty", 0, 4, Map.of(part("orders", 0), 1000L))),
                Map.of(part("orders", 0), 1000L, part("orders", 1), 40L), List.of("leader 3 took too long"));

        JsonNode root = overview(leaderStatus(), OverviewSample.NONE, sample);
        JsonNode groups = root.get("groups");

        assertThat(groups).hasSize(2);
        JsonNode audit = groups.get(0);
        assertThat(audit.get("group").asText()).isEqualTo("audit");
        assertThat(audit.get("lag").asLong()).isZero();
        assertThat(audit.get("lagComplete").asBoolean()).isTrue();
        JsonNode billing = groups.get(1);
        assertThat(billing.get("state").asText()).isEqualTo("Stable");
        assertThat(billing.get("members").asInt()).isEqualTo(2);
        assertThat(billing.get("coordinator").asInt()).isEqualTo(1);
        assertThat(billing.get("lag").asLong()).isEqualTo(300);
        assertThat(billing.get("lagComplete").asBoolean()).isFalse();
        JsonNode partitions = billing.get("partitions");
        assertThat(partitions.get(0).get("lag").asLong()).isEqualTo(300);
        assertThat(partitions.get(0).get("committed").asLong()).isEqualTo(700);
        assertThat(partitions.get(0).get("latestOffset").asLong()).isEqualTo(1000);
        assertThat(partitions.get(1).get("lag").asLong()).isZero();
        assertThat(partitions.get(2).get("lag").isNull()).isTrue();
        assertThat(root.get("sampleTimeMs").asLong()).isEqualTo(NOW_MS - 500);
        assertThat(texts(root.get("problems"))).containsExactly("leader 3 took too long");
        assertThat(topic(root, "orders").get("latestOffsets").isNull()).isTrue();   // orders-2 unknown
    }

    @Test
    void lagIsNeverNegativeWhenTheCommitIsNewerThanTheLatestOffsetAsked() {
        OverviewSample sample = new OverviewSample(NOW_MS,
                List.of(new OverviewSample.Group("billing", "Stable", 1, 1, Map.of(part("orders", 0), 1010L))),
                Map.of(part("orders", 0), 1000L), List.of());

        JsonNode billing = overview(leaderStatus(), OverviewSample.NONE, sample).get("groups").get(0);

        assertThat(billing.get("lag").asLong()).isZero();
    }

    @Test
    void throughputIsTheGrowthOfTheLatestOffsetsBetweenTwoSamples() {
        OverviewSample previous = new OverviewSample(NOW_MS - 2000, List.of(),
                Map.of(part("orders", 0), 100L, part("orders", 1), 50L, part("orders", 2), 900L,
                        part("__consumer_offsets", 0), 7L), List.of());
        OverviewSample latest = new OverviewSample(NOW_MS, List.of(),
                Map.of(part("orders", 0), 300L, part("orders", 1), 50L, part("orders", 2), 10L,
                        part("__consumer_offsets", 0), 27L), List.of());

        JsonNode root = overview(leaderStatus(), previous, latest);

        // orders-0 grew by 200 in 2 s; orders-2 went back (truncated) and counts 0
        assertThat(topic(root, "orders").get("recordsPerSecond").asDouble()).isEqualTo(100.0);
        assertThat(topic(root, "orders").get("latestOffsets").asLong()).isEqualTo(360);
        assertThat(topic(root, "__consumer_offsets").get("recordsPerSecond").asDouble()).isEqualTo(10.0);
        // the cluster's total is what producers write: the offset commits of the internal topic are left out
        assertThat(root.get("throughput").get("recordsPerSecond").asDouble()).isEqualTo(100.0);
        assertThat(root.get("throughput").get("windowMs").asLong()).isEqualTo(2000);
    }

    @Test
    void aPartitionOnlyTheLatestSampleKnowsHasNoRateYet() {
        OverviewSample previous =
                new OverviewSample(NOW_MS - 1000, List.of(), Map.of(part("orders", 0), 5L), List.of());
        OverviewSample latest = new OverviewSample(NOW_MS, List.of(),
                Map.of(part("orders", 0), 5L, part("__consumer_offsets", 0), 7L), List.of());

        JsonNode root = overview(leaderStatus(), previous, latest);

        assertThat(topic(root, "orders").get("recordsPerSecond").asDouble()).isZero();
        assertThat(topic(root, "__consumer_offsets").get("recordsPerSecond").isNull()).isTrue();
    }

    @Test
    void throughputIsUnknownUntilThereAreTwoSamples() {
        OverviewSample latest = new OverviewSample(NOW_MS, List.of(), Map.of(part("orders", 0), 300L), List.of());

        JsonNode root = overview(leaderStatus(), OverviewSample.NONE, latest);

        assertThat(root.get("throughput").get("recordsPerSecond").isNull()).isTrue();
        assertThat(topic(root, "orders").get("recordsPerSecond").isNull()).isTrue();
        assertThat(overview(leaderStatus(), OverviewSample.NONE, OverviewSample.NONE).get("sampleTimeMs").isNull())
                .isTrue();
    }

    @Test
    void quorumShowsVoterProgressOnTheLeaderAndNullsWhereUnknown() {
        JsonNode onLeader = overview(leaderStatus(), OverviewSample.NONE, OverviewSample.NONE).get("quorum");
        assertThat(onLeader.get("leaderId").asInt()).isEqualTo(1);
        assertThat(onLeader.get("epoch").asInt()).isEqualTo(7);
        assertThat(onLeader.get("role").asText()).isEqualTo("leader");
        assertThat(onLeader.get("voters").get(2).get("lag").asLong()).isEqualTo(12);
        assertThat(onLeader.get("voters").get(2).get("caughtUpMsAgo").asLong()).isEqualTo(3000);

        QuorumStatus noLeader = new QuorumStatus(-1, 8, 500, 510,
                List.of(new ReplicaStatus(1, -1, -1, -1), new ReplicaStatus(2, 510, -1, -1)), List.of(), -1,
                "candidate");
        JsonNode elsewhere = overview(noLeader, OverviewSample.NONE, OverviewSample.NONE).get("quorum");
        assertThat(elsewhere.get("leaderId").isNull()).isTrue();
        assertThat(elsewhere.get("role").asText()).isEqualTo("candidate");
        assertThat(elsewhere.get("voters").get(0).get("logEndOffset").isNull()).isTrue();
        assertThat(elsewhere.get("voters").get(1).get("logEndOffset").asLong()).isEqualTo(510);
        assertThat(elsewhere.get("voters").get(1).get("lag").isNull()).isTrue();
    }

    @Test
    void theDocumentIsValidJsonWithTheClusterIdentity() throws Exception {
        String text = ClusterOverview.json(inputs(leaderStatus(), OverviewSample.NONE, OverviewSample.NONE))
                .toString();

        JsonNode parsed = new ObjectMapper().readTree(text);

        assertThat(parsed.get("clusterId").asText()).isEqualTo("cluster-a");
        assertThat(parsed.get("answeredBy").asInt()).isEqualTo(3);
        assertThat(parsed.get("timeMs").asLong()).isEqualTo(NOW_MS);
        assertThat(parsed.get("metadataOffset").asLong()).isEqualTo(42);
    }

    private JsonNode overview(QuorumStatus quorum, OverviewSample previous, OverviewSample latest) {
        return ClusterOverview.json(inputs(quorum, previous, latest));
    }

    private ClusterOverview.Inputs inputs(QuorumStatus quorum, OverviewSample previous, OverviewSample latest) {
        return new ClusterOverview.Inputs(NOW_MS, "cluster-a", 3, Set.of(1, 2, 3), image, quorum, previous, latest);
    }

    private static QuorumStatus leaderStatus() {
        return new QuorumStatus(1, 7, 500, 512, List.of(new ReplicaStatus(1, 512, 0, 0),
                new ReplicaStatus(2, 512, 0, 0), new ReplicaStatus(3, 500, 12, 3000)), List.of(), 500, "leader");
    }

    private static MetadataImage image() {
        SortedMap<Integer, BrokerRegistration> brokers = new TreeMap<>();
        brokers.put(1, new BrokerRegistration(1, 10, "10.0.0.1", 7092, "rack-a", false));
        brokers.put(2, new BrokerRegistration(2, 11, "10.0.0.2", 7092, "rack-a", true));
        brokers.put(4, new BrokerRegistration(4, 12, "10.0.0.4", 7092, "rack-b", false));
        SortedMap<Integer, PartitionImage> orders = new TreeMap<>();
        orders.put(0, new PartitionImage(List.of(1, 2, 4), List.of(1, 2, 4), 1, 3, 3));
        orders.put(1, new PartitionImage(List.of(2, 1, 4), List.of(1, 4), 1, 4, 5));
        orders.put(2, new PartitionImage(List.of(2, 4, 1), List.of(2), PartitionImage.NO_LEADER, 6, 7));
        SortedMap<Integer, PartitionImage> offsets = new TreeMap<>();
        offsets.put(0, new PartitionImage(List.of(1), List.of(1), 1, 0, 0));
        SortedMap<String, SortedMap<String, String>> configs = new TreeMap<>();
        configs.put("orders", new TreeMap<>(Map.of("min.insync.replicas", "2")));
        return new MetadataImage(42, new ClusterImage(brokers),
                TopicsImage.of(List.of(new TopicImage("orders", ORDERS_ID, orders),
                        new TopicImage("__consumer_offsets", OFFSETS_ID, offsets))),
                new ConfigsImage(configs), ProducerIdsImage.EMPTY);
    }

    private static OverviewSample.Partition part(String topic, int partition) {
        return new OverviewSample.Partition(topic, partition);
    }

    private static JsonNode topic(JsonNode root, String name) {
        for (JsonNode topic : root.get("topics")) {
            if (topic.get("name").asText().equals(name)) {
                return topic;
            }
        }
        throw new AssertionError("no topic " + name + " in " + root);
    }

    private static List<String> texts(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
