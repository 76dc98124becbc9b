package dev.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.client.fake.FakeBroker;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminTest {
    private FakeBroker broker;
    private Admin admin;

    @BeforeEach
    void start() throws Exception {
        broker = new FakeBroker();
        admin = Admin.create(Map.of("bootstrap.servers", broker.address()));
    }

    @AfterEach
    void stop() throws Exception {
        admin.close();
        broker.close();
    }

    @Test
    void topicLifecycle() {
        admin.createTopics(List.of(new NewTopic("orders", 3, 1, Map.of("retention.ms", "1000"))));
        assertThat(admin.listTopics()).extracting(TopicListing::name, TopicListing::partitions)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("orders", 3));
        TopicDescription description = admin.describeTopics(List.of("orders")).get("orders");
        assertThat(description.partitions()).hasSize(3);
        assertThat(description.partitions().get(0).leader()).isEqualTo(FakeBroker.NODE_ID);
        assertThat(description.configs()).containsEntry("retention.ms", "1000");

        admin.alterConfigs("orders", Map.of("cleanup.policy", "delete"), List.of("retention.ms"));
        assertThat(admin.describeTopics(List.of("orders")).get("orders").configs())
                .isEqualTo(Map.of("cleanup.policy", "delete"));

        admin.deleteTopics(List.of("orders"));
        assertThat(admin.listTopics()).isEmpty();
    }

    @Test
    void typedErrors() {
        admin.createTopics(List.of(new NewTopic("a", 1, 1)));
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("a", 1, 1))))
                .isInstanceOf(TopicExistsException.class).hasMessageContaining("a");
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("bad name!", 1, 1))))
                .isInstanceOf(InvalidTopicException.class);
        assertThatThrownBy(() -> admin.describeTopics(List.of("ghost")))
                .isInstanceOf(UnknownTopicException.class).hasMessage("topic ghost does not exist");
        assertThatThrownBy(() -> admin.deleteTopics(List.of("ghost"))).isInstanceOf(UnknownTopicException.class);
    }

    @Test
    void unsetPartitionsAndReplicationFactorStayUnsetAndZeroIsRefused() {
        admin.createTopics(List.of(NewTopic.withDefaults("defaults", Map.of())));
        dev.sluice.proto.v1.NewTopic sent = broker.lastCreateTopicsRequest().getTopics(0);
        assertThat(sent.hasPartitions()).isFalse();
        assertThat(sent.hasReplicationFactor()).isFalse();

        admin.createTopics(List.of(new NewTopic("explicit", 2, 1)));
        sent = broker.lastCreateTopicsRequest().getTopics(0);
        assertThat(sent.hasPartitions()).isTrue();
        assertThat(sent.getPartitions()).isEqualTo(2);

        assertThatThrownBy(() -> new NewTopic("t", 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("partitions must be at least 1");
        assertThatThrownBy(() -> new NewTopic("t", 1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("replicationFactor must be at least 1");
        assertThatThrownBy(() -> new NewTopic("t", -3, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTimedOutCreateDeleteOrAlterIsReportedAsUnknownAndNotRetried() {
        broker.timeOutNextAdminWrites(1);
        // A retry would find the topic the timed-out attempt created and answer "already exists".
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("t", 1, 1))))
                .isInstanceOf(TimeoutException.class).hasMessageContaining("may or may not have taken effect");
        assertThat(admin.listTopics()).extracting(TopicListing::name).containsExactly("t");
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("t", 1, 1))))
                .as("without a timeout the answer stands").isInstanceOf(TopicExistsException.class);

        broker.timeOutNextAdminWrites(1);
        assertThatThrownBy(() -> admin.deleteTopics(List.of("t")))
                .isInstanceOf(TimeoutException.class).hasMessageContaining("may or may not have taken effect");
        assertThat(admin.listTopics()).isEmpty();
    }

    @Test
    void aCreateOrDeleteWhoseBrokerDiesMidCallIsReportedAsUnknownAndNotSentToTheNextBroker() throws Exception {
        try (FakeBroker dying = new FakeBroker(); FakeBroker next = new FakeBroker();
             Admin twoBrokers = Admin.create(Map.of("bootstrap.servers", dying.address() + "," + next.address()))) {
            dying.dieDuringNextAdminWrite();
            // Both fakes stand for one cluster: sending the create on to the next broker would apply it twice.
            assertThatThrownBy(() -> twoBrokers.createTopics(List.of(new NewTopic("t", 1, 1))))
                    .isInstanceOf(TimeoutException.class).hasMessageContaining("may or may not have taken effect");
            try (Admin nextOnly = Admin.create(Map.of("bootstrap.servers", next.address()))) {
                assertThat(nextOnly.listTopics()).as("the create was not sent on").isEmpty();
            }

            // Reads are safe to repeat: with the first broker gone they move on to the next one.
            assertThat(twoBrokers.listTopics()).isEmpty();
            next.createTopic("u", 1);
            next.dieDuringNextAdminWrite();
            assertThatThrownBy(() -> twoBrokers.deleteTopics(List.of("u")))
                    .isInstanceOf(TimeoutException.class).hasMessageContaining("may or may not have taken effect");
        }
    }

    @Test
    void aCreateIsSentToTheNextBrokerWhenTheFirstRefusesTheConnection() throws Exception {
        try (FakeBroker next = new FakeBroker();
             Admin admin = Admin.create(Map.of("bootstrap.servers", "127.0.0.1:1," + next.address()))) {
            admin.createTopics(List.of(new NewTopic("t", 1, 1)));
            assertThat(admin.listTopics()).extracting(TopicListing::name).containsExactly("t");
        }
    }

    @Test
    void describeCluster() {
        ClusterDescription cluster = admin.describeCluster();
        assertThat(cluster.clusterId()).isEqualTo("fake-cluster");
        assertThat(cluster.brokers()).extracting(BrokerNode::address).containsExactly(broker.address());
        assertThat(cluster.quorum().voters()).hasSize(1);
    }

    @Test
    void unreachableBrokerFailsFastNamingTheAddress() {
        try (Admin unreachable = Admin.create(Map.of("bootstrap.servers", "127.0.0.1:1"))) {
            long start = System.currentTimeMillis();
            assertThatThrownBy(unreachable::listTopics).isInstanceOf(BrokerUnavailableException.class)
                    .hasMessage("broker 127.0.0.1:1 is unreachable");
            // Fast means "not after the 60 s API timeout"; the bound leaves room for a loaded machine.
            assertThat(System.currentTimeMillis() - start).isLessThan(30_000);
        }
    }
}
