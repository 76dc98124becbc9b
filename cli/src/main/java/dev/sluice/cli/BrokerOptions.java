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
        return config;
    }

    private static void putIfSet(Map<String, Object> config, String configKey, String option, String env) {
        String value = option != null && !option.isBlank() ? option : System.getenv(env);
        if (value != null && !value.isBlank()) {
            config.put(configKey, value);
        }
    }
}
