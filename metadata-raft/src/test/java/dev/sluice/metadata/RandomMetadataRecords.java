package dev.sluice.metadata;

import dev.sluice.proto.internal.v1.MetadataRecord;
import dev.sluice.security.acl.AclBinding;
import dev.sluice.security.acl.AclEntry;
import dev.sluice.security.acl.AclOperation;
import dev.sluice.security.acl.AclPermission;
import dev.sluice.security.acl.PatternType;
import dev.sluice.security.acl.ResourcePattern;
import dev.sluice.security.acl.ResourceType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Generates random metadata records that are valid against the image they are generated for: a small model-based
 * generator driven by one seed, so a failure replays from the seed. Test-only; single-threaded.
 */
final class RandomMetadataRecords {
    private static final int BROKERS = 6;
    private static final List<String> NAMES = List.of("t0", "t1", "t2", "t3", "__internal", "a.b-c_d");
    private static final List<String> RACKS = List.of("", "r1", "r2");
    private static final Map<String, List<String>> CONFIG_VALUES = Map.of(
            TopicConfigs.RETENTION_MS, List.of("-1", "0", "1000", "604800000"),
            TopicConfigs.CLEANUP_POLICY, List.of("delete", "compact", "delete,compact"),
            TopicConfigs.MIN_INSYNC_REPLICAS, List.of("1", "2"),
            TopicConfigs.UNCLEAN_LEADER_ELECTION_ENABLE, List.of("true", "false"),
            TopicConfigs.COMPRESSION_TYPE, List.of("zstd", "producer"));

    private final Random random;
    private MetadataImage image;

    RandomMetadataRecords(long seed, MetadataImage start) {
        this.random = new Random(seed);
        this.image = start;
    }

    /** The image after every record generated so far (applied one by one, offset unchanged). */
    MetadataImage image() {
        return image;
    }

    Random random() {
        return random;
    }

    /** A record valid against {@link #image()}, which then moves past it. */
    MetadataRecord next() {
        while (true) {
            MetadataRecord record = tryNext(random.nextInt(10));
            if (record != null) {
                MetadataDelta delta = new MetadataDelta(image);
                delta.replay(record);
                image = delta.apply(image.offset());
                return record;
            }
        }
    }

