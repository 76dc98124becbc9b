package dev.sluice.metadata;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The known topic config keys (Kafka's names), their defaults and validation, and an instance holding one topic's
 * explicit configs with typed accessors for the effective values (explicit, else default).
 *
 * <p>Immutable; any thread. Units are in the key names: {@code .ms} milliseconds, {@code .bytes} bytes.
 * Invariant: an instance only holds known keys with valid values (checked on construction, since the values come
 * from the metadata log, which the controller validated before writing).
 */
public final class TopicConfigs {
    public static final String RETENTION_MS = "retention.ms";
    public static final String RETENTION_BYTES = "retention.bytes";
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";
    public static final String DELETE_RETENTION_MS = "delete.retention.ms";
    public static final String SEGMENT_BYTES = "segment.bytes";
    public static final String COMPRESSION_TYPE = "compression.type";
    /** Sluice's: {@code true} answers a write only once every in-sync replica has fsynced it. */
    public static final String DURABLE_ACKS = "durable.acks";
    public static final String FLUSH_MESSAGES = "flush.messages";
    public static final String FLUSH_MS = "flush.ms";

    public static final String CLEANUP_POLICY_DELETE = "delete";
    public static final String CLEANUP_POLICY_COMPACT = "compact";
    public static final Set<String> COMPRESSION_TYPES =
            Set.of("producer", "uncompressed", "gzip", "snappy", "lz4", "zstd");

    /** A key's default and its validator, which returns an error message or null. */
    private record Definition(String defaultValue, Function<String, String> validator) {
    }

    private static final Map<String, Definition> DEFINITIONS = definitions();

    public static final TopicConfigs DEFAULTS = new TopicConfigs(Map.of());

    private final Map<String, String> explicit;

    private TopicConfigs(Map<String, String> explicit) {
        this.explicit = explicit;
    }

    private static Map<String, Definition> definitions() {
        Map<String, Definition> definitions = new TreeMap<>();
        definitions.put(RETENTION_MS, new Definition("604800000", v -> longAtLeast(v, -1)));
        definitions.put(RETENTION_BYTES, new Definition("-1", v -> longAtLeast(v, -1)));
        definitions.put(MAX_MESSAGE_BYTES, new Definition("1048588", v -> intAtLeast(v, 0)));
        definitions.put(CLEANUP_POLICY, new Definition(CLEANUP_POLICY_DELETE, TopicConfigs::checkCleanupPolicy));
        definitions.put(MIN_INSYNC_REPLICAS, new Definition("1", v -> intAtLeast(v, 1)));
        definitions.put(UNCLEAN_LEADER_ELECTION_ENABLE, new Definition("false", TopicConfigs::checkBoolean));
        definitions.put(DELETE_RETENTION_MS, new Definition("86400000", v -> longAtLeast(v, 0)));
        // Kafka's floor: the overhead of the smallest legacy record.
        definitions.put(SEGMENT_BYTES, new Definition("1073741824", v -> intAtLeast(v, 14)));
        definitions.put(DURABLE_ACKS, new Definition("false", TopicConfigs::checkBoolean));
        // Kafka's defaults: never force an fsync.
        definitions.put(FLUSH_MESSAGES, new Definition(Long.toString(Long.MAX_VALUE), v -> longAtLeast(v, 1)));
        definitions.put(FLUSH_MS, new Definition(Long.toString(Long.MAX_VALUE), v -> longAtLeast(v, 0)));
        definitions.put(COMPRESSION_TYPE, new Definition("producer", v -> COMPRESSION_TYPES.contains(v.trim()) ? null
                : "must be one of " + new TreeSet<>(COMPRESSION_TYPES)));
        return Collections.unmodifiableMap(definitions);
    }

    /** The known keys, sorted. */
    public static Set<String> keys() {
        return DEFINITIONS.keySet();
    }

    public static boolean isKnown(String key) {
        return DEFINITIONS.containsKey(key);
    }

    public static String defaultValue(String key) {
        Definition definition = DEFINITIONS.get(key);
        if (definition == null) {
            throw new IllegalArgumentException("unknown topic config '" + key + "'");
        }
        return definition.defaultValue();
    }

    /** Returns why {@code key=value} is not a valid topic config, or empty when it is. */
    public static Optional<String> validate(String key, String value) {
        Definition definition = DEFINITIONS.get(key);
        if (definition == null) {
            return Optional.of("unknown topic config '" + key + "'; known keys are " + keys());
        }
        if (value == null) {
            return Optional.of("topic config '" + key + "' has no value");
        }
        String error = definition.validator().apply(value);
        return error == null ? Optional.empty()
                : Optional.of("invalid value '" + value + "' for topic config '" + key + "': " + error);
    }

    /** Validates every entry, in key order; returns the first problem found. */
    public static Optional<String> validate(Map<String, String> configs) {
        for (Map.Entry<String, String> entry : new TreeMap<>(configs).entrySet()) {
            Optional<String> error = validate(entry.getKey(), entry.getValue());
            if (error.isPresent()) {
                return error;
            }
        }
        return Optional.empty();
    }

    /** One topic's configs; every entry must be valid (an invalid one is a broken invariant). */
    public static TopicConfigs of(Map<String, String> explicit) {
        if (explicit.isEmpty()) {
            return DEFAULTS;
        }
        validate(explicit).ifPresent(error -> {
            throw new IllegalStateException(error);
        });
        return new TopicConfigs(Collections.unmodifiableMap(new TreeMap<>(explicit)));
    }

    /** The explicitly set configs, sorted by key. */
    public Map<String, String> explicit() {
        return explicit;
    }

    /** The effective value of a known key, as a string. */
    public String value(String key) {
        String value = explicit.get(key);
        return value != null ? value.trim() : defaultValue(key);
    }

    public long retentionMs() {
        return Long.parseLong(value(RETENTION_MS));
    }

    public long retentionBytes() {
        return Long.parseLong(value(RETENTION_BYTES));
    }

    public int maxMessageBytes() {
        return Integer.parseInt(value(MAX_MESSAGE_BYTES));
    }

    /** The cleanup policies in effect, a non-empty subset of {@code delete} and {@code compact}. */
    public Set<String> cleanupPolicy() {
        return parseCleanupPolicy(value(CLEANUP_POLICY));
    }

    public boolean deleteEnabled() {
        return cleanupPolicy().contains(CLEANUP_POLICY_DELETE);
    }

    public boolean compactEnabled() {
        return cleanupPolicy().contains(CLEANUP_POLICY_COMPACT);
    }

    public int minInsyncReplicas() {
        return Integer.parseInt(value(MIN_INSYNC_REPLICAS));
    }

    public boolean uncleanLeaderElectionEnable() {
        return Boolean.parseBoolean(value(UNCLEAN_LEADER_ELECTION_ENABLE).toLowerCase(Locale.ROOT));
    }

    public long deleteRetentionMs() {
        return Long.parseLong(value(DELETE_RETENTION_MS));
    }

    public int segmentBytes() {
        return Integer.parseInt(value(SEGMENT_BYTES));
    }

    public String compressionType() {
        return value(COMPRESSION_TYPE);
    }

    public boolean durableAcks() {
        return Boolean.parseBoolean(value(DURABLE_ACKS).toLowerCase(Locale.ROOT));
    }

    public long flushMessages() {
        return Long.parseLong(value(FLUSH_MESSAGES));
    }

    public long flushMs() {
        return Long.parseLong(value(FLUSH_MS));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TopicConfigs that && explicit.equals(that.explicit);
    }

    @Override
    public int hashCode() {
        return explicit.hashCode();
    }

    @Override
    public String toString() {
        return "TopicConfigs" + explicit;
    }

    private static String longAtLeast(String value, long minimum) {
        try {
            long parsed = Long.parseLong(value.trim());
            return parsed >= minimum ? null : "must be at least " + minimum;
        } catch (NumberFormatException e) {
            return "not a 64-bit integer";
        }
    }

    private static String intAtLeast(String value, int minimum) {
        try {
            int parsed = Integer.parseInt(value.trim());
            return parsed >= minimum ? null : "must be at least " + minimum;
        } catch (NumberFormatException e) {
            return "not a 32-bit integer";
        }
    }

    private static String checkBoolean(String value) {
        String lower = value.trim().toLowerCase(Locale.ROOT);
        return lower.equals("true") || lower.equals("false") ? null : "must be true or false";
    }

    private static String checkCleanupPolicy(String value) {
        String[] parts = value.split(",", -1);
        Set<String> seen = new LinkedHashSet<>();
        for (String part : parts) {
            String policy = part.trim();
            if (!policy.equals(CLEANUP_POLICY_DELETE) && !policy.equals(CLEANUP_POLICY_COMPACT)) {
                return "must be delete, compact or delete,compact";
            }
            if (!seen.add(policy)) {
                return "lists '" + policy + "' twice";
            }
        }
        return null;
    }

    private static Set<String> parseCleanupPolicy(String value) {
        Set<String> policies = new LinkedHashSet<>();
        for (String part : value.split(",")) {
            policies.add(part.trim());
        }
        return Collections.unmodifiableSet(policies);
    }
}
