package dev.sluice.metadata;

import dev.sluice.proto.internal.v1.MetadataRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The cluster metadata as of the log entry at {@code offset}: the root of an immutable tree of sub-images. A new
 * image shares every sub-image that did not change with the previous one. Readers hold a {@code volatile} reference
 * (see {@link MetadataLoader#image()}) and take no locks.
 *
 * <p>{@code offset} is the offset of the last applied log entry, -1 for {@link #EMPTY}.
 */
public record MetadataImage(long offset, ClusterImage cluster, TopicsImage topics, ConfigsImage configs,
        ProducerIdsImage producerIds, AclsImage acls, ScramCredentialsImage scram, QuotasImage quotas) {
    public static final long NO_OFFSET = -1;
    public static final MetadataImage EMPTY = new MetadataImage(NO_OFFSET, ClusterImage.EMPTY, TopicsImage.EMPTY,
            ConfigsImage.EMPTY, ProducerIdsImage.EMPTY, AclsImage.EMPTY, ScramCredentialsImage.EMPTY,
            QuotasImage.EMPTY);

    public MetadataImage {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(configs, "configs");
        Objects.requireNonNull(producerIds, "producerIds");
        Objects.requireNonNull(acls, "acls");
        Objects.requireNonNull(scram, "scram");
        Objects.requireNonNull(quotas, "quotas");
        if (offset < NO_OFFSET) {
            throw new IllegalStateException("image offset " + offset + " is below " + NO_OFFSET);
        }
    }

    /** An image without client quotas. */
    public MetadataImage(long offset, ClusterImage cluster, TopicsImage topics, ConfigsImage configs,
                         ProducerIdsImage producerIds, AclsImage acls, ScramCredentialsImage scram) {
        this(offset, cluster, topics, configs, producerIds, acls, scram, QuotasImage.EMPTY);
    }

    /** An image without SCRAM credentials. */
    public MetadataImage(long offset, ClusterImage cluster, TopicsImage topics, ConfigsImage configs,
                         ProducerIdsImage producerIds, AclsImage acls) {
        this(offset, cluster, topics, configs, producerIds, acls, ScramCredentialsImage.EMPTY);
    }

    /** An image without ACLs. */
    public MetadataImage(long offset, ClusterImage cluster, TopicsImage topics, ConfigsImage configs,
                         ProducerIdsImage producerIds) {
        this(offset, cluster, topics, configs, producerIds, AclsImage.EMPTY);
    }

    /** True when the image holds no metadata (whatever its offset). */
    public boolean isEmpty() {
        return cluster.brokers().isEmpty() && topics.isEmpty() && configs.topicConfigs().isEmpty()
                && producerIds.equals(ProducerIdsImage.EMPTY) && acls.isEmpty()
                && scram.isEmpty() && quotas.isEmpty();
    }

    /**
     * Writes records that, replayed in order on {@link #EMPTY} and applied at {@link #offset()}, rebuild this image:
     * brokers, then topics with their partitions, then configs (which need their topic), then producer ids, then ACLs,
     * then SCRAM credentials, then client quotas.
     */
    public void write(ImageWriter writer) {
        cluster.write(writer);
        topics.write(writer);
        configs.write(writer);
        producerIds.write(writer);
        acls.write(writer);
        scram.write(writer);
        quotas.write(writer);
    }

    public List<MetadataRecord> toRecords() {
        List<MetadataRecord> records = new ArrayList<>();
        write(records::add);
        return records;
    }
}