    List<MetadataRecord> next(int count) {
        List<MetadataRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(next());
        }
        return records;
    }

    private MetadataRecord tryNext(int kind) {
        return switch (kind) {
            case 0 -> registerBroker();
            case 1 -> fenceOrUnfence(true);
            case 2 -> fenceOrUnfence(false);
            case 3 -> topic();
            case 4, 5 -> partition();
            case 6 -> partitionChange();
            case 7 -> random.nextInt(4) == 0 ? removeTopic() : config();
            case 8 -> switch (random.nextInt(3)) {
                case 0 -> aclChange();
                case 1 -> scramChange();
                default -> quotaChange();
            };
            default -> random.nextInt(3) == 0 ? producerIds() : partitionChange();
        };
    }

    private MetadataRecord registerBroker() {
        int id = random.nextInt(BROKERS);
        BrokerRegistration previous = image.cluster().broker(id);
        long epoch = previous == null ? 1 + random.nextInt(3) : previous.epoch() + 1 + random.nextInt(3);
        // Process identity is empty in records written before it existed; both kinds must replay and snapshot.
        boolean identified = random.nextBoolean();
        return MetadataRecords.registerBroker(id, epoch, "host" + id, 7092 + id, pick(RACKS),
                identified ? "incarnation-" + random.nextInt(1000) : "", identified ? "directory-" + id : "");
    }

    private MetadataRecord fenceOrUnfence(boolean fence) {
        List<BrokerRegistration> brokers = new ArrayList<>(image.cluster().brokers().values());
        if (brokers.isEmpty()) {
            return null;
        }
        BrokerRegistration broker = pick(brokers);
        return fence ? MetadataRecords.fenceBroker(broker.id(), broker.epoch())
                : MetadataRecords.unfenceBroker(broker.id(), broker.epoch());
    }

    private MetadataRecord topic() {
        String name = pick(NAMES);
        if (image.topics().topic(name) != null) {
            return null;
        }
        return MetadataRecords.topic(name, new UUID(random.nextLong(), random.nextLong()));
    }

    private TopicImage randomTopic() {
        List<TopicImage> topics = new ArrayList<>(image.topics().topicsById().values());
        topics.sort((a, b) -> a.name().compareTo(b.name()));
        return topics.isEmpty() ? null : pick(topics);
    }

    private MetadataRecord partition() {
        TopicImage topic = randomTopic();
        if (topic == null) {
            return null;
        }
        int index = topic.partitions().isEmpty() ? 0 : topic.partitions().lastKey() + 1;
        List<Integer> replicas = randomBrokers(1 + random.nextInt(3));
        List<Integer> isr = replicas.subList(0, 1 + random.nextInt(replicas.size()));
        int leader = random.nextInt(4) == 0 ? PartitionImage.NO_LEADER : pick(isr);
        return MetadataRecords.partition(topic.id(), index,
                new PartitionImage(replicas, isr, leader, random.nextInt(5), random.nextInt(5)));
    }

    private MetadataRecord partitionChange() {
        TopicImage topic = randomTopic();
        if (topic == null || topic.partitions().isEmpty()) {
            return null;
        }
        int index = pick(new ArrayList<>(topic.partitions().keySet()));
        PartitionImage partition = topic.partition(index);
        List<Integer> replicas = partition.replicas();
        boolean changeReplicas = random.nextInt(5) == 0;
        if (changeReplicas) {
            replicas = randomBrokers(1 + random.nextInt(3));
        }
        List<Integer> shuffled = new ArrayList<>(replicas);
        Collections.shuffle(shuffled, random);
        List<Integer> isr = shuffled.subList(0, 1 + random.nextInt(shuffled.size()));
        boolean changeIsr = changeReplicas || random.nextBoolean();
        if (!changeIsr) {
            isr = partition.isr();
        }
        boolean leaderStillValid = !partition.hasLeader() || isr.contains(partition.leaderId());
        Integer leader = !leaderStillValid || random.nextBoolean()
                ? (random.nextInt(4) == 0 ? PartitionImage.NO_LEADER : pick(isr)) : null;
        return MetadataRecords.partitionChange(topic.id(), index, leader, changeIsr ? isr : null,
                changeReplicas ? replicas : null);
    }

    private MetadataRecord config() {
        TopicImage topic = randomTopic();
        if (topic == null) {
            return null;
        }
        String key = pick(new ArrayList<>(new TreeSet<>(CONFIG_VALUES.keySet())));
        String value = random.nextInt(4) == 0 ? null : pick(CONFIG_VALUES.get(key));
        return MetadataRecords.config(topic.name(), key, value);
    }

    private MetadataRecord removeTopic() {
        TopicImage topic = randomTopic();
        return topic == null ? null : MetadataRecords.removeTopic(topic.id());
    }

    /** Adds a random ACL or removes an existing one; small alphabets so that adds and removes meet. */
    private MetadataRecord aclChange() {
        List<AclBinding> existing = new ArrayList<>(image.acls().acls().bindings());
        if (!existing.isEmpty() && random.nextInt(3) == 0) {
            return MetadataRecords.removeAcl(pick(existing));
        }
        ResourceType type = pick(List.of(ResourceType.values()));
        ResourcePattern pattern = type == ResourceType.CLUSTER ? ResourcePattern.cluster()
                : new ResourcePattern(type, pick(List.of("t0", "t", "*")), pick(List.of(PatternType.values())));
        AclBinding binding = new AclBinding(pattern, new AclEntry(pick(List.of("User:a", "User:b", "User:*")),
                pick(List.of("*", "10.0.0.1")), pick(List.of(AclOperation.values())),
                pick(List.of(AclPermission.values()))));
        return existing.contains(binding) ? null : MetadataRecords.acl(binding);
    }

    /** Sets a random credential (new or replacing) or removes an existing one; few users so that they meet. */
    private MetadataRecord scramChange() {
        String user = pick(List.of("alice", "bob", "c,d=e"));
        dev.sluice.security.scram.ScramMechanism mechanism =
                pick(List.of(dev.sluice.security.scram.ScramMechanism.values()));
        if (image.scram().credential(user, mechanism).isPresent() && random.nextInt(3) == 0) {
            return MetadataRecords.removeScramCredential(user, mechanism);
        }
        byte[] salt = new byte[1 + random.nextInt(32)];
        byte[] storedKey = new byte[32];
        byte[] serverKey = new byte[32];
        random.nextBytes(salt);
        random.nextBytes(storedKey);
        random.nextBytes(serverKey);
        return MetadataRecords.scramCredential(user, new dev.sluice.security.scram.ScramCredential(mechanism, salt,
                pick(List.of(4096, 8192)), storedKey, serverKey));
    }

    /** Sets a quota key (new or replacing) or removes a set one; few entities so that they meet. */
    private MetadataRecord quotaChange() {
        QuotaEntity entity = pick(List.of(QuotaEntity.user("alice"), QuotaEntity.user(QuotaEntity.DEFAULT),
                QuotaEntity.client("app"), new QuotaEntity("alice", QuotaEntity.DEFAULT)));
        QuotaKey key = pick(List.of(QuotaKey.values()));
        if (image.quotas().value(entity, key) != null && random.nextInt(3) == 0) {
            return MetadataRecords.clientQuota(entity, key.keyName(), null);
        }
        double value = key == QuotaKey.REQUEST_PERCENTAGE ? 0.5 + random.nextInt(400) : 1 + random.nextInt(1 << 20);
        return MetadataRecords.clientQuota(entity, key.keyName(), value);
    }

    private MetadataRecord producerIds() {
        long next = image.producerIds().nextProducerId() + 1 + random.nextInt(1000);
        return MetadataRecords.producerIds(random.nextInt(BROKERS), next);
    }

    private List<Integer> randomBrokers(int count) {
        List<Integer> ids = new ArrayList<>();
        for (int id = 0; id < BROKERS; id++) {
            ids.add(id);
        }
        Collections.shuffle(ids, random);
        return List.copyOf(ids.subList(0, count));
    }

    private <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }
}
