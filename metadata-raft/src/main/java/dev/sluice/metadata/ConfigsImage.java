package dev.sluice.metadata;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Explicitly set topic configs: topic name to (key to value), both sorted. A topic with no explicit config has no
 * entry. Immutable; any thread.
 */
public record ConfigsImage(SortedMap<String, SortedMap<String, String>> topicConfigs) {
    public static final ConfigsImage EMPTY = new ConfigsImage(new TreeMap<>());

    public ConfigsImage {
        SortedMap<String, SortedMap<String, String>> copy = new TreeMap<>();
        topicConfigs.forEach((topic, configs) -> {
            if (configs.isEmpty()) {
                throw new IllegalStateException("empty config map filed for topic " + topic);
            }
            copy.put(topic, Collections.unmodifiableSortedMap(new TreeMap<>(configs)));
        });
        topicConfigs = Collections.unmodifiableSortedMap(copy);
    }

    /** The explicit configs of a topic, possibly empty. */
    public Map<String, String> explicit(String topic) {
        Map<String, String> configs = topicConfigs.get(topic);
        return configs == null ? Map.of() : configs;
    }

    /** The configs in effect for a topic: explicit values, else defaults. */
    public TopicConfigs effective(String topic) {
        return TopicConfigs.of(explicit(topic));
    }

    public void write(ImageWriter writer) {
        topicConfigs.forEach((topic, configs) ->
                configs.forEach((key, value) -> writer.write(MetadataRecords.config(topic, key, value))));
    }
}
