package dev.sluice.broker.server;

import dev.sluice.broker.metrics.KeyedMeters;
import dev.sluice.broker.metrics.NodeMetrics;
import dev.sluice.broker.replication.CommitStages;
import dev.sluice.broker.replication.FollowerLag;
import dev.sluice.broker.replication.ReplicaFetchListener;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.TopicImage;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The follower side of replication as meters ({@code sluice_replica_*}): the round trip of replica fetches, and per
 * partition this broker follows how far its replica is behind the leader in records and in time. A leader decides
 * ISR membership by the time a follower was last caught up ({@code replica.lag.time.max.ms}), so the time figure is
 * the one that predicts an ISR shrink; the records figure says how much is missing.
 *
 * <p>The lag rows are recomputed before each scrape ({@link #refresh}, on the HTTP thread) and follow the partitions
 * this broker follows, so a partition it stopped following leaves no series. The fetch timer is fed by the fetcher
 * threads ({@link #fetchListener}).
 */
final class ReplicationMeters {
    private static final int LAG_RECORDS = 0;
    private static final int CAUGHT_UP_AGE_SECONDS = 1;

    private record Key(String topic, int partition) {
    }

    private final MeterRegistry registry;
    private final Timer fetchDuration;
    private final KeyedMeters<Key> lags;

    ReplicationMeters(MeterRegistry registry) {
        this.registry = registry;
        this.fetchDuration = NodeMetrics.latencyTimer("sluice.replica.fetch.duration",
                        "round trip of this broker's replica fetches to partition leaders (a long poll: the leader"
                                + " holds a fetch up to replica.fetch.wait.max.ms while it has nothing new)")
                .register(registry);
        this.lags = new KeyedMeters<>(registry, 2, (key, row) -> {
            Tags tags = Tags.of("topic", key.topic(), "partition", Integer.toString(key.partition()));
            return List.of(
                    Gauge.builder("sluice.replica.lag", row, r -> r[LAG_RECORDS])
                            .tags(tags)
                            .baseUnit("records")
                            .description("records this broker's follower replica is behind the leader's log end, as"
                                    + " of the last fetch answer (-1 before the first)")
                            .strongReference(true)
                            .register(registry),
                    Gauge.builder("sluice.replica.caught.up.age", row, r -> r[CAUGHT_UP_AGE_SECONDS])
                            .tags(tags)
                            .baseUnit("seconds")
                            .description("seconds since this broker's follower replica last reached the leader's log"
                                    + " end (since it began following if never)")
                            .strongReference(true)
                            .register(registry));
        });
    }

    /** One timer per stage, fed on the threads that move a led partition's replication along. */
    CommitStages.Sink commitStageSink() {
        Map<CommitStages.Stage, Timer> timers = new EnumMap<>(CommitStages.Stage.class);
        for (CommitStages.Stage stage : CommitStages.Stage.values()) {
            timers.put(stage, NodeMetrics.latencyTimer("sluice.replication.commit.stage",
                            "time from a leader's append to each replication stage of the data: follower_read (first"
                                    + " sent to a follower), follower_stored (a follower's fetch offset passed it),"
                                    + " committed (the high watermark passed it: acks=all answered, consumers may"
                                    + " read it); one sample per follower for the follower stages")
                    .tag("stage", stage.name().toLowerCase(java.util.Locale.ROOT))
                    .register(registry));
        }
        return (stage, nanos) -> timers.get(stage).record(nanos, TimeUnit.NANOSECONDS);
    }

    ReplicaFetchListener fetchListener() {
        return nanos -> fetchDuration.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Makes the lag rows those of {@code followed}, named by {@code image}; a topic it no longer knows is left out. */
    void refresh(List<FollowerLag> followed, MetadataImage image, long nowMs) {
        Map<Key, double[]> rows = new HashMap<>();
        for (FollowerLag lag : followed) {
            TopicImage topic = image.topics().topic(lag.key().topicId());
            if (topic != null) {
                double[] row = new double[2];
                row[LAG_RECORDS] = lag.records();
                row[CAUGHT_UP_AGE_SECONDS] = Math.max(0, nowMs - lag.lastCaughtUpMs()) / 1000.0;
                rows.put(new Key(topic.name(), lag.key().partition()), row);
            }
        }
        lags.update(rows);
    }
}
