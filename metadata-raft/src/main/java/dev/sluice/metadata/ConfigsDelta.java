package dev.sluice.metadata;

import dev.sluice.proto.internal.v1.ConfigRecord;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Config changes on top of a {@link ConfigsImage}. Removing a topic clears its configs, so a topic deleted and
 * created again under the same name in one delta starts from no explicit config. Mutable; owned by the thread
 * replaying records.
 */
public final class ConfigsDelta {
    /** One topic's change: whether its old configs were cleared, then key to new value (null: removed). */
    private static final class TopicChange {
        boolean cleared;
        final Map<String, String> values = new LinkedHashMap<>();
    }

    private final ConfigsImage base;
    private final Map<String, TopicChange> changed = new LinkedHashMap<>();

    ConfigsDelta(ConfigsImage base) {
        this.base = base;
    }

    /** The names of the topics whose explicit configs this delta changed or cleared. */
    public Set<String> changedTopics() {
        return Collections.unmodifiableSet(changed.keySet());
    }

    /** The explicit configs of a topic as of the records replayed so far. */
    public Map<String, String> explicit(String topic) {
        TopicChange change = changed.get(topic);
        Map<String, String> configs = change == null || !change.cleared
                ? new HashMap<>(base.explicit(topic)) : new HashMap<>();
        if (change != null) {
            change.values.forEach((key, value) -> {
                if (value == null) {
                    configs.remove(key);
                } else {
                    configs.put(key, value);
                }
            });
        }
        return configs;
    }

    /** Applies a config record to a topic the caller checked is live. */
    void replay(ConfigRecord record) {
        if (!TopicConfigs.isKnown(record.getKey())) {
            throw new IllegalStateException("config record for unknown key '" + record.getKey() + "'");
        }
        TopicChange change = changed.computeIfAbsent(record.getTopic(), topic -> new TopicChange());
        change.values.put(record.getKey(), record.hasValue() ? record.getValue() : null);
    }

    void replayTopicRemoved(String topic) {
        TopicChange change = changed.computeIfAbsent(topic, name -> new TopicChange());
        change.cleared = true;
        change.values.clear();
    }

    ConfigsImage apply() {
        if (changed.isEmpty()) {
            return base;
        }
        SortedMap<String, SortedMap<String, String>> topics = new TreeMap<>(base.topicConfigs());
        for (String topic : changed.keySet()) {
            Map<String, String> configs = explicit(topic);
            if (configs.isEmpty()) {
                topics.remove(topic);
            } else {
                topics.put(topic, new TreeMap<>(configs));
            }
        }
        return new ConfigsImage(topics);
    }
}
