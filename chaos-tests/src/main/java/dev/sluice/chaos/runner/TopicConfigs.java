package dev.sluice.chaos.runner;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses {@code --topic-config key=value,key=value} (pure). Keys and values are trimmed; a missing {@code =}, an
 * empty key or value, or a key given twice is refused with a message naming the entry. An empty text is no config.
 * Whether the product accepts a key is for the product to say when the topic is created.
 */
public final class TopicConfigs {
    private TopicConfigs() {
    }

    public static Map<String, String> parse(String text) {
        Map<String, String> config = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return config;
        }
        for (String entry : text.split(",")) {
            int equals = entry.indexOf('=');
            if (equals < 0) {
                throw new IllegalArgumentException("topic config entry '" + entry.trim() + "' is not key=value");
            }
            String key = entry.substring(0, equals).trim();
            String value = entry.substring(equals + 1).trim();
            if (key.isEmpty() || value.isEmpty()) {
                throw new IllegalArgumentException("topic config entry '" + entry.trim()
                        + "' needs a non-empty key and value");
            }
            if (config.put(key, value) != null) {
                throw new IllegalArgumentException("topic config key '" + key + "' is given twice");
            }
        }
        return config;
    }
}
