package dev.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.client.fake.FakeBroker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The producer's transport: one produce stream per broker, or unary calls to a broker without streams. */
class ProduceTransportTest {

    private static Producer<String, String> producer(FakeBroker broker) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", broker.address());
        config.put("linger.ms", 0);
        config.put("batch.size", 100);
        config.put("retry.backoff.ms", 10);
        return new Producer<>(config, new StringSerializer(), new StringSerializer());
    }

    /** Sends 200 records in small batches, five requests in flight, and waits for every acknowledgement. */
    private static void sendInOrder(FakeBroker broker) throws Exception {
        try (Producer<String, String> producer = producer(broker)) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                sent.add(producer.send(new ProducerRecord<>("t", "k", "v" + i)));
            }
            for (int i = 0; i < sent.size(); i++) {
                assertThat(sent.get(i).get(10, TimeUnit.SECONDS).offset()).isEqualTo(i);
            }
        }
    }

    @Test
    void requestsArePipelinedOnOneStreamAndAnsweredInOrder() throws Exception {
        try (FakeBroker broker = new FakeBroker()) {
            broker.createTopic("t", 1);
            sendInOrder(broker);
            assertThat(broker.produceStreams()).isEqualTo(1);
            assertThat(broker.produceRequests()).isGreaterThan(1);
            assertThat(broker.log("t", 0).values()).hasSize(200).startsWith("v0", "v1").endsWith("v199");
        }
    }

    /** A rolling upgrade: the broker runs a version without ProduceStream (it answers UNIMPLEMENTED). */
    @Test
    void aBrokerWithoutProduceStreamsGetsUnaryCalls() throws Exception {
        try (FakeBroker broker = new FakeBroker(false)) {
            broker.createTopic("t", 1);
            sendInOrder(broker);
            assertThat(broker.produceStreams()).isZero();
            assertThat(broker.log("t", 0).values()).hasSize(200).startsWith("v0", "v1").endsWith("v199");
        }
    }
}
