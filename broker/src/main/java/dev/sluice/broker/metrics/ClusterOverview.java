package dev.sluice.broker.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.metadata.BrokerRegistration;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.metadata.TopicImage;
import dev.sluice.metadata.TopicNames;
import dev.sluice.raft.io.QuorumStatus;
import dev.sluice.raft.io.ReplicaStatus;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The cluster at a glance, as the JSON document behind the overview page ({@code /api/overview}): the nodes and
 * their roles, the metadata quorum, every topic with its partition health, every consumer group with its lag, and
 * the records produced per second. Pure: it only reads what it is given, so the same inputs give the same document.
 *
 * <p>Partition health counts the way {@code sluice cluster info} and the controller meters do: a partition is
 * offline without a leader, under-replicated while its ISR is smaller than its replicas, and under min ISR while
 * its ISR is smaller than its topic's {@code min.insync.replicas}. Lag is a partition's latest offset (its high
 * watermark, from its leader) minus the group's committed offset, never below 0; it is null where the leader did not
 * answer. Throughput is the growth of the latest offsets between two samples over the time between them, in records
 * per second, and null until there are two samples; the cluster's total counts user topics only. Offsets are in
 * records, times in epoch milliseconds.
 */
public final class ClusterOverview {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /**
     * Everything the document is built from.
     *
     * @param nowMs when the document is built
     * @param nodeId the node answering
     * @param voterIds the metadata quorum's voters (the controllers)
     * @param image the answering node's metadata image
     * @param quorum the answering node's view of the quorum
     * @param previous the sample before {@code latest} ({@link OverviewSample#NONE} if none)
     * @param latest the latest sample of groups and offsets ({@link OverviewSample#NONE} if none yet)
     */
    public record Inputs(long nowMs, String clusterId, int nodeId, Set<Integer> voterIds, MetadataImage image,
                         QuorumStatus quorum, OverviewSample previous, OverviewSample latest) {
        public Inputs {
            voterIds = Set.copyOf(voterIds);
        }
    }

    private ClusterOverview() {
    }

    /** The overview document. */
    public static ObjectNode json(Inputs in) {
        ObjectNode root = JSON.objectNode();
        root.put("timeMs", in.nowMs());
        root.put("clusterId", in.clusterId());
        root.put("answeredBy", in.nodeId());
        root.put("metadataOffset", in.image().offset());
        root.set("sampleTimeMs", in.latest().timeMs() < 0 ? JSON.nullNode() : JSON.numberNode(in.latest().timeMs()));
        root.set("quorum", quorum(in.quorum()));
        root.set("nodes", nodes(in));
        Map<String, Double> rates = recordsPerSecond(in.previous(), in.latest());
        ArrayNode topics = topics(in.image(), in.latest(), rates);
        root.set("topics", topics);
        root.set("partitions", partitionTotals(topics));
        ObjectNode throughput = root.putObject("throughput");
        // Internal topics keep their own rate (offset commits), but what producers write is the user topics.
        throughput.set("recordsPerSecond", rates == null ? JSON.nullNode() : JSON.numberNode(rates.entrySet().stream()
                .filter(rate -> !TopicNames.isInternal(rate.getKey())).mapToDouble(Map.Entry::getValue).sum()));
        throughput.put("windowMs", rates == null ? 0 : in.latest().timeMs() - in.previous().timeMs());
        root.set("groups", groups(in.latest()));
        ArrayNode problems = root.putArray("problems");
        in.latest().problems().forEach(problems::add);
        return root;
    }

    private static ObjectNode quorum(QuorumStatus status) {
        ObjectNode quorum = JSON.objectNode();
        quorum.set("leaderId", status.leaderId() < 0 ? JSON.nullNode() : JSON.numberNode(status.leaderId()));
        quorum.put("epoch", status.epoch());
        quorum.put("highWatermark", status.highWatermark());
        quorum.put("logEndOffset", status.logEndOffset());
        quorum.put("role", status.role());
        quorum.set("voters", replicas(status.voters()));
        quorum.set("observers", replicas(status.observers()));
        return quorum;
    }

