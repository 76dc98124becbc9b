package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.MetadataRequestData.MetadataRequestTopic;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.DescribeAclsRequest;
import org.apache.kafka.common.requests.DescribeAclsResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The listener's framing and refusals, over a raw socket: the bytes a client sends are encoded with kafka-clients'
 * own request classes; a malformed or oversize frame closes that connection and the broker keeps serving others;
 * an API Sluice does not serve gets UNSUPPORTED_VERSION; ApiVersions advertises Produce from version 0.
 */
class KafkaListenerFramesTest {
    /** The default {@code socket.request.max.bytes}, as in Kafka. */
    private static final int MAX_REQUEST_BYTES = 100 * 1024 * 1024;

    private static KafkaTestNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = KafkaTestNode.shared();
    }

    @Test
    void apiVersionsAdvertisesServedApisWithProduceFromVersionZero() throws IOException {
        try (Socket socket = connect()) {
            ApiVersionsResponse response = (ApiVersionsResponse) roundTrip(socket,
                    new ApiVersionsRequest.Builder().build((short) 3), 1);
            assertThat(response.data().errorCode()).isEqualTo(Errors.NONE.code());
            ApiVersion produce = response.data().apiKeys().find(ApiKeys.PRODUCE.id);
            assertThat(produce.minVersion()).isZero();
            assertThat(response.data().apiKeys().find(ApiKeys.FETCH.id)).isNotNull();
            assertThat(response.data().apiKeys().find(ApiKeys.DESCRIBE_ACLS.id)).isNull();
        }
    }

    @Test
    void unsupportedApiGetsUnsupportedVersionAndTheConnectionStaysUsable() throws IOException {
        try (Socket socket = connect()) {
            DescribeAclsRequest request = new DescribeAclsRequest.Builder(AclBindingFilter.ANY).build((short) 3);
            DescribeAclsResponse response = (DescribeAclsResponse) roundTrip(socket, request, 7);
            assertThat(response.error().error()).isEqualTo(Errors.UNSUPPORTED_VERSION);
            assertThat(roundTrip(socket, new ApiVersionsRequest.Builder().build((short) 3), 8).errorCounts())
                    .containsOnlyKeys(Errors.NONE);
        }
    }

    @Test
    void malformedFrameClosesTheConnectionAndTheBrokerKeepsServing() throws IOException {
        try (Socket socket = connect()) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(6);
            out.writeShort(999);  // no such API key
            out.writeShort(0);
            out.writeShort(0);
            out.flush();
            assertClosed(socket);
        }
        try (Socket socket = connect()) {
            // A valid header whose body is cut short.
            ByteBuffer request = new ApiVersionsRequest(new ApiVersionsRequestData().setClientSoftwareName("x")
                    .setClientSoftwareVersion("1"), (short) 3).serializeWithHeader(new RequestHeader(
                    ApiKeys.API_VERSIONS, (short) 3, "test", 2));
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(request.remaining() - 3);
            out.write(request.array(), request.arrayOffset(), request.remaining() - 3);
            out.flush();
            assertClosed(socket);
        }
        assertServing();
    }

    @Test
    void frameAboveTheMaximumClosesTheConnection() throws IOException {
        try (Socket socket = connect()) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(MAX_REQUEST_BYTES + 1);
            out.write(new byte[1024]);
            out.flush();
            assertClosed(socket);
        }
        assertServing();
    }

    @Test
    void everyAdvertisedVersionOfMetadataAndFindCoordinatorIsAnswered() throws IOException {
        try (Socket socket = connect()) {
            for (short version = 0; version <= 12; version++) {
                // Built from the message itself: kafka-clients 4's request builder no longer builds version 0.
                MetadataResponse response = (MetadataResponse) roundTrip(socket, new MetadataRequest(
                        new MetadataRequestData().setTopics(List.of(new MetadataRequestTopic().setName("versions"))),
                        version), 100 + version);
                assertThat(response.topicMetadata()).as("Metadata v%d", version).singleElement()
                        .satisfies(topic -> assertThat(topic.error()).isIn(Errors.NONE, Errors.LEADER_NOT_AVAILABLE));
                assertThat(response.brokers()).as("Metadata v%d", version).singleElement()
                        .satisfies(broker -> assertThat(broker.port()).isEqualTo(node.kafkaPort()));
            }
            for (short version = 0; version <= 6; version++) {
                FindCoordinatorRequestData data = new FindCoordinatorRequestData().setKeyType((byte) 0);
                if (version < 4) {
                    data.setKey("versions-group");
                } else {
                    data.setCoordinatorKeys(List.of("versions-group"));
                }
                FindCoordinatorResponse response = (FindCoordinatorResponse) roundTrip(socket,
                        new FindCoordinatorRequest.Builder(data).build(version), 200 + version);
                assertThat(response.errorCounts()).as("FindCoordinator v%d", version).containsOnlyKeys(Errors.NONE);
                int port = version < 4 ? response.data().port() : response.data().coordinators().get(0).port();
                assertThat(port).isEqualTo(node.kafkaPort());
            }
        }
    }

    /** A single node's partition has one leader epoch, which ends at the log end; other epochs are fenced. */
    @Test
    void offsetForLeaderEpochAnswersWhereAnEpochEndsAndFencesStaleEpochs() throws Exception {
        String topic = "epoch-ends";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, node.kafkaBootstrap()));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, node.kafkaBootstrap()), new ByteArraySerializer(),
                     new ByteArraySerializer())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, new byte[] {(byte) i})).get();
            }
        }
        int epoch = node.leaderEpoch(topic, 0);
        try (Socket socket = connect()) {
            assertThat(epochEnd(socket, topic, epoch, epoch, 20)).extracting(e -> e.errorCode(), e -> e.leaderEpoch(),
                    e -> e.endOffset()).containsExactly(Errors.NONE.code(), epoch, 5L);
            assertThat(epochEnd(socket, topic, epoch + 1, epoch, 21).errorCode())
                    .isEqualTo(Errors.UNKNOWN_LEADER_EPOCH.code());
            if (epoch > 0) {
                assertThat(epochEnd(socket, topic, epoch - 1, epoch, 22).errorCode())
                        .isEqualTo(Errors.FENCED_LEADER_EPOCH.code());
            }
            assertThat(epochEnd(socket, "no-such-topic", -1, 0, 23).errorCode())
                    .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
    }

    private static OffsetForLeaderEpochResponseData.EpochEndOffset epochEnd(Socket socket, String topic, int current,
                                                                           int epoch, int correlationId)
            throws IOException {
        OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection topics =
                new OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection();
        topics.add(new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic(topic).setPartitions(List.of(
                new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition().setPartition(0)
                        .setCurrentLeaderEpoch(current).setLeaderEpoch(epoch))));
        OffsetsForLeaderEpochResponse response = (OffsetsForLeaderEpochResponse) roundTrip(socket,
                OffsetsForLeaderEpochRequest.Builder.forConsumer(topics).build((short) 4), correlationId);
        return response.data().topics().iterator().next().partitions().get(0);
    }

    private static void assertServing() throws IOException {
        try (Socket socket = connect()) {
            assertThat(roundTrip(socket, new ApiVersionsRequest.Builder().build((short) 3), 3).errorCounts())
                    .containsOnlyKeys(Errors.NONE);
        }
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", node.kafkaPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static AbstractResponse roundTrip(Socket socket, AbstractRequest request, int correlationId)
            throws IOException {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "frames-test", correlationId);
        ByteBuffer bytes = request.serializeWithHeader(header);
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeInt(bytes.remaining());
        out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] response = new byte[in.readInt()];
        in.readFully(response);
        return AbstractResponse.parseResponse(ByteBuffer.wrap(response), header);
    }

    private static void assertClosed(Socket socket) throws IOException {
        try {
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        } catch (java.net.SocketException e) {
            // A reset is a close too.
            assertThat(e).isNotNull();
        } catch (EOFException e) {
            assertThat(e).isNotNull();
        }
    }
}
