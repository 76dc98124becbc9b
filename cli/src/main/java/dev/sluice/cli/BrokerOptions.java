package dev.sluice.cli;

import dev.sluice.client.internal.ConfigReader;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The {@code --brokers} option shared by every client subcommand (mixin), with the TLS options {@code --ca},
 * {@code --cert} and {@code --key} (each also read from an environment variable, so a shell set up once for a secured
 * cluster needs no flags).
 */
public final class BrokerOptions {
    /** Environment variable consulted when {@code --brokers} is absent. */
    public static final String ENV = "SLUICE_BROKERS";
    /** Environment variables consulted when {@code --ca}, {@code --cert}, {@code --key} are absent. */
    public static final String CA_ENV = "SLUICE_TLS_CA";
    public static final String CERT_ENV = "SLUICE_TLS_CERT";
    public static final String KEY_ENV = "SLUICE_TLS_KEY";
    /** SCRAM: the user, its password (the value itself) and the mechanism, when the options are absent. */
    public static final String USER_ENV = "SLUICE_USER";
    public static final String PASSWORD_ENV = "SLUICE_PASSWORD";
    public static final String MECHANISM_ENV = "SLUICE_SASL_MECHANISM";

    @Option(names = "--brokers", paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Brokers to bootstrap from (default: $" + ENV + ", else localhost:7092).")
    String brokers;

    @Option(names = "--ca", paramLabel = "FILE",
            description = "TLS: PEM bundle of the CAs that sign the brokers' certificates (default: $" + CA_ENV + ").")
    String ca;

    @Option(names = "--cert", paramLabel = "FILE",
            description = "mTLS: PEM certificate chain to present to the brokers (default: $" + CERT_ENV + ").")
    String cert;

    @Option(names = "--key", paramLabel = "FILE",
            description = "mTLS: PEM (PKCS#8) private key of --cert (default: $" + KEY_ENV + ").")
    String key;

    @Option(names = "--user", paramLabel = "NAME",
            description = "SCRAM: authenticate as this user (default: $" + USER_ENV + "); the password comes from "
                    + "--password-file or $" + PASSWORD_ENV + ", never from the command line.")
    String user;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "SCRAM: a file whose first line is the password of --user (default: $" + PASSWORD_ENV
                    + ").")
    java.nio.file.Path passwordFile;

    @Option(names = "--sasl-mechanism", paramLabel = "MECHANISM",
            description = "SCRAM-SHA-256 or SCRAM-SHA-512 (default: $" + MECHANISM_ENV + ", else SCRAM-SHA-512).")
    String mechanism;

    /** The bootstrap list: the option, else the environment, else {@code localhost:7092}. */
    public String bootstrapServers() {
        String value = brokers;
        if (value == null || value.isBlank()) {
            value = System.getenv(ENV);
        }
        if (value == null || value.isBlank()) {
            value = "localhost:" + ConfigReader.DEFAULT_PORT;
        }
        return value;
    }

    /** A client config map with bootstrap.servers set, and the TLS files when given. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrapServers());
        putIfSet(config, "tls.ca", ca, CA_ENV);
        putIfSet(config, "tls.cert", cert, CERT_ENV);
        putIfSet(config, "tls.key", key, KEY_ENV);
        String name = user != null && !user.isBlank() ? user : System.getenv(USER_ENV);
        if (name != null && !name.isBlank()) {
            config.put("sasl.username", name);
            config.put("sasl.password", new String(password()));
            String chosen = mechanism != null && !mechanism.isBlank() ? mechanism : System.getenv(MECHANISM_ENV);
            config.put("sasl.mechanism", chosen != null && !chosen.isBlank() ? chosen : "SCRAM-SHA-512");
        }
        return config;
    }

    private char[] password() {
        if (passwordFile != null) {
            return firstLine(passwordFile);
        }
        String value = System.getenv(PASSWORD_ENV);
        if (value == null) {
            throw new IllegalArgumentException("--user needs --password-file or $" + PASSWORD_ENV);
        }
        return value.toCharArray();
    }

    /** The first line of {@code file}, without its line break: the way password files are written. */
    static char[] firstLine(java.nio.file.Path file) {
        try {
            String text = java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.UTF_8);
            int end = text.indexOf('\n');
            String line = end < 0 ? text : text.substring(0, end);
            return (line.endsWith("\r") ? line.substring(0, line.length() - 1) : line).toCharArray();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read the password file " + file + ": " + e.getMessage());
        }
    }

    private static void putIfSet(Map<String, Object> config, String configKey, String option, String env) {
        String value = option != null && !option.isBlank() ? option : System.getenv(env);
        if (value != null && !value.isBlank()) {
            config.put(configKey, value);
        }
    }
}
