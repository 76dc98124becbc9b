package dev.sluice.cli;

import dev.sluice.client.Admin;
import dev.sluice.client.ByteArraySerializer;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sluice produce TOPIC}: one record per stdin line, optionally {@code key<SEP>value}. Silent on
 * success; each failure goes to stderr (the first {@value #MAX_REPORTED}, then a count) and the exit
 * code is non-zero if any record failed.
 */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = "Send stdin lines as records (one per line) to a topic.")
public final class ProduceCommand implements Callable<Integer> {
    static final int MAX_REPORTED = 10;

    @Mixin
    BrokerOptions brokers;
    @Spec
    CommandSpec spec;
    @Parameters(index = "0", paramLabel = "TOPIC", description = "Topic to write to.")
    String topic;
    @Option(names = "--key-separator", paramLabel = "SEP",
            description = "Split each line at the first SEP into key and value.")
    String keySeparator;
    @Option(names = "--acks", paramLabel = "0|1|all", defaultValue = "all",
            description = "Acknowledgements to wait for (default: ${DEFAULT-VALUE}).")
    String acks;

    private final AtomicInteger failures = new AtomicInteger();

    @Override
    public Integer call() throws IOException {
        if (keySeparator != null && keySeparator.isEmpty()) {
            throw new IllegalArgumentException("--key-separator must not be empty");
        }
        Map<String, Object> config = brokers.clientConfig();
        config.put("acks", acks);
        config.put("linger.ms", 5);
        config.put("max.block.ms", 10_000);
        try (Admin admin = Admin.create(brokers.clientConfig())) {
            admin.describeTopics(List.of(topic));
        }
        int lines = 0;
        try (Producer<byte[], byte[]> producer = new Producer<>(config, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            BufferedReader reader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                lines++;
                send(producer, line, lines);
            }
        }
        int failed = failures.get();
        if (failed > MAX_REPORTED) {
            report("error: " + failed + " of " + lines + " records failed");
        }
        return failed == 0 ? 0 : CliErrors.FAILED;
    }

    private void send(Producer<byte[], byte[]> producer, String line, int lineNumber) {
        byte[] key = null;
        String value = line;
        if (keySeparator != null) {
            int at = line.indexOf(keySeparator);
            if (at < 0) {
                fail("line " + lineNumber + " has no key separator '" + keySeparator + "'");
                return;
            }
            key = line.substring(0, at).getBytes(StandardCharsets.UTF_8);
            value = line.substring(at + keySeparator.length());
        }
        producer.send(new ProducerRecord<>(topic, key, value.getBytes(StandardCharsets.UTF_8)), (metadata, error) -> {
            if (error != null) {
                fail("line " + lineNumber + ": " + CliErrors.describe(error));
            }
        });
    }

    private void fail(String message) {
        if (failures.incrementAndGet() <= MAX_REPORTED) {
            report("error: " + message);
        }
    }

    private void report(String line) {
        PrintWriter err = spec.commandLine().getErr();
        synchronized (err) {
            err.println(line);
            err.flush();
        }
    }
}
