package dev.sluice.cli;

import dev.sluice.client.internal.ConfigReader;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The {@code --brokers} option shared by every client subcommand (mixin). */
public final class BrokerOptions {
    /** Environment variable consulted when {@code --brokers} is absent. */
    public static final String ENV = "SLUICE_BROKERS";

    @Option(names = "--brokers", paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Brokers to bootstrap from (default: $" + ENV + ", else localhost:7092).")
    String brokers;

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

    /** A client config map with bootstrap.servers set. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrapServers());
        return config;
    }
}
