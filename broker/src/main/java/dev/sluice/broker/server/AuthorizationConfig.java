package dev.sluice.broker.server;

import dev.sluice.security.Principals;
import dev.sluice.security.acl.Authorizer;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The authorization settings of a node, parsed from {@code authorizer.enabled}, {@code super.users} and
 * {@code allow.everyone.if.no.acl.found} (Kafka's names and meanings). Immutable.
 *
 * @param enabled                   whether the broker checks ACLs on every request (off: everyone may do everything)
 * @param superUsers                principals ({@code User:name}) that may do everything whatever the ACLs say
 * @param allowEveryoneIfNoAclFound whether a resource no ACL covers is open to everyone (closed by default)
 */
public record AuthorizationConfig(boolean enabled, Set<String> superUsers, boolean allowEveryoneIfNoAclFound) {
    public static final String ENABLED = "authorizer.enabled";
    public static final String SUPER_USERS = "super.users";
    public static final String ALLOW_EVERYONE_IF_NO_ACL_FOUND = "allow.everyone.if.no.acl.found";
    public static final AuthorizationConfig DISABLED = new AuthorizationConfig(false, Set.of(), false);

    public AuthorizationConfig {
        superUsers = Set.copyOf(superUsers);
    }

    /** The keys and their defaults, in the order docs/configuration.md lists them. */
    static Map<String, String> defaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put(ENABLED, "false");
        defaults.put(SUPER_USERS, "");
        defaults.put(ALLOW_EVERYONE_IF_NO_ACL_FOUND, "false");
        return defaults;
    }

    /** Parses the keys out of {@code values} (every key present, defaults filled in). */
    static AuthorizationConfig parse(Map<String, String> values) {
        return new AuthorizationConfig(bool(values, ENABLED), superUsers(values.get(SUPER_USERS)),
                bool(values, ALLOW_EVERYONE_IF_NO_ACL_FOUND));
    }

    /** The decision rules these settings describe; null when authorization is off. */
    public Authorizer authorizer() {
        return enabled ? new Authorizer(superUsers, allowEveryoneIfNoAclFound) : null;
    }

    /** {@code User:admin;User:CN=ops,O=Example}: semicolons separate, since a subject may contain commas. */
    static Set<String> superUsers(String text) {
        Set<String> users = new LinkedHashSet<>();
        for (String part : text.split(";")) {
            String user = part.trim();
            if (user.isEmpty()) {
                continue;
            }
            if (!user.startsWith(Principals.USER_TYPE) || user.length() == Principals.USER_TYPE.length()) {
                throw new IllegalArgumentException("bad " + SUPER_USERS + " entry '" + user + "': expected "
                        + Principals.USER_TYPE + "<principal>, entries separated by ';' (e.g. User:admin;User:node-1)");
            }
            users.add(user);
        }
        return users;
    }

    private static boolean bool(Map<String, String> values, String key) {
        String text = values.get(key).toLowerCase(Locale.ROOT);
        if (!text.equals("true") && !text.equals("false")) {
            throw new IllegalArgumentException(key + " must be true or false, got '" + values.get(key) + "'");
        }
        return Boolean.parseBoolean(text);
    }
}
