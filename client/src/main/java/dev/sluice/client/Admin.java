package dev.sluice.client;

import dev.sluice.client.internal.AclWire;
import dev.sluice.client.internal.AdminSettings;
import dev.sluice.client.internal.AnyBroker;
import dev.sluice.client.internal.ChannelPool;
import dev.sluice.client.internal.ConfigReader;
import dev.sluice.client.internal.Errors;
import dev.sluice.client.internal.GroupAdmin;
import dev.sluice.client.internal.RetryingCall;
import dev.sluice.client.internal.Time;
import dev.sluice.proto.v1.AclResult;
import dev.sluice.proto.v1.AdminGrpc;
import dev.sluice.proto.v1.AlterConfigsRequest;
import dev.sluice.proto.v1.ConfigAlteration;
import dev.sluice.proto.v1.CreateAclsRequest;
import dev.sluice.proto.v1.CreateTopicsRequest;
import dev.sluice.proto.v1.DeleteAclsFilterResult;
import dev.sluice.proto.v1.DeleteAclsRequest;
import dev.sluice.proto.v1.DeleteTopicsRequest;
import dev.sluice.proto.v1.DescribeAclsRequest;
import dev.sluice.proto.v1.DescribeAclsResponse;
import dev.sluice.proto.v1.DescribeClusterRequest;
import dev.sluice.proto.v1.DescribeClusterResponse;
import dev.sluice.proto.v1.DescribeTopicsRequest;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.ListTopicsRequest;
import dev.sluice.proto.v1.ListTopicsResponse;
import dev.sluice.proto.v1.TopicResult;
import dev.sluice.security.acl.AclBinding;
import dev.sluice.security.acl.AclBindingFilter;
import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Cluster administration: topics, configs, cluster state, consumer groups, ACLs. Every method is synchronous, retries
 * retriable errors (NOT_CONTROLLER, LEADER_NOT_AVAILABLE, ...) until {@code default.api.timeout.ms},
 * and throws a typed {@link SluiceException} otherwise ({@link TopicExistsException},
 * {@link UnknownTopicException}, {@link InvalidTopicException}, {@link BrokerUnavailableException} when no
 * bootstrap broker can be reached). Thread-safe.
 */
public final class Admin implements AutoCloseable {
    private final AdminSettings settings;
    private final Time time;
    private final ChannelPool channels;
    private final AnyBroker broker;
    private final RetryingCall retrying;
    private final GroupAdmin groups;

    private Admin(AdminSettings settings, Time time) {
        this.channels = new ChannelPool(settings.tls(), settings.sasl(), settings.clientId());
        this.settings = settings;
        this.time = time;
        this.broker = new AnyBroker(settings.bootstrapServers(), channels);
        this.retrying = new RetryingCall(time, settings.retryBackoffMs());
        this.groups = new GroupAdmin(settings, channels, time);
    }

    /** Every consumer group of the cluster (each broker lists those it coordinates), sorted by id. */
    public List<ConsumerGroupListing> listGroups() {
        List<String> addresses = describeCluster().brokers().stream().filter(b -> !b.fenced())
                .map(b -> b.host() + ":" + b.port()).toList();
        return groups.list(addresses);
    }

    /** A group's state, members with their assignments, and committed offsets; state Dead when unknown. */
    public ConsumerGroupDescription describeGroup(String groupId) {
        return groups.describe(groupId);
    }

    /** Deletes a group without active members and its committed offsets. */
    public void deleteGroup(String groupId) {
        groups.delete(groupId);
    }

    /** Offsets per partition: {@code -2} earliest, {@code -1} latest (high watermark), else a timestamp (ms). */
    public Map<TopicPartition, Long> listOffsets(Map<TopicPartition, Long> specs) {
        return groups.listOffsets(specs);
    }

    /**
     * Moves the group's committed offsets of every partition of {@code topic}; refused (GROUP_NOT_EMPTY) while the
     * group has active members. Returns the new offsets.
     */
    public Map<TopicPartition, Long> resetOffsets(String groupId, String topic, OffsetResetSpec spec) {
        int partitions = describeTopics(List.of(topic)).get(topic).partitions().size();
        return groups.reset(groupId, topic, partitions, spec);
    }

    /**
     * @param config Kafka-style settings; see {@link AdminConfig}
     * @throws IllegalArgumentException on a missing or invalid setting
     */
    public static Admin create(Map<String, Object> config) {
        return new Admin(AdminSettings.from(config), Time.SYSTEM);
    }

