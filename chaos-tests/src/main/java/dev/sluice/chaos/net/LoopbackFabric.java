package dev.sluice.chaos.net;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The fallback where namespaces cannot be created: every node binds its own loopback address {@code 127.0.0.x}, all
 * in the root namespace, so only process faults are possible. Link faults throw; the network nemeses check
 * {@link #linkFaultsUnavailable()} first and skip themselves.
 */
public final class LoopbackFabric implements NetworkFabric {
    private final int base;
    private final String reason;
    private final Map<Integer, String> addresses = new LinkedHashMap<>();

    /** {@code base}: 2..200, the last octet of node 1's address minus 1; {@code reason}: why no namespaces. */
    public LoopbackFabric(int base, String reason) {
        this.base = base;
        this.reason = reason;
    }

    @Override
    public String name() {
        return "loopback";
    }

    @Override
    public void setUp(List<Integer> nodeIds) {
        for (int id : nodeIds) {
            addresses.put(id, "127.0.0." + (base + id));
        }
    }

    @Override
    public String address(int nodeId) {
        return addresses.get(nodeId);
    }

    @Override
    public List<String> commandPrefix(int nodeId) {
        return List.of();
    }

    @Override
    public Optional<String> linkFaultsUnavailable() {
        return Optional.of("loopback fabric (" + reason + "): nodes share one network namespace");
    }

    @Override
    public void dropLinks(Set<LinkPair> pairs) {
        throw new UnsupportedOperationException(linkFaultsUnavailable().orElseThrow());
    }

    @Override
    public void lossy(int nodeId, double probability) {
        throw new UnsupportedOperationException(linkFaultsUnavailable().orElseThrow());
    }

    @Override
    public String slow(int nodeId) {
        throw new UnsupportedOperationException(linkFaultsUnavailable().orElseThrow());
    }

    @Override
    public void healLinks() {
    }

    @Override
    public List<String> notes() {
        return new ArrayList<>(List.of("loopback fallback: " + reason + "; process faults only"));
    }

    @Override
    public void close() {
    }
}
