package dev.sluice.broker.server;

import dev.sluice.broker.group.ClassicGroupCoordinator;
import dev.sluice.broker.group.GroupCoordinator;
import dev.sluice.broker.partition.FetchHandler;
import dev.sluice.broker.partition.ListOffsetsHandler;
import dev.sluice.broker.partition.ProduceHandler;
import dev.sluice.broker.partition.ProducerIdHandler;
import dev.sluice.broker.quota.ClientQuotas;
import dev.sluice.broker.rpc.AdminGrpcService;
import dev.sluice.broker.rpc.AuthorizedBrokerCalls;
import dev.sluice.broker.rpc.GroupGrpcService;
import dev.sluice.broker.rpc.RequestAuthorizer;
import dev.sluice.metadata.MetadataImage;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * What a {@link BrokerProtocol} serves with: the broker's own handlers, the very instances its gRPC services use, so
 * that a record produced through one protocol is validated, stored and served exactly as through the other. The admin
 * and group services are the gRPC service objects themselves, called in process: their logic (controller round trip,
 * read barrier, group coordinator) is not repeated. Immutable; every part is thread-safe.
 *
 * @param config       the node's settings, {@link NodeConfig#kafka()} among them
 * @param clusterId    the cluster id, as the gRPC Metadata call reports it
 * @param image        the broker's current metadata image (empty until the log is replayed)
 * @param controllerId the active controller's id, -1 when none is known
 * @param coordinator  the group coordinator the group service uses, for what the gRPC API has no call for (Kafka's
 *                     commits by classic group members)
 * @param classicGroups Kafka's classic group membership on that coordinator
 * @param authorizer   the ACL checks ({@code authorizer.enabled}); the admin and group services apply them already,
 *                     the other handlers do not: serve those through {@link #authorizedCalls()}
 * @param quotas       the client quotas, measured by {@link #authorizedCalls()} for both protocols
 */
public record BrokerServices(NodeConfig config, String clusterId, Supplier<MetadataImage> image,
                             IntSupplier controllerId, ProduceHandler produce, FetchHandler fetch,
                             ListOffsetsHandler listOffsets, ProducerIdHandler producerIds, AdminGrpcService admin,
                             GroupGrpcService groups, GroupCoordinator coordinator,
                             ClassicGroupCoordinator classicGroups, RequestAuthorizer authorizer,
                             ClientQuotas quotas) {
    /** Without client quotas. */
    public BrokerServices(NodeConfig config, String clusterId, Supplier<MetadataImage> image,
                          IntSupplier controllerId, ProduceHandler produce, FetchHandler fetch,
                          ListOffsetsHandler listOffsets, ProducerIdHandler producerIds, AdminGrpcService admin,
                          GroupGrpcService groups, GroupCoordinator coordinator,
                          ClassicGroupCoordinator classicGroups, RequestAuthorizer authorizer) {
        this(config, clusterId, image, controllerId, produce, fetch, listOffsets, producerIds, admin, groups,
                coordinator, classicGroups, authorizer, ClientQuotas.none());
    }

    /** Without authorization ({@link RequestAuthorizer#OFF}). */
    public BrokerServices(NodeConfig config, String clusterId, Supplier<MetadataImage> image,
                          IntSupplier controllerId, ProduceHandler produce, FetchHandler fetch,
                          ListOffsetsHandler listOffsets, ProducerIdHandler producerIds, AdminGrpcService admin,
                          GroupGrpcService groups, GroupCoordinator coordinator,
                          ClassicGroupCoordinator classicGroups) {
        this(config, clusterId, image, controllerId, produce, fetch, listOffsets, producerIds, admin, groups,
                coordinator, classicGroups, RequestAuthorizer.OFF);
    }

    /** Produce, fetch and list offsets behind the ACL checks and the client quotas, as the gRPC port serves them. */
    public AuthorizedBrokerCalls authorizedCalls() {
        return new AuthorizedBrokerCalls(authorizer, produce, fetch, listOffsets, quotas);
    }
}
