package dev.sluice.metadata;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.sluice.proto.internal.v1.AclRecord;
import dev.sluice.proto.internal.v1.ConfigRecord;
import dev.sluice.proto.internal.v1.FenceBrokerRecord;
import dev.sluice.proto.internal.v1.Int32List;
import dev.sluice.proto.internal.v1.MetadataRecord;
import dev.sluice.proto.internal.v1.MetadataRecordBatch;
import dev.sluice.proto.internal.v1.PartitionChangeRecord;
import dev.sluice.proto.internal.v1.PartitionRecord;
import dev.sluice.proto.internal.v1.ProducerIdsRecord;
import dev.sluice.proto.internal.v1.RegisterBrokerRecord;
import dev.sluice.proto.internal.v1.RemoveAclRecord;
import dev.sluice.proto.internal.v1.RemoveTopicRecord;
import dev.sluice.proto.internal.v1.TopicRecord;
import dev.sluice.proto.internal.v1.UnfenceBrokerRecord;
import dev.sluice.security.acl.AclBinding;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;

/**
 * Builds metadata records and converts them at the protobuf edge: topic ids as 16 big-endian bytes, and a batch
 * (one Raft entry's payload) to and from bytes. Stateless; any thread.
 */
public final class MetadataRecords {
    public static final int TOPIC_ID_BYTES = 16;

    private MetadataRecords() {
    }

    public static ByteString topicIdBytes(UUID id) {
        ByteBuffer buffer = ByteBuffer.allocate(TOPIC_ID_BYTES);
        buffer.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
        return ByteString.copyFrom(buffer.array());
    }

    /** Reads a topic id; anything but 16 bytes is a broken invariant of the log. */
    public static UUID topicId(ByteString bytes) {
        if (bytes.size() != TOPIC_ID_BYTES) {
            throw new IllegalStateException("topic id has " + bytes.size() + " bytes, expected " + TOPIC_ID_BYTES);
        }
        ByteBuffer buffer = bytes.asReadOnlyByteBuffer();
        return new UUID(buffer.getLong(), buffer.getLong());
    }

    public static byte[] serialize(List<MetadataRecord> records) {
        return MetadataRecordBatch.newBuilder().addAllRecords(records).build().toByteArray();
    }

    /** Parses one Raft entry's payload; an empty payload (a leader's epoch marker) is an empty batch. */
    public static List<MetadataRecord> parse(byte[] payload) {
        try {
            return MetadataRecordBatch.parseFrom(payload).getRecordsList();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("metadata payload of " + payload.length + " bytes does not parse", e);
        }
    }

    /** A registration without process identity (incarnation and directory ids empty). */
    public static MetadataRecord registerBroker(int brokerId, long brokerEpoch, String host, int port, String rack) {
        return registerBroker(brokerId, brokerEpoch, host, port, rack, "", "");
    }

    public static MetadataRecord registerBroker(int brokerId, long brokerEpoch, String host, int port, String rack,
            String incarnationId, String directoryId) {
        return registerBroker(brokerId, brokerEpoch, host, port, rack, incarnationId, directoryId, 0);
    }

    /** A registration with a Kafka wire-protocol listener on {@code kafkaPort} (0: none). */
    public static MetadataRecord registerBroker(int brokerId, long brokerEpoch, String host, int port, String rack,
            String incarnationId, String directoryId, int kafkaPort) {
        return registerBroker(brokerId, brokerEpoch, host, port, rack, incarnationId, directoryId, kafkaPort, "");
    }

    /** A registration naming the broker's log store ({@code logStoreId}; empty: unknown). */
    public static MetadataRecord registerBroker(int brokerId, long brokerEpoch, String host, int port, String rack,
            String incarnationId, String directoryId, int kafkaPort, String logStoreId) {
        return MetadataRecord.newBuilder().setRegisterBroker(RegisterBrokerRecord.newBuilder()
                .setBrokerId(brokerId).setBrokerEpoch(brokerEpoch).setHost(host).setPort(port).setRack(rack)
                .setIncarnationId(incarnationId).setDirectoryId(directoryId).setKafkaPort(kafkaPort)
                .setLogStoreId(logStoreId))
                .build();
    }

    /** The record that registers {@code broker} as it is (fenced or not is a separate record). */
    public static MetadataRecord registerBroker(BrokerRegistration broker) {
        return registerBroker(broker.id(), broker.epoch(), broker.host(), broker.port(), broker.rack(),
                broker.incarnationId(), broker.directoryId(), broker.kafkaPort(), broker.logStoreId());
    }

    public static MetadataRecord fenceBroker(int brokerId, long brokerEpoch) {
        return MetadataRecord.newBuilder().setFenceBroker(FenceBrokerRecord.newBuilder()
                .setBrokerId(brokerId).setBrokerEpoch(brokerEpoch)).build();
    }

