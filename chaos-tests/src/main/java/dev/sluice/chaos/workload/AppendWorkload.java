package dev.sluice.chaos.workload;

import dev.sluice.chaos.history.OpFunctions;
import dev.sluice.chaos.history.OpType;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerRecord;
import dev.sluice.client.RecordMetadata;
import dev.sluice.client.StringSerializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;

/**
 * Several idempotent {@code acks=all} producers (processes {@code producer-<n>}), each sending one unique value
 * {@code "<process>-<seq>"} at a time to the append topic and recording {@code send} ops; then the final read of every
 * partition (see {@link FinalRead}). One thread per producer.
 */
public final class AppendWorkload implements Workload {
    private static final int PRODUCERS = 3;
    private static final long PAUSE_MS = 20;

    private final WorkloadContext context;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    public AppendWorkload(WorkloadContext context) {
        this.context = context;
    }

    @Override
    public String name() {
        return "append";
    }

    @Override
    public void start() {
        for (int i = 0; i < PRODUCERS; i++) {
            String process = "producer-" + i;
            RandomGenerator random = context.split();
            Thread thread = new Thread(() -> produce(process, random), "chaos-" + process);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    private void produce(String process, RandomGenerator random) {
        Map<String, Object> config = Map.of("bootstrap.servers", context.bootstrapServers(), "acks", "all",
                "enable.idempotence", true, "linger.ms", 0, "request.timeout.ms", 10_000,
                "delivery.timeout.ms", 30_000, "max.block.ms", 10_000, "client.id", process);
        try (Producer<String, String> producer = new Producer<>(config, new StringSerializer(),
                new StringSerializer())) {
            for (long seq = 0; running; seq++) {
                sendOne(producer, process, "k" + random.nextInt(64), process + "-" + seq);
                sleep(PAUSE_MS);
            }
        } catch (RuntimeException e) {
            // Closing a producer whose brokers are unreachable may fail; its ops are already recorded.
        }
    }

    private void sendOne(Producer<String, String> producer, String process, String key, String value) {
        Map<String, Object> invoke = new LinkedHashMap<>();
        invoke.put("topic", context.appendTopic());
        invoke.put("key", key);
        invoke.put("value", value);
        context.history().append(process, OpType.INVOKE, OpFunctions.SEND, invoke, null);
        try {
            RecordMetadata metadata = producer.send(new ProducerRecord<>(context.appendTopic(), key, value))
                    .get(45, TimeUnit.SECONDS);
            Map<String, Object> ok = new LinkedHashMap<>(invoke);
            ok.put("partition", metadata.partition());
            ok.put("offset", metadata.offset());
            context.history().append(process, OpType.OK, OpFunctions.SEND, ok, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            context.history().append(process, OpType.INFO, OpFunctions.SEND, invoke, "interrupted");
        } catch (TimeoutException e) {
            context.history().append(process, OpType.INFO, OpFunctions.SEND, invoke, "timeout");
        } catch (Exception e) {
            OpType type = Errors.definiteSendFailure(e) ? OpType.FAIL : OpType.INFO;
            context.history().append(process, type, OpFunctions.SEND, invoke, Errors.describe(e));
        }
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
