package dev.sluice.controller;

import static dev.sluice.controller.Fixtures.apply;
import static dev.sluice.controller.Fixtures.brokers;
import static dev.sluice.controller.Fixtures.create;
import static dev.sluice.controller.Fixtures.newTopic;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.MetadataRecords;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.metadata.TopicConfigs;
import dev.sluice.metadata.TopicImage;
import dev.sluice.proto.v1.AlterConfigsRequest;
import dev.sluice.proto.v1.AlterConfigsResponse;
import dev.sluice.proto.v1.ConfigAlteration;
import dev.sluice.proto.v1.CreateTopicsResponse;
import dev.sluice.proto.v1.DeleteTopicsRequest;
import dev.sluice.proto.v1.DeleteTopicsResponse;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.NewTopic;
import dev.sluice.proto.v1.TopicResult;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TopicControlTest {
    private final MetadataController controller =
            new MetadataController(ControllerConfig.DEFAULT.withDefaults(3, 2), new SplittableRandom(42));

    private static List<ErrorCode> errors(CreateTopicsResponse response) {
        return response.getResultsList().stream().map(TopicResult::getError).toList();
    }

    @Test
    void createsATopicWithPlacementLeaderFirstAndIsrAllReplicas() {
        MetadataImage image = brokers(3);
        ControllerResult<CreateTopicsResponse> result = controller.createTopics(image,
                create(newTopic("orders", 4, 3, Map.of(TopicConfigs.RETENTION_MS, "1000"))));
        assertThat(errors(result.response())).containsExactly(ErrorCode.NONE);
        assertThat(image.topics().topic("orders")).as("the input image is untouched").isNull();
        MetadataImage next = apply(image, result.records());
        TopicImage orders = next.topics().topic("orders");
        assertThat(orders.partitions()).hasSize(4);
        for (PartitionImage partition : orders.partitions().values()) {
            assertThat(partition.replicas()).hasSize(3).doesNotHaveDuplicates();
            assertThat(partition.isr()).isEqualTo(partition.replicas());
            assertThat(partition.leaderId()).isEqualTo(partition.replicas().get(0));
            assertThat(partition.leaderEpoch()).isZero();
            assertThat(partition.partitionEpoch()).isZero();
        }
        assertThat(next.configs().explicit("orders")).containsEntry(TopicConfigs.RETENTION_MS, "1000");
        assertThat(orders.id().version()).isEqualTo(4);
    }

    @Test
    void unsetPartitionsAndReplicationFactorMeanTheDefaults() {
        MetadataImage image = brokers(3);
        ControllerResult<CreateTopicsResponse> result = controller.createTopics(image,
                create(NewTopic.newBuilder().setName("orders").build()));
        TopicImage orders = apply(image, result.records()).topics().topic("orders");
        assertThat(orders.partitions()).hasSize(3);
        assertThat(orders.partition(0).replicas()).hasSize(2);
    }

    @Test
    void zeroIsRefusedNotReadAsTheDefault() {
        MetadataImage image = brokers(3);
        CreateTopicsResponse response = controller.createTopics(image, create(
                NewTopic.newBuilder().setName("no-partitions").setPartitions(0).build(),
                NewTopic.newBuilder().setName("no-replicas").setReplicationFactor(0).build(),
                NewTopic.newBuilder().setName("negative-replicas").setPartitions(1).setReplicationFactor(-3).build()))
                .response();

        assertThat(errors(response)).containsExactly(ErrorCode.INVALID_PARTITIONS,
                ErrorCode.INVALID_REPLICATION_FACTOR, ErrorCode.INVALID_REPLICATION_FACTOR);
        assertThat(response.getResults(0).getErrorMessage()).contains("got 0").contains("unset for the default 3");
        assertThat(response.getResults(1).getErrorMessage()).contains("got 0").contains("unset for the default 2");
        assertThat(response.getResults(2).getErrorMessage()).contains("got -3");
        // A request that sets the fields with the pre-`optional` wire format still works: set values are unchanged.
        NewTopic explicit = NewTopic.newBuilder().setName("explicit").setPartitions(2).setReplicationFactor(1).build();
        assertThat(controller.createTopics(image, create(explicit)).response().getResults(0).getError())
                .isEqualTo(ErrorCode.NONE);
    }

    @Test
    void eachValidationErrorHasItsCodeAndOneFailureDoesNotAffectOthers() {
        MetadataImage image = apply(brokers(3), List.of(MetadataRecords.fenceBroker(3, 1)));
        image = apply(image, controller.createTopics(image, create("existing", 1, 1)).records());
        CreateTopicsResponse response = controller.createTopics(image, create(
                newTopic("bad name!", 1, 1, Map.of()),
                newTopic("__internal", 1, 1, Map.of()),
                newTopic("existing", 1, 1, Map.of()),
                newTopic("negative", -1, 1, Map.of()),
                newTopic("too-many-replicas", 1, 3, Map.of()),
                newTopic("bad-config", 1, 1, Map.of(TopicConfigs.MIN_INSYNC_REPLICAS, "0")),
                newTopic("unknown-config", 1, 1, Map.of("retention.hours", "1")),
                newTopic("good", 2, 2, Map.of()))).response();
        assertThat(errors(response)).containsExactly(ErrorCode.INVALID_TOPIC, ErrorCode.INVALID_TOPIC,
                ErrorCode.TOPIC_ALREADY_EXISTS, ErrorCode.INVALID_PARTITIONS, ErrorCode.INVALID_REPLICATION_FACTOR,
                ErrorCode.INVALID_CONFIG, ErrorCode.INVALID_CONFIG, ErrorCode.NONE);
        assertThat(response.getResults(4).getErrorMessage()).contains("2");
        assertThat(response.getResults(6).getErrorMessage()).contains("retention.hours");
    }

    @Test
    void goodTopicIsCreatedDespiteBadNeighbours() {
        MetadataImage image = brokers(2);
        ControllerResult<CreateTopicsResponse> result = controller.createTopics(image, create(
                newTopic("bad name!", 1, 1, Map.of()), newTopic("good", 2, 2, Map.of())));
        MetadataImage next = apply(image, result.records());
        assertThat(next.topics().topicsByName()).containsOnlyKeys("good");
    }

    @Test
    void duplicateNamesInOneRequestAreRefused() {
        CreateTopicsResponse response = controller.createTopics(brokers(1), create(
                newTopic("twice", 1, 1, Map.of()), newTopic("twice", 1, 1, Map.of()))).response();
        assertThat(errors(response)).containsExactly(ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST);
    }

    @Test
    void validateOnlyAnswersWithoutRecords() {
        ControllerResult<CreateTopicsResponse> result = controller.createTopics(brokers(1),
                create("orders", 1, 1).toBuilder().setValidateOnly(true).build());
        assertThat(result.records()).isEmpty();
        assertThat(errors(result.response())).containsExactly(ErrorCode.NONE);
    }

    @Test
    void internalTopicsOnlyThroughTheSystemPathAndNeverDeleted() {
        MetadataImage image = brokers(3);
        ControllerResult<TopicResult> result = controller.createInternalTopic(image, "__consumer_offsets", 50, 3,
                Map.of(TopicConfigs.CLEANUP_POLICY, "compact"));
        assertThat(result.response().getError()).isEqualTo(ErrorCode.NONE);
        MetadataImage next = apply(image, result.records());
        assertThat(next.topics().topic("__consumer_offsets").partitions()).hasSize(50);
        DeleteTopicsResponse deleted = controller.deleteTopics(next,
                DeleteTopicsRequest.newBuilder().addNames("__consumer_offsets").build()).response();
        assertThat(deleted.getResults(0).getError()).isEqualTo(ErrorCode.INVALID_TOPIC);
    }

    /** Found by {@code ControllerRequestsFuzzTest}: the throw reached the controller's fault handler and halted it. */
    @Test
    void internalTopicRequestWithAnOrdinaryNameIsRefusedNotThrown() {
        for (String name : new String[] {"", "orders", "_single"}) {
            ControllerResult<TopicResult> result = controller.createInternalTopic(brokers(3), name, 1, 1, Map.of());
            assertThat(result.response().getError()).as(name).isEqualTo(ErrorCode.INVALID_TOPIC);
            assertThat(result.response().getErrorMessage()).contains("internal topic names start with __");
            assertThat(result.records()).isEmpty();
        }
    }

    @Test
    void deleteRemovesTopicAndConfigsAndReportsUnknownOnes() {
        MetadataImage image = brokers(1);
        image = apply(image, controller.createTopics(image,
                create(newTopic("orders", 2, 1, Map.of(TopicConfigs.RETENTION_MS, "5"))).toBuilder().build())
                .records());
        ControllerResult<DeleteTopicsResponse> result = controller.deleteTopics(image,
                DeleteTopicsRequest.newBuilder().addNames("orders").addNames("missing").build());
        assertThat(result.response().getResultsList()).extracting(TopicResult::getError)
                .containsExactly(ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        MetadataImage next = apply(image, result.records());
        assertThat(next.topics().isEmpty()).isTrue();
        assertThat(next.configs().topicConfigs()).isEmpty();
    }

    @Test
    void alterConfigsSetsDeletesAndValidates() {
        MetadataImage image = brokers(1);
        image = apply(image, controller.createTopics(image, create(
                newTopic("orders", 1, 1, Map.of(TopicConfigs.RETENTION_MS, "5")))).records());
        AlterConfigsRequest request = AlterConfigsRequest.newBuilder()
                .addAlterations(ConfigAlteration.newBuilder().setTopic("orders")
                        .putSet(TopicConfigs.CLEANUP_POLICY, "compact").addDelete(TopicConfigs.RETENTION_MS))
                .addAlterations(ConfigAlteration.newBuilder().setTopic("missing").putSet("retention.ms", "1"))
                .build();
        ControllerResult<AlterConfigsResponse> result = controller.alterConfigs(image, request);
        assertThat(result.response().getResultsList()).extracting(TopicResult::getError)
                .containsExactly(ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        MetadataImage next = apply(image, result.records());
        assertThat(next.configs().explicit("orders"))
                .containsExactly(Map.entry(TopicConfigs.CLEANUP_POLICY, "compact"));
        assertThat(next.configs().effective("orders").retentionMs()).isEqualTo(604_800_000L);

        assertThat(alterOne(next, ConfigAlteration.newBuilder().setTopic("orders").putSet("retention.ms", "x")))
                .isEqualTo(ErrorCode.INVALID_CONFIG);
        assertThat(alterOne(next, ConfigAlteration.newBuilder().setTopic("orders").addDelete("retention.hours")))
                .isEqualTo(ErrorCode.INVALID_CONFIG);
        assertThat(alterOne(next, ConfigAlteration.newBuilder().setTopic("orders").putSet("retention.ms", "1")
                .addDelete("retention.ms"))).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(controller.alterConfigs(next, AlterConfigsRequest.newBuilder().setValidateOnly(true)
                .addAlterations(ConfigAlteration.newBuilder().setTopic("orders").putSet("retention.ms", "1"))
                .build()).records()).isEmpty();
        assertThat(controller.alterConfigs(next, AlterConfigsRequest.newBuilder()
                .addAlterations(ConfigAlteration.newBuilder().setTopic("orders").putSet("cleanup.policy", "compact"))
                .build()).records()).as("setting the current value is a no-op").isEmpty();
    }

    private ErrorCode alterOne(MetadataImage image, ConfigAlteration.Builder alteration) {
        return controller.alterConfigs(image, AlterConfigsRequest.newBuilder().addAlterations(alteration).build())
                .response().getResults(0).getError();
    }

    @Test
    void sameSeedSameDecisions() {
        MetadataImage image = brokers(5);
        MetadataController first = new MetadataController(ControllerConfig.DEFAULT, new SplittableRandom(7));
        MetadataController second = new MetadataController(ControllerConfig.DEFAULT, new SplittableRandom(7));
        assertThat(first.createTopics(image, create("t", 10, 3)).records())
                .isEqualTo(second.createTopics(image, create("t", 10, 3)).records());
    }
}
