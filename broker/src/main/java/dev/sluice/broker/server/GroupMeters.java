package dev.sluice.broker.server;

import dev.sluice.broker.group.GroupCoordinator;
import dev.sluice.broker.group.GroupSummary;
import dev.sluice.broker.group.TopicPartition;
import dev.sluice.broker.metrics.KeyedMeters;
import dev.sluice.broker.metrics.NodeMetrics;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.TopicImage;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Consumer groups as meters ({@code sluice_group_*}), computed by the coordinator, since Sluice has the offsets and
 * the log ends in one place (Kafka users run an exporter for this): per group its state, members and rebalances, per
 * group and partition the committed offset and the lag (the partition's latest offset minus the committed one), and
 * the duration of rebalances. Only the coordinator of a group reports it, so each group appears once in a cluster.
 *
 * <p>Labels are bounded by what exists (groups, and the partitions they committed), never per member or client id.
 * Rows are recomputed before each scrape ({@link #refresh}, on the HTTP thread), so a deleted group or a group whose
 * coordinator moved leaves no stale series here; the rebalance timer is fed under the offsets partitions' locks.
 */
final class GroupMeters {
    /** Every state a group can be in, each its own series, so a state change flips values. */
    private static final List<String> STATES = List.of("Empty", "Reconciling", "Stable");
    private static final int MEMBERS = STATES.size();
    private static final int REBALANCES = STATES.size() + 1;
    private static final int COMMITTED = 0;
    private static final int LAG = 1;

    /** A group's partition: the key of a committed offset and lag row. */
    private record OffsetKey(String group, String topic, int partition) {
    }

    private final GroupCoordinator coordinator;
    private final Supplier<MetadataImage> image;
    private final LatestOffsets latestOffsets;
    private final Timer rebalanceDuration;
    private final KeyedMeters<String> groups;
    private final KeyedMeters<OffsetKey> offsets;

    GroupMeters(MeterRegistry registry, GroupCoordinator coordinator, Supplier<MetadataImage> image,
                LatestOffsets latestOffsets) {
        this.coordinator = coordinator;
        this.image = image;
        this.latestOffsets = latestOffsets;
        this.rebalanceDuration = NodeMetrics.latencyTimer("sluice.group.rebalance.duration",
                        "duration of consumer group rebalances on this coordinator: from the group starting to"
                                + " reconcile until every member owns its new assignment (or the group emptied)")
                .register(registry);
        this.groups = new KeyedMeters<>(registry, STATES.size() + 2, (group, row) -> groupMeters(registry, group, row));
        this.offsets = new KeyedMeters<>(registry, 2, (key, row) -> offsetMeters(registry, key, row));
    }

    private static List<Meter> groupMeters(MeterRegistry registry, String group, double[] row) {
        List<Meter> meters = new ArrayList<>();
        for (int i = 0; i < STATES.size(); i++) {
            int index = i;
            meters.add(Gauge.builder("sluice.group.state", row, r -> r[index])
                    .strongReference(true)
                    .tags("group", group, "state", STATES.get(i))
                    .description("1 for a consumer group's current state, 0 for the others (Empty: no members;"
                            + " Reconciling: partitions are moving between members; Stable)")
                    .register(registry));
        }
        meters.add(Gauge.builder("sluice.group.members", row, r -> r[MEMBERS])
                .strongReference(true)
                .tag("group", group)
                .description("members of a consumer group (static members that left temporarily count until their"
                        + " session expires)")
                .register(registry));
        meters.add(FunctionCounter.builder("sluice.group.rebalances", row, r -> r[REBALANCES])
                .tag("group", group)
                .description("rebalances a consumer group started since its coordinator took it over (a new"
                        + " coordinator starts from 0)")
                .register(registry));
        return meters;
    }

    private static List<Meter> offsetMeters(MeterRegistry registry, OffsetKey key, double[] row) {
        Tags tags = Tags.of("group", key.group(), "topic", key.topic(), "partition",
                Integer.toString(key.partition()));
        return List.of(
                Gauge.builder("sluice.group.committed.offset", row, r -> r[COMMITTED])
                        .tags(tags)
                        .strongReference(true)
                        .description("the offset a consumer group committed for a partition (the next record it will"
                                + " read), reported by the group's coordinator")
                        .register(registry),
                Gauge.builder("sluice.group.lag", row, r -> r[LAG])
                        .tags(tags)
                        .baseUnit("records")
                        .strongReference(true)
                        .description("records a consumer group has still to read in a partition: its high watermark"
                                + " minus the committed offset, reported by the group's coordinator; NaN when the"
                                + " partition's leader could not be asked")
                        .register(registry));
    }

    void rebalanceCompleted(String groupId, long durationMs) {
        rebalanceDuration.record(durationMs, TimeUnit.MILLISECONDS);
    }

    /** Recomputes every row from the groups this broker coordinates now and their partitions' latest offsets. */
    void refresh() {
        MetadataImage current = image.get();
        TopicImage offsetsTopic = current.topics().topic(GroupCoordinator.OFFSETS_TOPIC);
        List<GroupSummary> summaries = offsetsTopic == null ? List.of()
                : coordinator.summaries(offsetsTopic.partitions().size());
        Set<TopicPartition> committed = new HashSet<>();
        summaries.forEach(summary -> committed.addAll(summary.committed().keySet()));
        Map<TopicPartition, Long> ends = committed.isEmpty() ? Map.of() : latestOffsets.of(committed, current);
        Map<String, double[]> groupRows = new HashMap<>();
        Map<OffsetKey, double[]> offsetRows = new HashMap<>();
        for (GroupSummary summary : summaries) {
            groupRows.put(summary.groupId(), groupRow(summary));
            summary.committed().forEach((tp, offset) -> {
                Long end = ends.get(tp);
                double lag = end == null ? Double.NaN : Math.max(0, end - offset);
                offsetRows.put(new OffsetKey(summary.groupId(), tp.topic(), tp.partition()),
                        new double[] {offset, lag});
            });
        }
        groups.update(groupRows);
        offsets.update(offsetRows);
    }

    private static double[] groupRow(GroupSummary summary) {
        double[] row = new double[STATES.size() + 2];
        int state = STATES.indexOf(summary.state());
        row[state < 0 ? 0 : state] = 1;
        row[MEMBERS] = summary.members();
        row[REBALANCES] = summary.rebalances();
        return row;
    }
}
