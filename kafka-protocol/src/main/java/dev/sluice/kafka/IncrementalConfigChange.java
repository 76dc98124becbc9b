package dev.sluice.kafka;

import dev.sluice.metadata.TopicConfigs;
import dev.sluice.proto.v1.ConfigAlteration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;

/**
 * Turns one topic's IncrementalAlterConfigs operations (SET, DELETE, APPEND, SUBTRACT) into Sluice's
 * {@link ConfigAlteration} (keys to set, keys to delete). APPEND and SUBTRACT work on list configs
 * ({@code cleanup.policy}) against the topic's current value, explicit or default, as Kafka does. Pure.
 */
final class IncrementalConfigChange {
    static final byte SET = 0;
    static final byte DELETE = 1;
    static final byte APPEND = 2;
    static final byte SUBTRACT = 3;

    private static final Set<String> LIST_CONFIGS = Set.of(TopicConfigs.CLEANUP_POLICY);

    /** The alteration, or the reason the resource's operations are invalid (then nothing of it is applied). */
    record Result(ConfigAlteration alteration, String invalidRequest, String invalidConfig) {
    }

    private IncrementalConfigChange() {
    }

    /**
     * @param current the topic's explicitly set configs (others have their defaults)
     */
    static Result of(String topic, List<AlterableConfig> operations, Map<String, String> current) {
        ConfigAlteration.Builder alteration = ConfigAlteration.newBuilder().setTopic(topic);
        Set<String> seen = new HashSet<>();
        for (AlterableConfig operation : operations) {
            String key = operation.name();
            if (!seen.add(key)) {
                return invalidRequest("config " + key + " appears more than once");
            }
            byte op = operation.configOperation();
            if (op == DELETE) {
                alteration.addDelete(key);
                continue;
            }
            if (op != SET && op != APPEND && op != SUBTRACT) {
                return invalidRequest("unknown config operation " + op + " for " + key);
            }
            if (operation.value() == null) {
                return invalidConfig("config " + key + " needs a value");
            }
            if (op == SET) {
                alteration.putSet(key, operation.value());
                continue;
            }
            if (!LIST_CONFIGS.contains(key)) {
                return invalidConfig((op == APPEND ? "APPEND" : "SUBTRACT") + " needs a list config; " + key
                        + " is not one");
            }
            String now = current.containsKey(key) ? current.get(key) : TopicConfigs.defaultValue(key);
            Set<String> items = new LinkedHashSet<>(split(now));
            if (op == APPEND) {
                items.addAll(split(operation.value()));
            } else {
                items.removeAll(split(operation.value()));
            }
            alteration.putSet(key, String.join(",", items));
        }
        return new Result(alteration.build(), null, null);
    }

    private static List<String> split(String list) {
        List<String> items = new ArrayList<>();
        for (String item : list == null ? new String[0] : list.split(",")) {
            if (!item.isBlank()) {
                items.add(item.trim());
            }
        }
        return items;
    }

    private static Result invalidRequest(String message) {
        return new Result(null, message, null);
    }

    private static Result invalidConfig(String message) {
        return new Result(null, null, message);
    }
}
