package dev.sluice.raft;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One seeded, deterministic run of a simulated cluster: 3 or 5 voters plus an observer, a network that drops,
 * delays (and so reorders) messages and partitions, nodes that crash and restart from their durable storage, and
 * a workload appending at the leader. The seed picks everything. After the fault phase the cluster heals and must
 * converge. Invariants are checked after every event; a violation throws {@link AssertionError}.
 */
final class RaftSimulation {
    private record Event(long atMs, long sequence, int nodeId, RaftMessage message, int sourceId)
        implements Comparable<Event> {
        @Override
        public int compareTo(Event other) {
            return atMs != other.atMs ? Long.compare(atMs, other.atMs) : Long.compare(sequence, other.sequence);
        }
    }

    private static final int OBSERVER_ID = 100;
    private static final long FAULT_PHASE_MS = 20_000;
    private static final long HEAL_PHASE_MS = 10_000;

    private final long seed;
    private final SplittableRandom random;
    private final Set<Integer> voterIds = new HashSet<>();
    private final Map<Integer, RaftCore> cores = new TreeMap<>();
    private final Map<Integer, SimStorage> storages = new HashMap<>();
    private final Map<Integer, Long> deadlines = new HashMap<>();
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final Map<Integer, Integer> leaderOfEpoch = new HashMap<>();
    private final List<LogEntry> committed = new ArrayList<>();
    private final Map<Integer, Integer> partitionSide = new HashMap<>();
    private final double dropRate;
    private final long maxDelayMs;
    private long nowMs;
    private long sequence;
    private int appended;
    private boolean faults = true;
    private boolean workload = true;

    RaftSimulation(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        int voters = random.nextBoolean() ? 3 : 5;
        for (int nodeId = 1; nodeId <= voters; nodeId++) {
            voterIds.add(nodeId);
        }
        dropRate = random.nextDouble() * 0.2;
        maxDelayMs = 1 + random.nextInt(40);
        for (int nodeId : allNodes()) {
            storages.put(nodeId, new SimStorage());
            restart(nodeId);
        }
    }

    private List<Integer> allNodes() {
        List<Integer> nodes = new ArrayList<>(new java.util.TreeSet<>(voterIds));
        nodes.add(OBSERVER_ID);
        return nodes;
    }

    String describe() {
        return "seed " + seed + ": " + voterIds.size() + " voters + observer, drop rate "
            + String.format("%.2f", dropRate) + ", max delay " + maxDelayMs + " ms";
    }

    /** Runs the fault phase, heals, and checks the cluster converges with every committed entry everywhere. */
    void run() {
        runUntil(FAULT_PHASE_MS);
        faults = false;
        partitionSide.clear();
        for (int nodeId : allNodes()) {
            if (!cores.containsKey(nodeId)) {
                restart(nodeId);
            }
        }
        runUntil(FAULT_PHASE_MS + HEAL_PHASE_MS);
        checkConverged();
    }

    private void runUntil(long endMs) {
        while (nowMs < endMs) {
            long nextTickMs = deadlines.values().stream().min(Long::compare).orElse(Long.MAX_VALUE);
            long nextFaultMs = nowMs + 1 + random.nextInt(50);
            long nextMs = Math.min(endMs, Math.min(nextFaultMs, nextTickMs));
            Event event = events.peek();
            if (event != null && event.atMs() <= nextMs) {
                events.poll();
                nowMs = Math.max(nowMs, event.atMs());
                deliver(event);
            } else {
                nowMs = nextMs;
                if (nextMs == nextFaultMs) {
                    maybeInjectFaultOrWork();
                }
                tickDueNodes();
            }
            checkInvariants();
        }
    }

    private void tickDueNodes() {
        for (int nodeId : new ArrayList<>(cores.keySet())) {
            if (deadlines.get(nodeId) <= nowMs) {
                apply(nodeId, cores.get(nodeId).tick(nowMs));
            }
        }
    }

    private void deliver(Event event) {
        RaftCore core = cores.get(event.nodeId());
        if (core != null) {
            apply(event.nodeId(), core.handle(event.message(), nowMs));
        }
    }

    private void maybeInjectFaultOrWork() {
        double roll = random.nextDouble();
        if (roll < 0.3 && workload) {
            appendAtLeader();
        } else if (faults && roll < 0.32) {
            crashRandomNode();
        } else if (faults && roll < 0.36) {
            restartRandomNode();
        } else if (faults && roll < 0.37) {
            partitionRandomly();
        } else if (roll < 0.39) {
            partitionSide.clear();
        }
    }

    private void appendAtLeader() {
        for (Map.Entry<Integer, RaftCore> entry : cores.entrySet()) {
            if (entry.getValue().role() instanceof Leader) {
                String payload = "v" + (appended++);
                apply(entry.getKey(), entry.getValue().append(payload.getBytes(), nowMs).effects());
            }
        }
    }

    private void crashRandomNode() {
        List<Integer> running = new ArrayList<>(cores.keySet());
        if (!running.isEmpty()) {
            int nodeId = running.get(random.nextInt(running.size()));
            cores.remove(nodeId);
            deadlines.remove(nodeId);
        }
    }

    private void restartRandomNode() {
        List<Integer> crashed = new ArrayList<>(allNodes());
        crashed.removeAll(cores.keySet());
        if (!crashed.isEmpty()) {
            restart(crashed.get(random.nextInt(crashed.size())));
        }
    }

    private void partitionRandomly() {
        partitionSide.clear();
        for (int nodeId : allNodes()) {
            partitionSide.put(nodeId, random.nextInt(2));
        }
    }

