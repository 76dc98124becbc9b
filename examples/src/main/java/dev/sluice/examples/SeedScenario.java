package dev.sluice.examples;

import dev.sluice.client.Admin;
import dev.sluice.client.NewTopic;
import dev.sluice.client.TopicExistsException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * The seed guide's example, end to end against a running cluster: create topic {@code family} (3 partitions),
 * start the two consumer services ({@code email-service}, {@code db-service}), produce N events, and wait until both
 * services have processed all of them. Progress goes to {@code out} once a second.
 */
public final class SeedScenario {
    public static final String TOPIC = "family";

    /** The four counts of the demo's last line. */
    public record Result(long produced, long emailProcessed, long dbProcessed, long dbRows) {
        public boolean allEqual(long expected) {
            return produced == expected && emailProcessed == expected && dbProcessed == expected && dbRows == expected;
        }

        public String summaryLine() {
            return "demo: produced=" + produced + " email-service=" + emailProcessed + " db-service=" + dbProcessed
                    + " db-rows=" + dbRows;
        }
    }

    public static final String ADMIN = "admin";
    public static final String PRODUCER = "family-producer";
    public static final String EMAIL_SERVICE = "email-service";
    public static final String DB_SERVICE = "db-service";

    private final Function<String, Map<String, Object>> connectionFor;
    private final String jdbcUrl;
    private final PrintStream out;
    private final boolean verbose;

    public SeedScenario(String bootstrapServers, String jdbcUrl, PrintStream out, boolean verbose) {
        this(role -> Map.of("bootstrap.servers", bootstrapServers), jdbcUrl, out, verbose);
    }

    /**
     * @param connectionFor each role's client settings ({@code bootstrap.servers}, TLS files): {@link #ADMIN},
     *     {@link #PRODUCER} and the two services' group ids
     */
    public SeedScenario(Function<String, Map<String, Object>> connectionFor, String jdbcUrl, PrintStream out,
                        boolean verbose) {
        this.connectionFor = connectionFor;
        this.jdbcUrl = jdbcUrl;
        this.out = out;
        this.verbose = verbose;
    }

    public Result run(int messages, Duration timeout) throws Exception {
        createTopic();
        long deadline = System.nanoTime() + timeout.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "demo-consumer");
            thread.setDaemon(true);
            return thread;
        });
        try (DatabaseWriter database = new DatabaseWriter(jdbcUrl)) {
            ConsumerService email = new ConsumerService(EMAIL_SERVICE, connectionFor.apply(EMAIL_SERVICE),
                    new EmailNotifier(out, verbose));
            ConsumerService db = new ConsumerService(DB_SERVICE, connectionFor.apply(DB_SERVICE), database);
            Future<Long> emailDone = pool.submit(() -> email.runUntil(TOPIC, messages, deadline));
            Future<Long> dbDone = pool.submit(() -> db.runUntil(TOPIC, messages, deadline));
            out.println("demo: producing " + messages + " family events to topic '" + TOPIC + "'");
            int produced = new FamilyProducer(connectionFor.apply(PRODUCER), Clock.systemUTC()).send(TOPIC, messages);
            out.println("demo: producer acknowledged " + produced + " events");
            while (!(emailDone.isDone() && dbDone.isDone())) {
                out.println("demo: progress email-service=" + email.processed() + " db-service=" + db.processed());
                waitForEither(emailDone, dbDone);
            }
            long emailCount = emailDone.get();
            long dbCount = dbDone.get();
            return new Result(produced, emailCount, dbCount, database.countRows());
        } finally {
            pool.shutdownNow();
        }
    }

    private void createTopic() {
        try (Admin admin = Admin.create(connectionFor.apply(ADMIN))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1, Map.of())));
            out.println("demo: created topic '" + TOPIC + "' with 3 partitions");
        } catch (TopicExistsException e) {
            out.println("demo: topic '" + TOPIC + "' already exists");
        }
    }

    private static void waitForEither(Future<Long> first, Future<Long> second) throws Exception {
        try {
            first.get(1, java.util.concurrent.TimeUnit.SECONDS);
            second.get(1, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            // Not done yet: the caller prints progress and waits again.
        }
    }
}