    /** Same, from {@link Properties}. */
    public static Admin create(Properties config) {
        return create(ConfigReader.toMap(config));
    }

    /** Creates topics; throws for the first topic that failed (the others may have been created). */
    public void createTopics(Collection<NewTopic> topics) {
        CreateTopicsRequest.Builder request = CreateTopicsRequest.newBuilder();
        for (NewTopic topic : topics) {
            // Unset fields stay absent on the wire: the broker then applies its defaults.
            dev.sluice.proto.v1.NewTopic.Builder wire = dev.sluice.proto.v1.NewTopic.newBuilder().setName(topic.name())
                    .putAllConfigs(topic.configs());
            topic.partitions().ifPresent(wire::setPartitions);
            topic.replicationFactor().ifPresent(wire::setReplicationFactor);
            request.addTopics(wire);
        }
        callAtMostOnce("create", stub -> checkResults(stub.createTopics(request.build()).getResultsList()));
    }

    /** Deletes topics; throws for the first topic that failed. */
    public void deleteTopics(Collection<String> names) {
        DeleteTopicsRequest request = DeleteTopicsRequest.newBuilder().addAllNames(names).build();
        callAtMostOnce("delete", stub -> checkResults(stub.deleteTopics(request).getResultsList()));
    }

    /**
     * Creates (or replaces) {@code user}'s SCRAM credential for {@code mechanism} ({@code SCRAM-SHA-256} or
     * {@code SCRAM-SHA-512}). The credential (salt, StoredKey, ServerKey) is derived here from the password, which
     * never leaves this process.
     */
    public void createUser(String user, String mechanism, char[] password, int iterations) {
        dev.sluice.security.scram.ScramMechanism parsed = dev.sluice.security.scram.ScramMechanism.forName(mechanism)
                .orElseThrow(() -> new IllegalArgumentException("unknown mechanism '" + mechanism
                        + "': expected SCRAM-SHA-256 or SCRAM-SHA-512"));
        dev.sluice.security.scram.ScramCredential credential = dev.sluice.security.scram.ScramCredential.create(
                parsed, password, iterations, new java.security.SecureRandom());
        var request = dev.sluice.proto.v1.AlterUserScramCredentialsRequest.newBuilder()
                .addUpsertions(dev.sluice.proto.v1.ScramCredential.newBuilder().setUser(user)
                        .setMechanism(parsed == dev.sluice.security.scram.ScramMechanism.SCRAM_SHA_256
                                ? dev.sluice.proto.v1.ScramMechanism.SCRAM_SHA_256
                                : dev.sluice.proto.v1.ScramMechanism.SCRAM_SHA_512)
                        .setSalt(com.google.protobuf.ByteString.copyFrom(credential.salt()))
                        .setIterations(iterations)
                        .setStoredKey(com.google.protobuf.ByteString.copyFrom(credential.storedKey()))
                        .setServerKey(com.google.protobuf.ByteString.copyFrom(credential.serverKey())))
                .build();
        alterUsers("create user", request);
    }

    /** Deletes every SCRAM credential of {@code user}; it cannot authenticate any more. */
    public void deleteUser(String user) {
        alterUsers("delete user", dev.sluice.proto.v1.AlterUserScramCredentialsRequest.newBuilder()
                .addDeletions(dev.sluice.proto.v1.ScramCredentialDeletion.newBuilder().setUser(user)).build());
    }

    /** The users with SCRAM credentials, sorted by name: mechanisms and iteration counts only. */
    public List<UserDescription> describeUsers() {
        return retried(() -> broker.call(channel -> {
            var response = dev.sluice.proto.v1.UsersGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(settings.requestTimeoutMs(), TimeUnit.MILLISECONDS)
                    .describeUserScramCredentials(
                            dev.sluice.proto.v1.DescribeUserScramCredentialsRequest.getDefaultInstance());
            check(response.getError(), response.getErrorMessage(), null);
            return response.getUsersList().stream().map(u -> new UserDescription(u.getUser(),
                    u.getCredentialsList().stream().collect(java.util.stream.Collectors.toMap(
                            c -> c.getMechanism() == dev.sluice.proto.v1.ScramMechanism.SCRAM_SHA_256
                                    ? "SCRAM-SHA-256" : "SCRAM-SHA-512",
                            dev.sluice.proto.v1.ScramCredentialInfo::getIterations)))).toList();
        }), Admin::worthRetrying);
    }