    /** Replica progress is known on the quorum leader only; elsewhere its -1 values become null. */
    private static ArrayNode replicas(List<ReplicaStatus> statuses) {
        ArrayNode replicas = JSON.arrayNode();
        for (ReplicaStatus status : statuses) {
            ObjectNode replica = replicas.addObject();
            replica.put("id", status.nodeId());
            replica.set("logEndOffset", orNull(status.logEndOffset()));
            replica.set("lag", orNull(status.lag()));
            replica.set("caughtUpMsAgo", orNull(status.lastCaughtUpMsAgo()));
        }
        return replicas;
    }

    private static ArrayNode nodes(Inputs in) {
        MetadataImage image = in.image();
        Set<Integer> ids = new TreeSet<>(in.voterIds());
        ids.addAll(image.cluster().brokers().keySet());
        Map<Integer, int[]> leadsAndReplicas = new TreeMap<>();
        for (TopicImage topic : image.topics().topicsByName().values()) {
            for (PartitionImage partition : topic.partitions().values()) {
                partition.replicas().forEach(id -> leadsAndReplicas.computeIfAbsent(id, k -> new int[2])[1]++);
                if (partition.hasLeader()) {
                    leadsAndReplicas.computeIfAbsent(partition.leaderId(), k -> new int[2])[0]++;
                }
            }
        }
        ArrayNode nodes = JSON.arrayNode();
        for (int id : ids) {
            ObjectNode node = nodes.addObject();
            node.put("id", id);
            ArrayNode roles = node.putArray("roles");
            BrokerRegistration broker = image.cluster().broker(id);
            if (in.voterIds().contains(id)) {
                roles.add("controller");
            }
            if (broker != null) {
                roles.add("broker");
                node.put("host", broker.host());
                node.put("port", broker.port());
                node.put("rack", broker.rack());
                node.put("fenced", broker.fenced());
            }
            node.put("quorumLeader", id == in.quorum().leaderId());
            int[] counts = leadsAndReplicas.getOrDefault(id, new int[2]);
            node.put("partitionsLed", counts[0]);
            node.put("replicas", counts[1]);
        }
        return nodes;
    }

    private static ArrayNode topics(MetadataImage image, OverviewSample latest, Map<String, Double> rates) {
        ArrayNode topics = JSON.arrayNode();
        for (TopicImage topic : new TreeMap<>(image.topics().topicsByName()).values()) {
            ObjectNode node = topics.addObject();
            node.put("name", topic.name());
            node.put("internal", topic.isInternal());
            node.put("partitions", topic.partitions().size());
            node.put("replicationFactor", topic.partitions().values().stream()
                    .mapToInt(p -> p.replicas().size()).min().orElse(0));
            int minIsr = image.configs().effective(topic.name()).minInsyncReplicas();
            node.put("minInsyncReplicas", minIsr);
            health(topic, minIsr, node);
            long sum = 0;
            boolean allKnown = !topic.partitions().isEmpty();
            for (int index : topic.partitions().keySet()) {
                Long offset = latest.latestOffsets().get(new OverviewSample.Partition(topic.name(), index));
                allKnown &= offset != null;
                sum += offset == null ? 0 : offset;
            }
            node.set("latestOffsets", allKnown ? JSON.numberNode(sum) : JSON.nullNode());
            Double rate = rates == null ? null : rates.get(topic.name());
            node.set("recordsPerSecond", rate == null ? JSON.nullNode() : JSON.numberNode(rate));
        }
        return topics;
    }

    /** Adds the topic's offline, under-replicated and under-min-ISR counts, and those partitions, to {@code node}. */
    private static void health(TopicImage topic, int minIsr, ObjectNode node) {
        int offline = 0;
        int underReplicated = 0;
        int underMinIsr = 0;
        ArrayNode unhealthy = JSON.arrayNode();
        for (Map.Entry<Integer, PartitionImage> entry : topic.partitions().entrySet()) {
            PartitionImage partition = entry.getValue();
            boolean isOffline = !partition.hasLeader();
            boolean isUnderReplicated = partition.isr().size() < partition.replicas().size();
            boolean isUnderMinIsr = partition.isr().size() < minIsr;
            offline += isOffline ? 1 : 0;
            underReplicated += isUnderReplicated ? 1 : 0;
            underMinIsr += isUnderMinIsr ? 1 : 0;
            if (isOffline || isUnderReplicated || isUnderMinIsr) {
                unhealthy.add(partitionNode(entry.getKey(), partition, isOffline, isUnderMinIsr));
            }
        }
        node.put("offline", offline);
        node.put("underReplicated", underReplicated);
        node.put("underMinIsr", underMinIsr);
        node.set("unhealthyPartitions", unhealthy);
    }

