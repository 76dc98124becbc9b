package dev.sluice.broker.server;

import dev.sluice.broker.log.PartitionKey;
import dev.sluice.broker.log.PartitionLog;
import dev.sluice.controller.ReplicaLogEnd;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.metadata.TopicImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where this broker's replicas of leaderless partitions end, for its heartbeats: after a full outage the controller
 * leads each such partition from the member of its last ISR whose log ends furthest. A replica whose log is not open
 * here reports an empty log.
 */
final class LeaderlessLogEnds {
    private LeaderlessLogEnds() {
    }

    static List<ReplicaLogEnd> of(MetadataImage image, int localBrokerId,
            Function<PartitionKey, Optional<PartitionLog>> logs) {
        List<ReplicaLogEnd> ends = new ArrayList<>();
        for (TopicImage topic : image.topics().topicsById().values()) {
            for (Map.Entry<Integer, PartitionImage> entry : topic.partitions().entrySet()) {
                PartitionImage partition = entry.getValue();
                if (partition.hasLeader() || !partition.replicas().contains(localBrokerId)) {
                    continue;
                }
                Optional<PartitionLog> log = logs.apply(new PartitionKey(topic.id(), entry.getKey()));
                int epoch = log.map(l -> l.state().latestEpoch()).orElse(-1);
                long end = log.map(PartitionLog::logEndOffset).orElse(0L);
                ends.add(new ReplicaLogEnd(topic.id(), entry.getKey(), Math.max(epoch, -1), end));
            }
        }
        return ends;
    }
}
