package dev.sluice.client.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads typed values out of a Kafka-style configuration map, where a value may be a string, a number
 * or a boolean. A bad value throws an {@link IllegalArgumentException} naming the key, the value and
 * what was expected; an unknown key is logged at WARN (as Kafka does) so typos are visible.
 * Used once, on the constructing thread.
 */
public final class ConfigReader {
    /** The broker port assumed when a bootstrap address has none. */
    public static final int DEFAULT_PORT = 7092;
    private static final Logger LOG = LoggerFactory.getLogger(ConfigReader.class);
    /** Keys Kafka users commonly pass that the Sluice client takes through its constructors instead. */
    private static final Set<String> TOLERATED = Set.of("key.serializer", "value.serializer",
            "key.deserializer", "value.deserializer");

    private final Map<String, Object> values;

    public ConfigReader(Map<String, ?> values, Collection<String> knownKeys) {
        if (values == null) {
            throw new IllegalArgumentException("configuration must not be null");
        }
        this.values = new TreeMap<>(values);
        for (String key : this.values.keySet()) {
            if (!knownKeys.contains(key) && !TOLERATED.contains(key)) {
                LOG.warn("ignoring unknown configuration key '{}'", key);
            }
        }
    }

    /** Copies a {@link Properties} into a map of its string entries. */
    public static Map<String, Object> toMap(Properties properties) {
        Map<String, Object> map = new TreeMap<>();
        for (String name : properties.stringPropertyNames()) {
            map.put(name, properties.getProperty(name));
        }
        return map;
    }

    public boolean contains(String key) {
        return values.get(key) != null;
    }

    /** Parses {@code host:port,host:port} (a list of strings is accepted too); required. */
    public List<String> addresses(String key) {
        Object raw = values.get(key);
        if (raw == null) {
            throw new IllegalArgumentException(key + " is required (host:port,host:port)");
        }
        List<String> parts = new ArrayList<>();
        if (raw instanceof Collection<?> collection) {
            collection.forEach(item -> parts.add(String.valueOf(item)));
        } else {
            parts.addAll(List.of(String.valueOf(raw).split(",")));
        }
        List<String> addresses = new ArrayList<>();
        for (String part : parts) {
            String trimmed = part.trim();
            if (!trimmed.isEmpty()) {
                addresses.add(normalizeAddress(key, trimmed));
            }
        }
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException(key + " must name at least one host:port, got '" + raw + "'");
        }
        return List.copyOf(addresses);
    }

    /** Validates one {@code host[:port]} and returns it as {@code host:port}. */
    public static String normalizeAddress(String key, String address) {
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            return address + ":" + DEFAULT_PORT;
        }
        String host = address.substring(0, colon);
        String port = address.substring(colon + 1);
        int portNumber;
        try {
            portNumber = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            portNumber = -1;
        }
        if (host.isEmpty() || portNumber < 1 || portNumber > 65535) {
            throw new IllegalArgumentException(key + ": '" + address + "' is not a valid host:port");
        }
        return address;
    }

    public String string(String key, String defaultValue) {
        Object raw = values.get(key);
        return raw == null ? defaultValue : String.valueOf(raw).trim();
    }

    public long longValue(String key, long defaultValue, long min, long max) {
        Object raw = values.get(key);
        if (raw == null) {
            return defaultValue;
        }
        long value;
        if (raw instanceof Number number && !(raw instanceof Double || raw instanceof Float)) {
            value = number.longValue();
        } else {
            try {
                value = Long.parseLong(String.valueOf(raw).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be an integer, got '" + raw + "'");
            }
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    public int intValue(String key, int defaultValue, int min, int max) {
        return (int) longValue(key, defaultValue, min, max);
    }

    public boolean booleanValue(String key, boolean defaultValue) {
        Object raw = values.get(key);
        if (raw == null) {
            return defaultValue;
        }
        if (raw instanceof Boolean bool) {
            return bool;
        }
        String text = String.valueOf(raw).trim().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, got '" + raw + "'");
        };
    }

    /** A value that must be one of {@code allowed} (compared case-insensitively, returned lower-case). */
    public String choice(String key, String defaultValue, Set<String> allowed) {
        String value = string(key, defaultValue).toLowerCase(Locale.ROOT);
        if (!allowed.contains(value)) {
            throw new IllegalArgumentException(key + " must be one of " + new TreeMap<>(toKeys(allowed)).keySet()
                    + ", got '" + values.get(key) + "'");
        }
        return value;
    }

    private static Map<String, Boolean> toKeys(Set<String> allowed) {
        Map<String, Boolean> map = new TreeMap<>();
        allowed.forEach(a -> map.put(a, true));
        return map;
    }
}
