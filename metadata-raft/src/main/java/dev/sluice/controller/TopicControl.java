package dev.sluice.controller;

import dev.sluice.metadata.BrokerRegistration;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.MetadataRecords;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.metadata.TopicConfigs;
import dev.sluice.metadata.TopicImage;
import dev.sluice.metadata.TopicNames;
import dev.sluice.proto.internal.v1.MetadataRecord;
import dev.sluice.proto.v1.AlterConfigsRequest;
import dev.sluice.proto.v1.AlterConfigsResponse;
import dev.sluice.proto.v1.ConfigAlteration;
import dev.sluice.proto.v1.CreateTopicsRequest;
import dev.sluice.proto.v1.CreateTopicsResponse;
import dev.sluice.proto.v1.DeleteTopicsRequest;
import dev.sluice.proto.v1.DeleteTopicsResponse;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.NewTopic;
import dev.sluice.proto.v1.TopicResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * Topic decisions: create (with replica placement), delete, alter configs. Pure apart from the injected random
 * (topic ids, placement start); each call takes the image and returns records plus a response. Controller thread.
 *
 * <p>Each topic of a request is judged on its own: one failing does not affect the others. A name given twice in
 * one request fails every time it appears with {@code INVALID_REQUEST}.
 */
final class TopicControl {
    private final ControllerConfig config;
    private final RandomGenerator random;

    TopicControl(ControllerConfig config, RandomGenerator random) {
        this.config = config;
        this.random = random;
    }

    ControllerResult<CreateTopicsResponse> createTopics(MetadataImage image, CreateTopicsRequest request) {
        Set<String> duplicates = duplicates(request.getTopicsList().stream().map(NewTopic::getName).toList());
        List<MetadataRecord> records = new ArrayList<>();
        Set<UUID> newIds = new HashSet<>();
        CreateTopicsResponse.Builder response = CreateTopicsResponse.newBuilder();
        for (NewTopic topic : request.getTopicsList()) {
            TopicResult result;
            if (duplicates.contains(topic.getName())) {
                result = error(topic.getName(), ErrorCode.INVALID_REQUEST,
                        "topic '" + topic.getName() + "' appears more than once in the request");
            } else {
                result = createTopic(image, topic, false, request.getValidateOnly(), records, newIds);
            }
            response.addResults(result);
        }
        return new ControllerResult<>(records, response.build());
    }

    ControllerResult<TopicResult> createInternalTopic(MetadataImage image, String name, int partitions,
            int replicationFactor, Map<String, String> configs) {
        if (!TopicNames.isInternal(name)) {
            // A broker's request over the network: refused, never thrown (a throw here would halt the controller).
            return new ControllerResult<>(List.of(), error(name, ErrorCode.INVALID_TOPIC, "internal topic names start "
                    + "with " + TopicNames.INTERNAL_PREFIX + ", got '" + name + "'"));
        }
        NewTopic topic = NewTopic.newBuilder().setName(name).setPartitions(partitions)
                .setReplicationFactor(replicationFactor).putAllConfigs(configs).build();
        List<MetadataRecord> records = new ArrayList<>();
        TopicResult result = createTopic(image, topic, true, false, records, new HashSet<>());
        return new ControllerResult<>(records, result);
    }

    private TopicResult createTopic(MetadataImage image, NewTopic topic, boolean internalAllowed,
            boolean validateOnly, List<MetadataRecord> records, Set<UUID> newIds) {
        String name = topic.getName();
        Optional<String> nameError = internalAllowed ? TopicNames.validate(name)
                : TopicNames.validateUserTopic(name);
        if (nameError.isPresent()) {
            return error(name, ErrorCode.INVALID_TOPIC, nameError.get());
        }
        if (image.topics().topic(name) != null) {
            return error(name, ErrorCode.TOPIC_ALREADY_EXISTS, "topic '" + name + "' already exists");
        }
        int partitions = topic.hasPartitions() ? topic.getPartitions() : config.defaultPartitions();
        if (partitions < 1 || partitions > config.maxPartitionsPerTopic()) {
            return error(name, ErrorCode.INVALID_PARTITIONS, "partitions must be 1.." + config.maxPartitionsPerTopic()
                    + " (leave it unset for the default " + config.defaultPartitions() + "), got " + partitions);
        }
        int replicationFactor = topic.hasReplicationFactor() ? topic.getReplicationFactor()
                : config.defaultReplicationFactor();
        if (replicationFactor < 1) {
            return error(name, ErrorCode.INVALID_REPLICATION_FACTOR, "replication factor must be at least 1 (leave "
                    + "it unset for the default " + config.defaultReplicationFactor() + "), got " + replicationFactor);
        }
        List<BrokerRegistration> brokers = image.cluster().unfencedBrokers();
        if (replicationFactor > brokers.size()) {
            return error(name, ErrorCode.INVALID_REPLICATION_FACTOR, "replication factor " + replicationFactor
                    + " needs that many unfenced brokers; there are " + brokers.size());
        }
        Optional<String> configError = TopicConfigs.validate(topic.getConfigsMap());
        if (configError.isPresent()) {
            return error(name, ErrorCode.INVALID_CONFIG, configError.get());
        }
        if (!validateOnly) {
            UUID id = newTopicId(image, newIds);
            records.add(MetadataRecords.topic(name, id));
            // The cluster's defaults for topic configs (e.g. log.durable.acks) are written into the topic, so every
            // broker applies the same value whatever its own settings.
            Map<String, String> configs = new TreeMap<>(config.topicConfigDefaults());
            configs.putAll(topic.getConfigsMap());
            configs.forEach((key, value) -> records.add(MetadataRecords.config(name, key, value)));
            List<List<Integer>> placement = ReplicaPlacer.place(brokers, partitions, replicationFactor, random);
            for (int index = 0; index < partitions; index++) {
                List<Integer> replicas = placement.get(index);
                records.add(MetadataRecords.partition(id, index,
                        new PartitionImage(replicas, replicas, replicas.get(0), 0, 0)));
            }
        }
        return TopicResult.newBuilder().setName(name).setError(ErrorCode.NONE).build();
    }