    public static MetadataRecord unfenceBroker(int brokerId, long brokerEpoch) {
        return MetadataRecord.newBuilder().setUnfenceBroker(UnfenceBrokerRecord.newBuilder()
                .setBrokerId(brokerId).setBrokerEpoch(brokerEpoch)).build();
    }

    public static MetadataRecord topic(String name, UUID topicId) {
        return MetadataRecord.newBuilder().setTopic(TopicRecord.newBuilder()
                .setName(name).setTopicId(topicIdBytes(topicId))).build();
    }

    public static MetadataRecord partition(UUID topicId, int partition, PartitionImage image) {
        return MetadataRecord.newBuilder().setPartition(PartitionRecord.newBuilder()
                .setTopicId(topicIdBytes(topicId)).setPartition(partition)
                .addAllReplicas(image.replicas()).addAllIsr(image.isr()).addAllEligibleLeaders(image.eligibleLeaders())
                .setLeaderId(image.leaderId()).setLeaderEpoch(image.leaderEpoch())
                .setPartitionEpoch(image.partitionEpoch())).build();
    }

    /**
     * A partition change; {@code leaderId} null leaves the leader as is, {@code isr} or {@code replicas} null
     * leave those as they are.
     */
    public static MetadataRecord partitionChange(UUID topicId, int partition, Integer leaderId, List<Integer> isr,
            List<Integer> replicas) {
        return partitionChange(topicId, partition, leaderId, isr, replicas, null);
    }

    /** A partition change that may also set the eligible leaders ({@code eligibleLeaders} null: as they are). */
    public static MetadataRecord partitionChange(UUID topicId, int partition, Integer leaderId, List<Integer> isr,
            List<Integer> replicas, List<Integer> eligibleLeaders) {
        PartitionChangeRecord.Builder change = PartitionChangeRecord.newBuilder()
                .setTopicId(topicIdBytes(topicId)).setPartition(partition);
        if (leaderId != null) {
            change.setLeaderId(leaderId);
        }
        if (isr != null) {
            change.setIsr(Int32List.newBuilder().addAllValues(isr));
        }
        if (replicas != null) {
            change.setReplicas(Int32List.newBuilder().addAllValues(replicas));
        }
        if (eligibleLeaders != null) {
            change.setEligibleLeaders(Int32List.newBuilder().addAllValues(eligibleLeaders));
        }
        return MetadataRecord.newBuilder().setPartitionChange(change).build();
    }

    /** A config record; {@code value} null removes the key. */
    public static MetadataRecord config(String topic, String key, String value) {
        ConfigRecord.Builder config = ConfigRecord.newBuilder().setTopic(topic).setKey(key);
        if (value != null) {
            config.setValue(value);
        }
        return MetadataRecord.newBuilder().setConfig(config).build();
    }

    public static MetadataRecord removeTopic(UUID topicId) {
        return MetadataRecord.newBuilder().setRemoveTopic(RemoveTopicRecord.newBuilder()
                .setTopicId(topicIdBytes(topicId))).build();
    }

    public static MetadataRecord producerIds(int brokerId, long nextProducerId) {
        return MetadataRecord.newBuilder().setProducerIds(ProducerIdsRecord.newBuilder()
                .setBrokerId(brokerId).setNextProducerId(nextProducerId)).build();
    }

    public static MetadataRecord acl(AclBinding binding) {
        return MetadataRecord.newBuilder().setAcl(AclRecord.newBuilder().setBinding(AclProtos.toProto(binding)))
                .build();
    }

    public static MetadataRecord scramCredential(String user, dev.sluice.security.scram.ScramCredential credential) {
        return MetadataRecord.newBuilder().setUserScramCredential(dev.sluice.proto.internal.v1.UserScramCredentialRecord
                .newBuilder().setCredential(ScramProtos.toProto(user, credential))).build();
    }

    public static MetadataRecord removeScramCredential(String user,
                                                       dev.sluice.security.scram.ScramMechanism mechanism) {
        return MetadataRecord.newBuilder().setRemoveUserScramCredential(
                dev.sluice.proto.internal.v1.RemoveUserScramCredentialRecord.newBuilder().setUser(user)
                        .setMechanism(ScramProtos.toProto(mechanism))).build();
    }

    /** One quota key of one entity; {@code value} null removes the key. */
    public static MetadataRecord clientQuota(QuotaEntity entity, String key, Double value) {
        dev.sluice.proto.internal.v1.ClientQuotaRecord.Builder quota = dev.sluice.proto.internal.v1.ClientQuotaRecord
                .newBuilder().setEntity(QuotaProtos.toProto(entity)).setKey(key);
        if (value != null) {
            quota.setValue(value);
        }
        return MetadataRecord.newBuilder().setClientQuota(quota).build();
    }

    public static MetadataRecord removeAcl(AclBinding binding) {
        return MetadataRecord.newBuilder().setRemoveAcl(RemoveAclRecord.newBuilder()
                .setBinding(AclProtos.toProto(binding))).build();
    }
}
