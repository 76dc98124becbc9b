package dev.sluice.controller;

import dev.sluice.metadata.MetadataDelta;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.MetadataRecords;
import dev.sluice.proto.internal.v1.MetadataRecord;
import dev.sluice.proto.v1.CreateTopicsRequest;
import dev.sluice.proto.v1.NewTopic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds images for controller tests. */
final class Fixtures {
    private Fixtures() {
    }

    static MetadataImage apply(MetadataImage image, List<MetadataRecord> records) {
        MetadataDelta delta = new MetadataDelta(image);
        delta.replayAll(records);
        return delta.apply(image.offset() + 1);
    }

    /** Unfenced brokers with ids 1..count (epoch 1), racks as given (cycled), or none. */
    static MetadataImage brokers(int count, String... racks) {
        List<MetadataRecord> records = new ArrayList<>();
        for (int id = 1; id <= count; id++) {
            String rack = racks.length == 0 ? "" : racks[(id - 1) % racks.length];
            records.add(MetadataRecords.registerBroker(id, 1, "host" + id, 7092, rack));
            records.add(MetadataRecords.unfenceBroker(id, 1));
        }
        return apply(MetadataImage.EMPTY, records);
    }

    /** A registration of broker {@code id} by its incarnation "incarnation-{id}" from directory "directory-{id}". */
    static BrokerRegistrationRequest registration(int id, String host, int port, String rack) {
        return new BrokerRegistrationRequest(id, host, port, rack, "incarnation-" + id, "directory-" + id);
    }

    /** No broker has a session: every registration is of a broker whose previous incarnation (if any) is gone. */
    static BrokerSessions noSessions() {
        return new BrokerSessions(Map.of(), Map.of(), ControllerConfig.DEFAULT.sessionTimeoutMs());
    }

    static NewTopic newTopic(String name, int partitions, int replicationFactor, Map<String, String> configs) {
        return NewTopic.newBuilder().setName(name).setPartitions(partitions).setReplicationFactor(replicationFactor)
                .putAllConfigs(configs).build();
    }

    static CreateTopicsRequest create(NewTopic... topics) {
        return CreateTopicsRequest.newBuilder().addAllTopics(List.of(topics)).build();
    }

    static CreateTopicsRequest create(String name, int partitions, int replicationFactor) {
        return create(newTopic(name, partitions, replicationFactor, Map.of()));
    }
}