    /** A random version-4 UUID that no topic has and this request did not hand out yet. */
    private UUID newTopicId(MetadataImage image, Set<UUID> newIds) {
        while (true) {
            long most = (random.nextLong() & ~0xF000L) | 0x4000L;
            long least = (random.nextLong() & ~(0xC000_0000_0000_0000L)) | 0x8000_0000_0000_0000L;
            UUID id = new UUID(most, least);
            if (image.topics().topic(id) == null && newIds.add(id)) {
                return id;
            }
        }
    }

    ControllerResult<DeleteTopicsResponse> deleteTopics(MetadataImage image, DeleteTopicsRequest request) {
        Set<String> duplicates = duplicates(request.getNamesList());
        List<MetadataRecord> records = new ArrayList<>();
        DeleteTopicsResponse.Builder response = DeleteTopicsResponse.newBuilder();
        for (String name : request.getNamesList()) {
            TopicImage topic = image.topics().topic(name);
            if (duplicates.contains(name)) {
                response.addResults(error(name, ErrorCode.INVALID_REQUEST,
                        "topic '" + name + "' appears more than once in the request"));
            } else if (topic == null) {
                response.addResults(error(name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                        "topic '" + name + "' does not exist"));
            } else if (topic.isInternal()) {
                response.addResults(error(name, ErrorCode.INVALID_TOPIC,
                        "internal topic '" + name + "' cannot be deleted"));
            } else {
                records.add(MetadataRecords.removeTopic(topic.id()));
                response.addResults(TopicResult.newBuilder().setName(name).setError(ErrorCode.NONE));
            }
        }
        return new ControllerResult<>(records, response.build());
    }

    ControllerResult<AlterConfigsResponse> alterConfigs(MetadataImage image, AlterConfigsRequest request) {
        Set<String> duplicates = duplicates(request.getAlterationsList().stream()
                .map(ConfigAlteration::getTopic).toList());
        List<MetadataRecord> records = new ArrayList<>();
        AlterConfigsResponse.Builder response = AlterConfigsResponse.newBuilder();
        for (ConfigAlteration alteration : request.getAlterationsList()) {
            String name = alteration.getTopic();
            Optional<TopicResult> refusal = duplicates.contains(name)
                    ? Optional.of(error(name, ErrorCode.INVALID_REQUEST,
                            "topic '" + name + "' appears more than once in the request"))
                    : validateAlteration(image, alteration);
            if (refusal.isPresent()) {
                response.addResults(refusal.get());
                continue;
            }
            if (!request.getValidateOnly()) {
                records.addAll(alterationRecords(image.configs().explicit(name), alteration));
            }
            response.addResults(TopicResult.newBuilder().setName(name).setError(ErrorCode.NONE));
        }
        return new ControllerResult<>(records, response.build());
    }

    private static Optional<TopicResult> validateAlteration(MetadataImage image, ConfigAlteration alteration) {
        String name = alteration.getTopic();
        if (image.topics().topic(name) == null) {
            return Optional.of(error(name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "topic '" + name
                    + "' does not exist"));
        }
        for (String key : alteration.getDeleteList()) {
            if (alteration.containsSet(key)) {
                return Optional.of(error(name, ErrorCode.INVALID_REQUEST, "config '" + key
                        + "' is both set and deleted"));
            }
            if (!TopicConfigs.isKnown(key)) {
                return Optional.of(error(name, ErrorCode.INVALID_CONFIG, "unknown topic config '" + key
                        + "'; known keys are " + TopicConfigs.keys()));
            }
        }
        return TopicConfigs.validate(alteration.getSetMap())
                .map(message -> error(name, ErrorCode.INVALID_CONFIG, message));
    }

    /** Records for the alteration, skipping sets to the current value and deletes of keys not set. */
    private static List<MetadataRecord> alterationRecords(Map<String, String> current, ConfigAlteration alteration) {
        String name = alteration.getTopic();
        List<MetadataRecord> records = new ArrayList<>();
        new TreeMap<>(alteration.getSetMap()).forEach((key, value) -> {
            if (!value.equals(current.get(key))) {
                records.add(MetadataRecords.config(name, key, value));
            }
        });
        alteration.getDeleteList().stream().distinct().sorted().forEach(key -> {
            if (current.containsKey(key)) {
                records.add(MetadataRecords.config(name, key, null));
            }
        });
        return records;
    }

    private static Set<String> duplicates(List<String> names) {
        Map<String, Integer> counts = new HashMap<>();
        names.forEach(name -> counts.merge(name, 1, Integer::sum));
        Set<String> duplicates = new HashSet<>();
        counts.forEach((name, count) -> {
            if (count > 1) {
                duplicates.add(name);
            }
        });
        return duplicates;
    }

    static TopicResult error(String name, ErrorCode code, String message) {
        return TopicResult.newBuilder().setName(name).setError(code).setErrorMessage(message).build();
    }
}
