package dev.sluice.examples.kafkajs;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Runs the seed guide's kafkajs example ({@code examples/kafkajs}) unchanged against a Kafka listener: both consumer
 * services ({@code emailConsumer.js}, {@code dbConsumer.js}) and the producer ({@code producer.js}), each a
 * {@code node} child process whose only setting is {@code KAFKA_BROKERS}. It waits for the producer to finish, then
 * until each service has printed every event id the producer printed, and stops every process it started.
 *
 * <p>The consumers subscribe {@code fromBeginning}, so they see every event whether they join before or after the
 * producer sends. The caller owns the broker and creates topic {@link #TOPIC} first (auto-creation would also do,
 * with the broker's default partition count). One run per instance; blocks the calling thread.
 */
public final class KafkajsExample {
    /** The topic the guide's code produces to and consumes from. */
    public static final String TOPIC = "family";

    private final Path exampleDir;
    private final PrintStream out;

    public KafkajsExample(Path exampleDir, PrintStream out) {
        this.exampleDir = exampleDir;
        this.out = out;
    }

    /**
     * Installs Node and kafkajs with the example's install script unless they are ready; throws
     * {@link KafkajsSetupException} if that fails. Cheap when they are ready.
     */
    public void prepare() {
        KafkajsInstall.ensureReady(exampleDir, out);
    }

    /**
     * Runs the example against {@code kafkaBrokers} ({@code host:port,...}) for at most {@code timeout}.
     * Installs Node and kafkajs first if needed; throws {@link KafkajsSetupException} if that fails.
     */
    public KafkajsResult run(String kafkaBrokers, Duration timeout) throws InterruptedException {
        prepare();
        long deadlineNanos = System.nanoTime() + timeout.toNanos();
        // KafkaJS 2 warns about its default partitioner change on every producer start; the guide's code predates
        // that choice, and the warning would read as a fault in the demo's output.
        Map<String, String> environment = Map.of("KAFKA_BROKERS", kafkaBrokers,
                "KAFKAJS_NO_PARTITIONER_WARNING", "1");
        // Written by this thread, read by the shutdown hook: Ctrl-C must not leave node processes behind, since a
        // child process outlives the JVM that started it.
        List<ServiceProcess> started = new CopyOnWriteArrayList<>();
        Thread stopOnExit = new Thread(() -> started.forEach(ServiceProcess::signalStop), "kafkajs-example-stop");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        List<String> stops = new ArrayList<>();
        KafkajsResult.Outcome outcome;
        try {
            ServiceProcess email = start("email-service", "emailConsumer.js", environment, started);
            ServiceProcess db = start("db-service", "dbConsumer.js", environment, started);
            ServiceProcess producer = start("producer", "producer.js", environment, started);
            producer.awaitExitOrError(deadlineNanos);
            // Errors are checked again after the exit: the last lines are read after the process ends.
            boolean producerOk = producer.errorLines().isEmpty() && producer.awaitExit(deadlineNanos)
                    && producer.errorLines().isEmpty();
            // After a producer failure there is nothing to wait for: the run has failed.
            boolean emailDone = producerOk && email.awaitEventIds(producer.eventIds(), deadlineNanos);
            boolean dbDone = producerOk && db.awaitEventIds(producer.eventIds(), deadlineNanos);
            boolean timedOut = (!producerOk || !emailDone || !dbDone) && System.nanoTime() >= deadlineNanos;
            outcome = new KafkajsResult.Outcome(producer.exitCode(), producer.errorLines(), producer.eventIds(),
                    ServiceCount.of(email), ServiceCount.of(db), timedOut);
        } finally {
            // Consumers run until stopped, as the guide's services do; stop each child by its own pid, the
            // producer first.
            for (int i = started.size() - 1; i >= 0; i--) {
                stops.add(started.get(i).stop());
            }
            removeShutdownHook(stopOnExit);
        }
        return new KafkajsResult(outcome, stops);
    }

    private static void removeShutdownHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down, and the hook is running or has run.
        }
    }

    private ServiceProcess start(String name, String script, Map<String, String> environment,
                                 List<ServiceProcess> started) {
        ServiceProcess service = ServiceProcess.start(name, exampleDir, script, environment, out);
        started.add(service);
        return service;
    }
}
