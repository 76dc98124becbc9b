package dev.sluice.chaos.workload;

import dev.sluice.chaos.history.AppendValues;
import dev.sluice.chaos.history.OpFunctions;
import dev.sluice.chaos.history.OpType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Several idempotent {@code acks=all} producers ({@link AppendSender}: Sluice's own client, or with {@link
 * Protocol#KAFKA} Apache Kafka's Java client on the Kafka listeners), each sending unique values {@code
 * "<producer>-<seq>#<crc>"} (see {@link AppendValues}: the checksum lets the checker detect a record whose bytes
 * changed) to the append topic with up to {@value #MAX_IN_FLIGHT} sends outstanding (pipelined, as real producers run,
 * so retries of several in-flight batches after a leader change are exercised), then the final read of every partition
 * (see {@link FinalRead}). Each send is its own history process {@code "<producer>#<seq>"} (one operation per process,
 * as the history format wants); the producer and sequence the ordering check needs are in the value. One thread per
 * producer; completions are written from the producer's callback.
 */
public final class AppendWorkload implements Workload {
    /** Which client, and so which of the brokers' protocols, the producers use. */
    public enum Protocol { SLUICE, KAFKA }

    private static final int PRODUCERS = 3;
    private static final long PAUSE_MS = 20;
    static final int MAX_IN_FLIGHT = 32;

    private final WorkloadContext context;
    private final Protocol protocol;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    public AppendWorkload(WorkloadContext context, Protocol protocol) {
        this.context = context;
        this.protocol = protocol;
    }

    @Override
    public String name() {
        return protocol == Protocol.KAFKA ? "kafka-append" : "append";
    }

    @Override
    public void start() {
        for (int i = 0; i < PRODUCERS; i++) {
            // The "producer" prefix files both kinds under the append workload in reports (Timeline).
            String process = protocol == Protocol.KAFKA ? "producer-kafka-" + i : "producer-" + i;
            RandomGenerator random = context.split();
            Thread thread = new Thread(() -> produce(process, random), "chaos-" + process);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    private void produce(String producerName, RandomGenerator random) {
        Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
        try (AppendSender producer = protocol == Protocol.KAFKA
                ? new KafkaAppendSender(context, producerName)
                : new SluiceAppendSender(context, producerName)) {
            for (long seq = 0; running; seq++) {
                if (!inFlight.tryAcquire(1, TimeUnit.SECONDS)) {
                    seq--;
                    continue;
                }
                sendOne(producer, producerName + "#" + seq, "k" + random.nextInt(64),
                        AppendValues.encode(producerName, seq), inFlight::release);
                sleep(PAUSE_MS);
            }
            // Let outstanding sends complete (delivery.timeout.ms bounds each) so their outcome is recorded.
            inFlight.tryAcquire(MAX_IN_FLIGHT, 45, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // Closing a producer whose brokers are unreachable may fail; its ops are already recorded.
        }
    }

    private void sendOne(AppendSender producer, String process, String key, String value, Runnable done) {
        Map<String, Object> invoke = new LinkedHashMap<>();
        invoke.put("topic", context.appendTopic());
        invoke.put("key", key);
        invoke.put("value", value);
        context.history().append(process, OpType.INVOKE, OpFunctions.SEND, invoke, null);
        producer.send(context.appendTopic(), key, value, new AppendSender.Completion() {
            @Override
            public void acknowledged(int partition, long offset) {
                Map<String, Object> ok = new LinkedHashMap<>(invoke);
                ok.put("partition", partition);
                ok.put("offset", offset);
                context.history().append(process, OpType.OK, OpFunctions.SEND, ok, null);
                done.run();
            }

            @Override
            public void failed(Throwable error, boolean definite) {
                // Only a definite refusal is a failure; a timeout or a lost connection may have written the record.
                context.history().append(process, definite ? OpType.FAIL : OpType.INFO, OpFunctions.SEND, invoke,
                        Errors.describe(error));
                done.run();
            }
        });
    }

    @Override
    public void stopLoad() {
        running = false;
        for (Thread thread : threads) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String finish(Duration timeout) {
        return new FinalRead(context).readAll(timeout);
    }

    @Override
    public void close() {
        running = false;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