    private void alterUsers(String what, dev.sluice.proto.v1.AlterUserScramCredentialsRequest request) {
        try {
            retried(() -> broker.callAtMostOnce(channel -> {
                var response = dev.sluice.proto.v1.UsersGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(settings.requestTimeoutMs(), TimeUnit.MILLISECONDS)
                        .alterUserScramCredentials(request);
                for (dev.sluice.proto.v1.UserResult result : response.getResultsList()) {
                    check(result.getError(), result.getErrorMessage(), null);
                }
                return null;
            }), error -> !(error instanceof TimeoutException) && worthRetrying(error));
        } catch (TimeoutException e) {
            throw new TimeoutException(what + " did not complete; it may or may not have taken effect: "
                    + e.getMessage(), e);
        }
    }

    /** The topics of the cluster, internal ones excluded, sorted by name. */
    public List<TopicListing> listTopics() {
        return listTopics(false);
    }

    /** The topics of the cluster, sorted by name. */
    public List<TopicListing> listTopics(boolean includeInternal) {
        ListTopicsRequest request = ListTopicsRequest.newBuilder().setIncludeInternal(includeInternal).build();
        return call(stub -> {
            ListTopicsResponse response = stub.listTopics(request);
            check(response.getError(), response.getErrorMessage(), null);
            return response.getTopicsList().stream().map(t -> new TopicListing(t.getName(), t.getTopicId(),
                            t.getPartitions(), t.getReplicationFactor(), t.getInternal()))
                .sorted(java.util.Comparator.comparing(TopicListing::name))
                .toList();
        });
    }

    /**
     * Describes topics (partitions with leader, replicas, ISR, offsets; explicitly set configs), in the
     * order asked.
     *
     * @throws UnknownTopicException when a topic does not exist
     */
    public Map<String, TopicDescription> describeTopics(Collection<String> names) {
        DescribeTopicsRequest request = DescribeTopicsRequest.newBuilder().addAllNames(names).build();
        return call(stub -> {
            Map<String, TopicDescription> described = new LinkedHashMap<>();
            for (dev.sluice.proto.v1.TopicDescription topic : stub.describeTopics(request).getTopicsList()) {
                check(topic.getError(), topic.getErrorMessage(), topic.getName());
                List<PartitionDescription> partitions = new ArrayList<>();
                topic.getPartitionsList().forEach(p -> partitions.add(new PartitionDescription(p.getPartition(),
                        p.getLeaderId(), p.getLeaderEpoch(), p.getReplicasList(), p.getIsrList(),
                        p.getLogStartOffset(), p.getLogEndOffset(), p.getHighWatermark())));
                partitions.sort(java.util.Comparator.comparingInt(PartitionDescription::partition));
                described.put(topic.getName(), new TopicDescription(topic.getName(), topic.getTopicId(),
                        topic.getInternal(), partitions, topic.getConfigsMap()));
            }
            return described;
        });
    }

    /** Sets and deletes (reverts to the default) configs of one topic. */
    public void alterConfigs(String topic, Map<String, String> set, Collection<String> delete) {
        AlterConfigsRequest request = AlterConfigsRequest.newBuilder()
                .addAlterations(ConfigAlteration.newBuilder().setTopic(topic).putAllSet(set).addAllDelete(delete))
                .build();
        callAtMostOnce("alter", stub -> checkResults(stub.alterConfigs(request).getResultsList()));
    }

    /**
     * One step of moving a partition to {@code replicas}: {@code complete=false} adds them (the replica list becomes
     * the target followed by the old replicas); once all are in the ISR, {@code complete=true} drops the others.
     * Throws when refused (e.g. {@link dev.sluice.proto.v1.ErrorCode#NOT_ENOUGH_REPLICAS} before they caught up).
     */
    public void reassignPartition(String topic, int partition, List<Integer> replicas, boolean complete) {
        dev.sluice.proto.v1.ReassignPartitionRequest request = dev.sluice.proto.v1.ReassignPartitionRequest
                .newBuilder().setTopic(topic).setPartition(partition).addAllReplicas(replicas).setComplete(complete)
                .build();
        call(stub -> checkResults(List.of(stub.reassignPartition(request))));
    }

