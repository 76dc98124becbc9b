package dev.sluice.broker.server;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sluice.metadata.TopicConfigs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Fuzzes topic config validation ({@link TopicConfigs#validate}, what the controller checks on CreateTopics and
 * AlterConfigs) against every use of the configs on a broker.
 *
 * <p>Oracles: validation answers with a message or accepts, and never throws; a map it accepts is one every broker can
 * apply: {@link TopicConfigs#of} and every typed accessor work, and so do the log settings
 * ({@link MetadataPartitionResolver#logConfig}) and the fsync rules ({@link MetadataPartitionResolver#flushPolicy})
 * built from it. A config the controller accepts but a broker cannot apply would stop every broker that loads it.
 */
class TopicConfigsFuzzTest {
    private static final String[] KEYS = TopicConfigs.keys().toArray(String[]::new);
    /** Values near every validator's edges; the fuzzer also makes up its own. */
    private static final String[] VALUES = {"0", "-1", "-2", "1", "14", "13", " 7 ", "2147483647", "2147483648",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "true", "FALSE", " true", "yes",
        "delete", "compact", "delete,compact", "compact, delete", "delete,,compact", ",", "delete,delete", "producer",
        "zstd", " lz4 ", "none", "uncompressed", "", " ", "1e3", "0x10", "+5", "٣"};

    @FuzzTest(maxDuration = "10m")
    void topicConfigs(FuzzedDataProvider data) {
        Map<String, String> configs = new HashMap<>();
        for (int i = data.consumeInt(0, 4); i > 0; i--) {
            String key = data.consumeInt(0, 15) == 0 ? data.consumeString(24) : data.pickValue(KEYS);
            String value = data.consumeBoolean() ? data.pickValue(VALUES) : data.consumeString(24);
            configs.put(key, value);
        }
        Optional<String> error = TopicConfigs.validate(configs);
        if (error.isPresent()) {
            if (error.get().isBlank()) {
                throw new AssertionError("refusal without a message for " + configs);
            }
            return;
        }
        applyOnABroker(configs);
    }

    private static void applyOnABroker(Map<String, String> configs) {
        TopicConfigs topic = TopicConfigs.of(configs);
        List<Object> values = new ArrayList<>();
        values.add(topic.retentionMs());
        values.add(topic.retentionBytes());
        values.add(topic.maxMessageBytes());
        values.add(topic.cleanupPolicy());
        values.add(topic.minInsyncReplicas());
        values.add(topic.uncleanLeaderElectionEnable());
        values.add(topic.deleteRetentionMs());
        values.add(topic.segmentBytes());
        values.add(topic.compressionType());
        values.add(topic.durableAcks());
        values.add(topic.flushMessages());
        values.add(topic.flushMs());
        values.add(MetadataPartitionResolver.logConfig(topic));
        values.add(MetadataPartitionResolver.flushPolicy(topic));
        if (!TopicConfigs.COMPRESSION_TYPES.contains(topic.compressionType())) {
            throw new AssertionError("accepted compression.type '" + topic.compressionType() + "' is not one of "
                    + TopicConfigs.COMPRESSION_TYPES + " (" + values + ")");
        }
    }
}
