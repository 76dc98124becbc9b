package dev.sluice.chaos.net;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where the nodes of a chaos run live on the network: each node gets its own address, and (when the fabric supports
 * it) the links between nodes can be cut or degraded. Node ids are 1-based. Used by the runner and nemesis threads
 * one call at a time (callers serialize faults).
 */
public interface NetworkFabric extends AutoCloseable {
    /** Short name for the report: {@code namespaces} or {@code loopback}. */
    String name();

    /** Creates the per-node network for {@code nodeIds}; called once before any node starts. */
    void setUp(List<Integer> nodeIds);

    /** The address node {@code nodeId} binds and advertises. */
    String address(int nodeId);

    /** The prefix that runs a command inside node {@code nodeId}'s network (empty when nodes share one). */
    List<String> commandPrefix(int nodeId);

    /** Empty when link faults work; otherwise why not (the network nemeses then skip themselves). */
    Optional<String> linkFaultsUnavailable();

    /** Drops every packet sent from {@code from} to {@code to}, for each directed pair given. */
    void dropLinks(Set<LinkPair> pairs);

    /** Drops a random {@code probability} of the packets node {@code nodeId} receives. */
    void lossy(int nodeId, double probability);

    /** Slows node {@code nodeId}'s link; returns how (e.g. {@code "netem delay 300ms"} or {@code "tbf 256kbit"}). */
    String slow(int nodeId);

    /** Removes every link fault (drops, loss, slowness). */
    void healLinks();

    /** Free-form notes for the report (e.g. why the fabric fell back to loopback). */
    List<String> notes();

    @Override
    void close();
}