    /**
     * Creates ACLs (an ACL that exists already is left as it is). Needs ALTER on the cluster when the brokers check
     * ACLs; throws {@link AuthorizationException} without it, a {@link SluiceException} with {@code INVALID_ACL} for
     * an ACL the controller refuses (the others of the call may have been created).
     */
    public void createAcls(Collection<AclBinding> acls) {
        CreateAclsRequest.Builder request = CreateAclsRequest.newBuilder();
        acls.forEach(acl -> request.addCreations(AclWire.toProto(acl)));
        callAtMostOnce("create ACLs", stub -> {
            for (AclResult result : stub.createAcls(request.build()).getResultsList()) {
                check(result.getError(), result.getErrorMessage(), null);
            }
            return null;
        });
    }

    /** Removes the ACLs each filter matches and returns them. Needs ALTER on the cluster (see above). */
    public List<AclBinding> deleteAcls(Collection<AclBindingFilter> filters) {
        DeleteAclsRequest.Builder request = DeleteAclsRequest.newBuilder();
        filters.forEach(filter -> request.addFilters(AclWire.toProto(filter)));
        List<AclBinding> deleted = new ArrayList<>();
        callAtMostOnce("remove ACLs", stub -> {
            for (DeleteAclsFilterResult result : stub.deleteAcls(request.build()).getResultsList()) {
                check(result.getError(), result.getErrorMessage(), null);
                result.getDeletedList().forEach(acl -> deleted.add(AclWire.toModel(acl)));
            }
            return null;
        });
        return deleted;
    }

    /** The ACLs that match {@code filter} ({@link AclBindingFilter#ANY}: all). Needs DESCRIBE on the cluster. */
    public List<AclBinding> describeAcls(AclBindingFilter filter) {
        DescribeAclsRequest request = DescribeAclsRequest.newBuilder().setFilter(AclWire.toProto(filter)).build();
        return call(stub -> {
            DescribeAclsResponse response = stub.describeAcls(request);
            check(response.getError(), response.getErrorMessage(), null);
            return response.getAclsList().stream().map(AclWire::toModel).toList();
        });
    }

    /**
     * Sets and removes client quotas of one entity (docs/security.md, "Quotas"): {@code user} and {@code clientId}
     * name it (null: not part of it; {@code "<default>"}: the default), {@code set} gives keys their values
     * ({@code producer_byte_rate}, {@code consumer_byte_rate}, {@code request_percentage}), {@code remove} deletes
     * keys. All or nothing: a {@link SluiceException} with {@code INVALID_QUOTA} for an unknown key, a value out of
     * range or a malformed entity, and nothing is changed. Needs ALTER_CONFIGS on the cluster when brokers check
     * ACLs.
     */
    public void alterClientQuotas(String user, String clientId, Map<String, Double> set, Collection<String> remove) {
        dev.sluice.proto.v1.AlterClientQuotasRequest request = dev.sluice.proto.v1.AlterClientQuotasRequest
                .newBuilder().addAlterations(dev.sluice.proto.v1.QuotaAlteration.newBuilder()
                        .setEntity(quotaEntity(user, clientId)).putAllSet(set).addAllRemove(remove)).build();
        callAtMostOnce("alter client quotas", stub -> {
            for (var result : stub.alterClientQuotas(request).getResultsList()) {
                check(result.getError(), result.getErrorMessage(), null);
            }
            return null;
        });
    }

    /**
     * The client quotas set, per entity, filtered by {@code user} and {@code clientId} when not null (an exact
     * match; {@code "<default>"} selects the default). Needs DESCRIBE_CONFIGS on the cluster when brokers check ACLs.
     */
    public List<ClientQuotaEntry> describeClientQuotas(String user, String clientId) {
        dev.sluice.proto.v1.DescribeClientQuotasRequest.Builder request =
                dev.sluice.proto.v1.DescribeClientQuotasRequest.newBuilder();
        if (user != null) {
            request.setUser(user);
        }
        if (clientId != null) {
            request.setClientId(clientId);
        }
        return call(stub -> {
            var response = stub.describeClientQuotas(request.build());
            check(response.getError(), response.getErrorMessage(), null);
            return response.getEntriesList().stream().map(entry -> new ClientQuotaEntry(
                    entry.getEntity().hasUser() ? entry.getEntity().getUser() : null,
                    entry.getEntity().hasClientId() ? entry.getEntity().getClientId() : null,
                    new java.util.TreeMap<>(entry.getValuesMap()))).toList();
        });
    }

    private static dev.sluice.proto.v1.QuotaEntity quotaEntity(String user, String clientId) {
        dev.sluice.proto.v1.QuotaEntity.Builder entity = dev.sluice.proto.v1.QuotaEntity.newBuilder();
        if (user != null) {
            entity.setUser(user);
        }
        if (clientId != null) {
            entity.setClientId(clientId);
        }
        return entity.build();
    }

