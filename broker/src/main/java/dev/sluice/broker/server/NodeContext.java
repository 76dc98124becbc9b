package dev.sluice.broker.server;

import dev.sluice.broker.metrics.MeterRefresh;
import dev.sluice.broker.rpc.MalformedRequests;
import dev.sluice.fault.FaultHandler;
import dev.sluice.identity.NodeIdentity;
import dev.sluice.security.ChannelSecurity;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What both roles of a node share, built by {@link Node} before either role: the settings, the fault handler, the
 * wall clock, this process's identity, the metrics registry, the scheduler and the guard that answers requests that
 * do not parse. The {@link Node} owns and stops each of these; the roles only use them. Immutable; any thread.
 *
 * @param clusterId the cluster this node's data directory belongs to ({@code meta.properties})
 * @param identity sent with every node-to-node request and checked on every one received
 * @param scheduler for short periodic and delayed tasks (two threads); stopped after the roles, before the
 *     partition store
 * @param malformedRequests answers requests that do not parse, on both gRPC ports, with {@code INVALID_ARGUMENT}
 *     (not {@code UNKNOWN} and a stack trace)
 * @param meterRefresh where a role adds the work that recomputes its per-key meters before each scrape
 * @param brokerChannels how this node reaches the other brokers' ports (replica fetch, probes): TLS with the
 *     {@code client} listener's files when it has TLS
 * @param controllerChannels how this node reaches the controllers' ports (Raft, broker-to-controller): TLS with the
 *     {@code controller} listener's files when it has TLS
 */
record NodeContext(NodeConfig config, FaultHandler faultHandler, Clock clock, String clusterId,
                   NodeIdentity identity, PrometheusMeterRegistry registry, ScheduledExecutorService scheduler,
                   MalformedRequests malformedRequests, MeterRefresh meterRefresh, ChannelSecurity brokerChannels,
                   ChannelSecurity controllerChannels) {
}
