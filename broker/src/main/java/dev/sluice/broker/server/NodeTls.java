package dev.sluice.broker.server;

import dev.sluice.security.ClientAuth;
import dev.sluice.security.PrincipalMappingRules;
import dev.sluice.security.TlsSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The TLS settings of the node's listeners, parsed from the {@code listener.<name>.tls.*} keys: {@code client}
 * (the broker port: clients and replica fetch), {@code controller} (the controller port: Raft and
 * broker-to-controller requests) and {@code kafka} (the Kafka protocol listener). For the two gRPC ports the node uses
 * the same files for its own connections to that port on the other nodes: its certificate as the client certificate,
 * the CA bundle to verify theirs; so there the CA bundle is required. No node connects to another's Kafka port, so
 * that listener needs a CA bundle only to verify client certificates. Immutable.
 *
 * @param client the broker port's settings ({@link TlsSettings#PLAINTEXT} when its keys are not set)
 * @param controller the controller port's settings
 * @param kafka the Kafka listener's settings
 * @param principalRules maps a client certificate's subject to the principal (both listeners)
 */
public record NodeTls(TlsSettings client, TlsSettings controller, TlsSettings kafka,
                      PrincipalMappingRules principalRules) {
    public static final String CLIENT = "client";
    public static final String CONTROLLER = "controller";
    public static final String KAFKA = "kafka";
    /** How often the PEM files of both listeners are looked at again (on use) for a rotated certificate. */
    public static final String RELOAD_CHECK_INTERVAL_MS = "tls.reload.check.interval.ms";
    /** Kafka's {@code ssl.principal.mapping.rules}. */
    public static final String PRINCIPAL_MAPPING_RULES = "principal.mapping.rules";
    public static final NodeTls PLAINTEXT = new NodeTls(TlsSettings.PLAINTEXT, TlsSettings.PLAINTEXT,
            TlsSettings.PLAINTEXT, PrincipalMappingRules.DEFAULT);
    private static final List<String> SUFFIXES = List.of("cert", "key", "ca", "client.auth", "protocols");

    /** {@code listener.<listener>.tls.<suffix>}. */
    public static String key(String listener, String suffix) {
        return "listener." + listener + ".tls." + suffix;
    }

    /** The keys and their defaults, in the order docs/configuration.md lists them. */
    static Map<String, String> defaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        for (String listener : List.of(CLIENT, CONTROLLER, KAFKA)) {
            for (String suffix : SUFFIXES) {
                defaults.put(key(listener, suffix), switch (suffix) {
                    case "client.auth" -> "none";
                    case "protocols" -> String.join(",", TlsSettings.DEFAULT_PROTOCOLS);
                    default -> "";
                });
            }
        }
        defaults.put(RELOAD_CHECK_INTERVAL_MS, Long.toString(TlsSettings.DEFAULT_RELOAD_CHECK_INTERVAL_MS));
        defaults.put(PRINCIPAL_MAPPING_RULES, "DEFAULT");
        return defaults;
    }

    /** Parses the keys out of {@code values} (every key present, defaults filled in). */
    static NodeTls parse(Map<String, String> values) {
        long reloadMs = parseReloadMs(values.get(RELOAD_CHECK_INTERVAL_MS));
        return new NodeTls(listener(values, CLIENT, reloadMs, true), listener(values, CONTROLLER, reloadMs, true),
                listener(values, KAFKA, reloadMs, false),
                PrincipalMappingRules.parse(values.get(PRINCIPAL_MAPPING_RULES)));
    }

    private static TlsSettings listener(Map<String, String> values, String listener, long reloadMs,
                                        boolean caRequired) {
        Path cert = path(values, key(listener, "cert"));
        Path key = path(values, key(listener, "key"));
        Path ca = path(values, key(listener, "ca"));
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException(key(listener, "cert") + " and " + key(listener, "key")
                    + " go together: set both (the listener's PEM certificate chain and its private key) or neither");
        }
        String clientAuthKey = key(listener, "client.auth");
        ClientAuth clientAuth = ClientAuth.parse(clientAuthKey, values.get(clientAuthKey));
        if (cert == null && ca == null) {
            if (clientAuth != ClientAuth.NONE) {
                throw new IllegalArgumentException(key(listener, "client.auth") + " needs TLS on the listener: set "
                        + key(listener, "cert") + ", " + key(listener, "key") + " and " + key(listener, "ca"));
            }
            return TlsSettings.PLAINTEXT;
        }
        if (cert == null || (ca == null && (caRequired || clientAuth != ClientAuth.NONE))) {
            throw new IllegalArgumentException("TLS on the " + listener + " listener needs "
                    + (cert == null ? key(listener, "cert") + " and " + key(listener, "key")
                    : key(listener, "ca") + (caRequired
                    ? " (the CA bundle: the nodes verify each other's certificates with it)"
                    : " (the CA bundle that signs client certificates, for " + key(listener, "client.auth") + ")")));
        }
        return new TlsSettings(true, cert, key, ca, clientAuth, protocols(values, key(listener, "protocols")),
                reloadMs);
    }

    private static List<String> protocols(Map<String, String> values, String key) {
        List<String> protocols = new ArrayList<>();
        for (String part : values.get(key).split(",")) {
            String name = part.trim();
            switch (name.toLowerCase(Locale.ROOT)) {
                case "tlsv1.3" -> protocols.add("TLSv1.3");
                case "tlsv1.2" -> protocols.add("TLSv1.2");
                case "" -> { }
                default -> throw new IllegalArgumentException(key + " must list TLSv1.3 and/or TLSv1.2, got '"
                        + values.get(key) + "'");
            }
        }
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException(key + " must list TLSv1.3 and/or TLSv1.2");
        }
        return protocols;
    }

    private static Path path(Map<String, String> values, String key) {
        String text = values.get(key);
        return text.isEmpty() ? null : Path.of(text);
    }

    private static long parseReloadMs(String text) {
        try {
            long value = Long.parseLong(text);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(RELOAD_CHECK_INTERVAL_MS + " must be a number, got '" + text + "'");
        }
        throw new IllegalArgumentException(RELOAD_CHECK_INTERVAL_MS + " must be at least 0, got " + text);
    }
}
