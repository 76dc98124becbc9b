package dev.sluice.raft;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A hand-stepped cluster of {@link RaftCore}s for scenario tests: a fake clock, FIFO delivery, links that can be
 * cut, per-node durable storage, and per-node state machines that take snapshots when asked. Every effect is
 * applied in the shell's order (write, send, notify).
 */
final class CoreCluster {
    record InFlight(int sourceId, Outbound outbound) {
    }

    long nowMs = 1_000;
    final Set<Integer> voterIds;
    final Map<Integer, RaftCore> cores = new TreeMap<>();
    final Map<Integer, SimStorage> storages = new HashMap<>();
    final Map<Integer, List<Notification>> notifications = new HashMap<>();
    final Map<Integer, Long> deadlines = new HashMap<>();
    final Map<Integer, SimStateMachine> stateMachines = new HashMap<>();
    /** Passed to every core started from now on; 0 takes no snapshots. */
    long snapshotIntervalEntries;
    final Deque<InFlight> inFlight = new ArrayDeque<>();
    /** Cut links, as "from-to"; a cut link drops messages. */
    final Set<String> cutLinks = new HashSet<>();
    final SplittableRandom random;

    CoreCluster(Set<Integer> voterIds, Set<Integer> observerIds, long seed) {
        this.voterIds = Set.copyOf(voterIds);
        this.random = new SplittableRandom(seed);
        Set<Integer> all = new HashSet<>(voterIds);
        all.addAll(observerIds);
        for (int nodeId : all) {
            storages.put(nodeId, new SimStorage());
            notifications.put(nodeId, new ArrayList<>());
            start(nodeId);
        }
    }

    RaftConfig config(int nodeId) {
        return new RaftConfig(nodeId, voterIds, 100, 200, 40, 40, 10, 64, snapshotIntervalEntries);
    }

    /** (Re)starts a node from its durable storage. */
    void start(int nodeId) {
        SimStorage storage = storages.get(nodeId);
        RaftCore core = new RaftCore(config(nodeId), random.split(), storage.recovered(false), storage.quorumState,
            nowMs);
        cores.put(nodeId, core);
        stateMachines.put(nodeId, new SimStateMachine());
        apply(nodeId, core.tick(nowMs));
    }

    void apply(int nodeId, RaftEffects effects) {
        storages.get(nodeId).apply(effects.writes());
        for (Outbound outbound : effects.messages()) {
            inFlight.add(new InFlight(nodeId, outbound));
        }
        notifications.get(nodeId).addAll(effects.notifications());
        deadlines.put(nodeId, effects.nextDeadlineMs());
        SimStateMachine stateMachine = stateMachines.get(nodeId);
        for (Notification notification : effects.notifications()) {
            if (notification instanceof Notification.Committed committed) {
                String error = stateMachine.apply(committed.entry());
                if (error != null) {
                    throw new AssertionError("node " + nodeId + ": " + error);
                }
            } else if (notification instanceof Notification.SnapshotLoaded loaded) {
                stateMachine.load(loaded.snapshot());
            } else if (notification instanceof Notification.SnapshotDue due) {
                apply(nodeId, cores.get(nodeId).handleSnapshotCreated(stateMachine.createSnapshot(due.snapshotId()),
                    nowMs));
            }
        }
    }

    void isolate(int nodeId) {
        for (int other : cores.keySet()) {
            if (other != nodeId) {
                cutLinks.add(nodeId + "-" + other);
                cutLinks.add(other + "-" + nodeId);
            }
        }
    }

    void heal() {
        cutLinks.clear();
    }

    /** Delivers messages until none are left. */
    void deliverAll() {
        for (int i = 0; !inFlight.isEmpty(); i++) {
            if (i > 100_000) {
                throw new IllegalStateException("messages never settle");
            }
            InFlight next = inFlight.poll();
            int destinationId = next.outbound().destinationId();
            if (cutLinks.contains(next.sourceId() + "-" + destinationId) || !cores.containsKey(destinationId)) {
                continue;
            }
            RaftCore core = cores.get(destinationId);
            apply(destinationId, core.handle(next.outbound().message(), nowMs));
        }
    }

    /** Moves the clock forward in small steps, ticking due cores and delivering messages after each step. */
    void runFor(long durationMs) {
        long endMs = nowMs + durationMs;
        while (nowMs < endMs) {
            nowMs = Math.min(endMs, nowMs + 5);
            for (Map.Entry<Integer, RaftCore> entry : cores.entrySet()) {
                if (deadlines.get(entry.getKey()) <= nowMs) {
                    apply(entry.getKey(), entry.getValue().tick(nowMs));
                }
            }
            deliverAll();
        }
    }

    long append(int nodeId, String payload) {
        RaftCore.AppendResult result = cores.get(nodeId).append(payload.getBytes(), nowMs);
        apply(nodeId, result.effects());
        return result.offset();
    }

    /** The leader with the highest epoch, or -1. */
    int leader() {
        int leaderId = -1;
        int epoch = -1;
        for (Map.Entry<Integer, RaftCore> entry : cores.entrySet()) {
            if (entry.getValue().role() instanceof Leader && entry.getValue().epoch() > epoch) {
                leaderId = entry.getKey();
                epoch = entry.getValue().epoch();
            }
        }
        return leaderId;
    }

    List<String> committedPayloads(int nodeId) {
        List<String> payloads = new ArrayList<>();
        for (Notification notification : notifications.get(nodeId)) {
            if (notification instanceof Notification.Committed committed
                && !committed.entry().isLeaderChangeMarker()) {
                payloads.add(new String(committed.entry().payload()));
            }
        }
        return payloads;
    }
}