    private void restart(int nodeId) {
        SimStorage storage = storages.get(nodeId);
        RaftConfig config = new RaftConfig(nodeId, voterIds, 100, 300, 50, 100, 20, 512);
        RaftCore core = new RaftCore(config, random.split(), List.copyOf(storage.entries), storage.quorumState,
            nowMs);
        cores.put(nodeId, core);
        apply(nodeId, core.tick(nowMs));
    }

    /** The shell's order: durable writes first, then messages leave, then notifications. */
    private void apply(int nodeId, RaftEffects effects) {
        storages.get(nodeId).apply(effects.writes());
        for (Outbound outbound : effects.messages()) {
            send(nodeId, outbound);
        }
        for (Notification notification : effects.notifications()) {
            if (notification instanceof Notification.Committed commit) {
                checkCommitted(nodeId, commit.entry());
            }
        }
        deadlines.put(nodeId, effects.nextDeadlineMs());
        RaftCore core = cores.get(nodeId);
        if (core.role() instanceof Leader leader) {
            checkSingleLeader(nodeId, leader.epoch());
        }
    }

    private void send(int sourceId, Outbound outbound) {
        int destinationId = outbound.destinationId();
        Integer sourceSide = partitionSide.get(sourceId);
        boolean partitioned = sourceSide != null && !sourceSide.equals(partitionSide.get(destinationId));
        if (faults && (partitioned || random.nextDouble() < dropRate)) {
            return;
        }
        long delayMs = 1 + random.nextLong(maxDelayMs);
        events.add(new Event(nowMs + delayMs, sequence++, destinationId, outbound.message(), sourceId));
    }

    // ---- invariants -----------------------------------------------------------------------------------------

    private void fail(String message) {
        StringBuilder nodes = new StringBuilder();
        for (int nodeId : allNodes()) {
            RaftCore core = cores.get(nodeId);
            nodes.append("\n  node ").append(nodeId).append(": ").append(core == null ? "crashed"
                : core.role().getClass().getSimpleName() + " epoch " + core.epoch() + " leader " + core.leaderId()
                + " log end " + core.logEndOffset() + " last epoch " + core.lastEpoch() + " hw "
                + core.highWatermark() + " state " + core.quorumState());
        }
        throw new AssertionError(describe() + " at " + nowMs + " ms: " + message + nodes);
    }

    private void checkSingleLeader(int nodeId, int epoch) {
        Integer previous = leaderOfEpoch.putIfAbsent(epoch, nodeId);
        if (previous != null && previous != nodeId) {
            fail("two leaders in epoch " + epoch + ": " + previous + " and " + nodeId);
        }
        if (previous == null) {
            // Leader completeness: a new leader holds every entry committed so far.
            List<LogEntry> log = storages.get(nodeId).entries;
            for (LogEntry entry : committed) {
                if (entry.offset() >= log.size() || !log.get((int) entry.offset()).equals(entry)) {
                    fail("leader " + nodeId + " of epoch " + epoch + " lacks committed " + entry);
                }
            }
        }
    }

    private void checkCommitted(int nodeId, LogEntry entry) {
        if (entry.offset() < committed.size()) {
            if (!committed.get((int) entry.offset()).equals(entry)) {
                fail("node " + nodeId + " committed " + entry + " but " + committed.get((int) entry.offset())
                    + " was committed before");
            }
        } else if (entry.offset() == committed.size()) {
            committed.add(entry);
        } else {
            fail("node " + nodeId + " committed " + entry + " past a gap at " + committed.size());
        }
    }

    private void checkInvariants() {
        for (Map.Entry<Integer, RaftCore> entry : cores.entrySet()) {
            List<LogEntry> log = storages.get(entry.getKey()).entries;
            long highWatermark = entry.getValue().highWatermark();
            if (highWatermark > log.size()) {
                fail("node " + entry.getKey() + " high watermark " + highWatermark + " beyond its log " + log.size());
            }
            for (long offset = Math.max(0, highWatermark - 3); offset < Math.min(highWatermark, committed.size());
                 offset++) {
                if (!log.get((int) offset).equals(committed.get((int) offset))) {
                    fail("node " + entry.getKey() + " lost committed entry at " + offset);
                }
            }
        }
        if (sequence % 64 == 0) {
            checkLogMatching();
        }
    }

    /** If two logs hold an entry with the same offset and epoch, they are identical up to it. */
    private void checkLogMatching() {
        List<Integer> nodes = allNodes();
        for (int i = 0; i < nodes.size(); i++) {
            for (int j = i + 1; j < nodes.size(); j++) {
                List<LogEntry> left = storages.get(nodes.get(i)).entries;
                List<LogEntry> right = storages.get(nodes.get(j)).entries;
                int common = Math.min(left.size(), right.size());
                int last = common - 1;
                while (last >= 0 && left.get(last).epoch() != right.get(last).epoch()) {
                    last--;
                }
                if (!left.subList(0, last + 1).equals(right.subList(0, last + 1))) {
                    fail("logs of " + nodes.get(i) + " and " + nodes.get(j) + " differ before offset " + last);
                }
            }
        }
    }

    private void checkConverged() {
        checkLogMatching();
        int leaders = 0;
        for (RaftCore core : cores.values()) {
            leaders += core.role() instanceof Leader ? 1 : 0;
        }
        if (leaders != 1) {
            fail("after healing there are " + leaders + " leaders");
        }
        long committedBefore = committed.size();
        appendAtLeader();
        workload = false;
        runUntil(nowMs + 2_000);
        if (committed.size() <= committedBefore) {
            fail("an append after healing did not commit");
        }
        for (Map.Entry<Integer, RaftCore> entry : cores.entrySet()) {
            if (entry.getValue().highWatermark() < committed.size()) {
                fail("node " + entry.getKey() + " did not catch up: high watermark "
                    + entry.getValue().highWatermark() + " of " + committed.size());
            }
        }
    }
}