    private static ObjectNode partitionNode(int index, PartitionImage partition, boolean offline, boolean underMinIsr) {
        ObjectNode node = JSON.objectNode();
        node.put("partition", index);
        node.set("leader", partition.hasLeader() ? JSON.numberNode(partition.leaderId()) : JSON.nullNode());
        ArrayNode replicas = node.putArray("replicas");
        partition.replicas().forEach(replicas::add);
        ArrayNode isr = node.putArray("isr");
        partition.isr().forEach(isr::add);
        node.put("state", offline ? "offline" : underMinIsr ? "under min ISR" : "under-replicated");
        return node;
    }

    private static ObjectNode partitionTotals(ArrayNode topics) {
        ObjectNode totals = JSON.objectNode();
        for (String field : List.of("partitions", "offline", "underReplicated", "underMinIsr")) {
            long sum = 0;
            for (JsonNode topic : topics) {
                sum += topic.get(field).asLong();
            }
            totals.put(field.equals("partitions") ? "total" : field, sum);
        }
        return totals;
    }

    private static ArrayNode groups(OverviewSample latest) {
        ArrayNode groups = JSON.arrayNode();
        List<OverviewSample.Group> sorted = latest.groups().stream()
                .sorted(java.util.Comparator.comparing(OverviewSample.Group::groupId)).toList();
        for (OverviewSample.Group group : sorted) {
            ObjectNode node = groups.addObject();
            node.put("group", group.groupId());
            node.put("state", group.state());
            node.put("members", group.members());
            node.put("coordinator", group.coordinatorId());
            long totalLag = 0;
            boolean allKnown = true;
            ArrayNode partitions = JSON.arrayNode();
            for (Map.Entry<OverviewSample.Partition, Long> committed : group.committed().entrySet()) {
                Long latestOffset = latest.latestOffsets().get(committed.getKey());
                ObjectNode partition = partitions.addObject();
                partition.put("topic", committed.getKey().topic());
                partition.put("partition", committed.getKey().partition());
                partition.put("committed", committed.getValue());
                partition.set("latestOffset", latestOffset == null ? JSON.nullNode() : JSON.numberNode(latestOffset));
                if (latestOffset == null) {
                    allKnown = false;
                    partition.putNull("lag");
                } else {
                    long lag = Math.max(0, latestOffset - committed.getValue());
                    totalLag += lag;
                    partition.put("lag", lag);
                }
            }
            node.put("lag", totalLag);
            node.put("lagComplete", allKnown);
            node.set("partitions", partitions);
        }
        return groups;
    }

    /**
     * Records per second per topic between two samples: the latest offsets' growth summed over the partitions both
     * samples know (a partition whose offset went back, after a truncation or a re-created topic, counts 0), over
     * the time between the samples. Null when there are not two samples yet.
     */
    static Map<String, Double> recordsPerSecond(OverviewSample previous, OverviewSample latest) {
        long windowMs = latest.timeMs() - previous.timeMs();
        if (previous.timeMs() < 0 || windowMs <= 0) {
            return null;
        }
        Map<String, Double> rates = new TreeMap<>();
        latest.latestOffsets().forEach((partition, offset) -> {
            Long before = previous.latestOffsets().get(partition);
            if (before != null) {
                rates.merge(partition.topic(), Math.max(0, offset - before) * 1000.0 / windowMs, Double::sum);
            }
        });
        return rates;
    }

    private static JsonNode orNull(long value) {
        return value < 0 ? JSON.nullNode() : JSON.numberNode(value);
    }
}