    /** The cluster id, the active controller, the brokers and the metadata quorum. */
    public ClusterDescription describeCluster() {
        return call(stub -> {
            DescribeClusterResponse response = stub.describeCluster(DescribeClusterRequest.getDefaultInstance());
            check(response.getError(), response.getErrorMessage(), null);
            List<BrokerNode> brokers = response.getBrokersList().stream()
                    .map(b -> new BrokerNode(b.getNodeId(), b.getHost(), b.getPort(), b.getRack(), b.getFenced()))
                    .sorted(java.util.Comparator.comparingInt(BrokerNode::id)).toList();
            dev.sluice.proto.v1.QuorumInfo quorum = response.getQuorum();
            return new ClusterDescription(response.getClusterId(), response.getControllerId(), brokers,
                    new QuorumDescription(quorum.getLeaderId(), quorum.getLeaderEpoch(), quorum.getHighWatermark(),
                            replicas(quorum.getVotersList()), replicas(quorum.getObserversList())));
        });
    }

    private static List<ReplicaState> replicas(List<dev.sluice.proto.v1.VoterState> states) {
        return states.stream().map(v -> new ReplicaState(v.getNodeId(), v.getLogEndOffset(), v.getLag(),
                v.getLastCaughtUpMsAgo())).toList();
    }

    private <T> T call(Function<AdminGrpc.AdminBlockingStub, T> request) {
        return retried(() -> broker.call(stubbed(request)), Admin::worthRetrying);
    }

    /** Runs {@code attempt} again after the errors {@code retry} accepts, until {@code default.api.timeout.ms}. */
    private <T> T retried(Supplier<T> attempt, Predicate<RetriableException> retry) {
        return retrying.call(time.milliseconds() + settings.defaultApiTimeoutMs(), attempt, () -> { }, retry);
    }

    private <T> Function<ManagedChannel, T> stubbed(Function<AdminGrpc.AdminBlockingStub, T> request) {
        return channel -> request.apply(AdminGrpc.newBlockingStub(channel)
                .withDeadlineAfter(settings.requestTimeoutMs(), TimeUnit.MILLISECONDS));
    }

    /**
     * A create, delete or config change: retried after answers that say it was not applied (no controller yet, the
     * leader moving), but never after a timeout or a connection that broke while the call was in flight. Such an
     * attempt may still take effect, and a retry could then apply the change a second time, after another client's
     * change in between (the chaos metadata checker saw a create and a concurrent delete each applied twice); a
     * retry's "already exists" could also be this call's own create. So it is reported as it is: a
     * {@link TimeoutException}, meaning the outcome is unknown.
     */
    private void callAtMostOnce(String what, Function<AdminGrpc.AdminBlockingStub, Void> request) {
        try {
            retried(() -> broker.callAtMostOnce(stubbed(request)),
                    error -> !(error instanceof TimeoutException) && worthRetrying(error));
        } catch (TimeoutException e) {
            throw new TimeoutException(what + " did not complete; it may or may not have taken effect (not retried, "
                    + "since a retry could apply it twice): " + e.getMessage(), e);
        }
    }

    /**
     * An unknown topic is an answer for admin calls, and an unreachable bootstrap list is reported at
     * once rather than after the whole API timeout; other retriable errors (no controller yet, leader
     * moving) are retried.
     */
    private static boolean worthRetrying(RetriableException error) {
        return !(error instanceof UnknownTopicException) && !(error instanceof BrokerUnavailableException);
    }

    private static Void checkResults(List<TopicResult> results) {
        for (TopicResult result : results) {
            check(result.getError(), result.getErrorMessage(), result.getName());
        }
        return null;
    }

    private static void check(ErrorCode code, String message, String topic) {
        if (code == ErrorCode.NONE) {
            return;
        }
        String text = message;
        if (text == null || text.isEmpty()) {
            text = code == ErrorCode.UNKNOWN_TOPIC_OR_PARTITION && topic != null ? "topic " + topic + " does not exist"
                    : code == ErrorCode.TOPIC_ALREADY_EXISTS && topic != null ? "topic " + topic + " already exists"
                    : Errors.describe(code) + (topic == null ? "" : " (topic " + topic + ")");
        }
        throw Errors.toException(code, text);
    }

    /** Releases the connections. */
    @Override
    public void close() {
        channels.close();
    }
}
