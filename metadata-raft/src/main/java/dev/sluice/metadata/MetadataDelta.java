package dev.sluice.metadata;

import dev.sluice.proto.internal.v1.ConfigRecord;
import dev.sluice.proto.internal.v1.MetadataRecord;
import dev.sluice.proto.internal.v1.ProducerIdsRecord;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The changes made by a sequence of metadata records on top of a base {@link MetadataImage}. {@link #replay} folds
 * one record in; {@link #apply} builds the new image, sharing every sub-image that did not change. Publishers read
 * what changed through the accessors.
 *
 * <p>Mutable and single-threaded: owned by the thread replaying records (the loader's, or the controller's when it
 * builds a speculative image). Once handed to publishers it must not be replayed into again.
 *
 * <p>A record that breaks an invariant of the image (an unknown topic, a stale broker epoch, a malformed partition)
 * throws {@link IllegalStateException}: the committed log is the truth, so such a record means a broken node.
 */
public final class MetadataDelta {
    private final MetadataImage base;
    private final ClusterDelta cluster;
    private final TopicsDelta topics;
    private final ConfigsDelta configs;
    private ProducerIdsImage producerIds;
    private final AclsDelta acls;
    private final ScramCredentialsDelta scram;
    private final QuotasDelta quotas;

    public MetadataDelta(MetadataImage base) {
        this.base = base;
        this.cluster = new ClusterDelta(base.cluster());
        this.topics = new TopicsDelta(base.topics());
        this.configs = new ConfigsDelta(base.configs());
        this.producerIds = base.producerIds();
        this.acls = new AclsDelta(base.acls());
        this.scram = new ScramCredentialsDelta(base.scram());
        this.quotas = new QuotasDelta(base.quotas());
    }

    public MetadataImage base() {
        return base;
    }

    public void replay(MetadataRecord record) {
        switch (record.getRecordCase()) {
            case REGISTER_BROKER -> cluster.replay(record.getRegisterBroker());
            case FENCE_BROKER -> cluster.replay(record.getFenceBroker());
            case UNFENCE_BROKER -> cluster.replay(record.getUnfenceBroker());
            case TOPIC -> topics.replay(record.getTopic());
            case PARTITION -> topics.replay(record.getPartition());
            case PARTITION_CHANGE -> topics.replay(record.getPartitionChange());
            case CONFIG -> replayConfig(record.getConfig());
            case REMOVE_TOPIC -> configs.replayTopicRemoved(
                    topics.replayRemoveTopic(MetadataRecords.topicId(record.getRemoveTopic().getTopicId())));
            case PRODUCER_IDS -> replayProducerIds(record.getProducerIds());
            case ACL -> acls.replay(record.getAcl());
            case REMOVE_ACL -> acls.replay(record.getRemoveAcl());
            case USER_SCRAM_CREDENTIAL -> scram.replay(record.getUserScramCredential());
            case REMOVE_USER_SCRAM_CREDENTIAL -> scram.replay(record.getRemoveUserScramCredential());
            case CLIENT_QUOTA -> quotas.replay(record.getClientQuota());
            case RECORD_NOT_SET -> throw new IllegalStateException("metadata record with no record set");
        }
    }

    public void replayAll(Iterable<MetadataRecord> records) {
        records.forEach(this::replay);
    }

    private void replayConfig(ConfigRecord record) {
        if (topics.topicId(record.getTopic()) == null) {
            throw new IllegalStateException("config record for unknown topic '" + record.getTopic() + "'");
        }
        configs.replay(record);
    }

    private void replayProducerIds(ProducerIdsRecord record) {
        if (record.getNextProducerId() <= producerIds.nextProducerId()) {
            throw new IllegalStateException("next producer id " + record.getNextProducerId()
                    + " does not advance past " + producerIds.nextProducerId());
        }
        producerIds = new ProducerIdsImage(record.getNextProducerId());
    }

    /**
     * Builds the image after the replayed records, as of log {@code offset}, which may not be below the base image's
     * offset (a speculative image may keep its base's offset).
     */
    public MetadataImage apply(long offset) {
        if (offset < base.offset()) {
            throw new IllegalStateException("apply at offset " + offset + " below the base offset " + base.offset());
        }
        return new MetadataImage(offset, cluster.apply(), topics.apply(), configs.apply(), producerIds,
                acls.apply(), scram.apply(), quotas.apply());
    }

    public ClusterDelta clusterDelta() {
        return cluster;
    }

    public TopicsDelta topicsDelta() {
        return topics;
    }

    public ConfigsDelta configsDelta() {
        return configs;
    }

    /** The brokers registered, fenced or unfenced, in their new state. */
    public Map<Integer, BrokerRegistration> changedBrokers() {
        return cluster.changedBrokers();
    }

    /** The topics created (and not removed again). */
    public Set<UUID> createdTopicIds() {
        return topics.createdTopicIds();
    }

    /** The topics of the base image that were removed: id to name. */
    public Map<UUID, String> deletedTopics() {
        return topics.deletedTopics();
    }

    /** Every partition created or changed, of live topics, in its new state. */
    public Map<TopicIdPartition, PartitionImage> changedPartitions() {
        return topics.changedPartitions();
    }

    /** The topics whose explicit configs changed. */
    public Set<String> changedConfigTopics() {
        return configs.changedTopics();
    }

    public AclsDelta aclsDelta() {
        return acls;
    }

    public ScramCredentialsDelta scramDelta() {
        return scram;
    }

    public QuotasDelta quotasDelta() {
        return quotas;
    }

    public boolean producerIdsChanged() {
        return producerIds != base.producerIds();
    }
}
