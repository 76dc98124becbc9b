package dev.sluice.metadata;

import java.util.Optional;

/**
 * Kafka's topic name rules: 1 to 249 characters of {@code [a-zA-Z0-9._-]}, neither {@code "."} nor {@code ".."}.
 * Names starting with {@code "__"} are internal: only the system (the controller's
 * {@code createInternalTopic}) may create them. Stateless; any thread.
 */
public final class TopicNames {
    public static final int MAX_LENGTH = 249;
    public static final String INTERNAL_PREFIX = "__";

    private TopicNames() {
    }

    /** Returns why {@code name} is not a legal topic name, or empty when it is legal (internal or not). */
    public static Optional<String> validate(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("topic name is empty");
        }
        if (name.equals(".") || name.equals("..")) {
            return Optional.of("topic name cannot be \".\" or \"..\"");
        }
        if (name.length() > MAX_LENGTH) {
            return Optional.of("topic name is " + name.length() + " characters, the limit is " + MAX_LENGTH);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isLegalChar(c)) {
                return Optional.of("topic name '" + name + "' has the illegal character '" + c
                        + "'; only ASCII letters, digits, '.', '_' and '-' are allowed");
            }
        }
        return Optional.empty();
    }

    /** Like {@link #validate} but also refuses internal names: the rule for topics users create. */
    public static Optional<String> validateUserTopic(String name) {
        Optional<String> error = validate(name);
        if (error.isPresent()) {
            return error;
        }
        if (isInternal(name)) {
            return Optional.of("topic names starting with '" + INTERNAL_PREFIX + "' are reserved for internal topics");
        }
        return Optional.empty();
    }

    public static boolean isInternal(String name) {
        return name.startsWith(INTERNAL_PREFIX);
    }

    private static boolean isLegalChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == '-';
    }
}
