package dev.sluice.raft;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One seeded, deterministic run of a simulated cluster: 3 or 5 voters plus an observer, each with a state machine
 * that snapshots every few entries; a {@link SimNetwork} that drops, delays, reorders, duplicates and partitions
 * (both ways or one way); nodes that crash and restart from their durable storage (sometimes finding the newest
 * snapshot corrupt); and a workload appending at the leader. The seed picks everything.
 *
 * <p>After the fault phase the cluster heals. It must then elect a leader and commit a new entry within
 * {@link #LIVENESS_BOUND_MS} of simulated time, and converge: every node holds every committed entry and every
 * state machine holds the same state. Safety invariants are checked after every event; a violation throws
 * {@link AssertionError}.
 */
final class RaftSimulation {
    private static final int OBSERVER_ID = 100;
    private static final long FAULT_PHASE_MS = 20_000;
    private static final long HEAL_PHASE_MS = 10_000;
    /** After healing, a leader is elected and an entry appended then commits within this much simulated time. */
    static final long LIVENESS_BOUND_MS = 5_000;

    private final long seed;
    private final SplittableRandom random;
    private final SimNetwork network;
    private final TreeSet<Integer> voterIds = new TreeSet<>();
    private final long snapshotIntervalEntries;
    private final Map<Integer, RaftCore> cores = new TreeMap<>();
    private final Map<Integer, SimStorage> storages = new HashMap<>();
    private final Map<Integer, SimStateMachine> stateMachines = new HashMap<>();
    private final Map<Integer, Long> deadlines = new HashMap<>();
    private final Map<Integer, Integer> leaderOfEpoch = new HashMap<>();
    private final List<LogEntry> committed = new ArrayList<>();
    /** A run takes a few hundred thousand events; far more means the cluster is spinning. */
    private static final long MAX_STEPS = 3_000_000;
    private final java.util.ArrayDeque<String> recentEvents = new java.util.ArrayDeque<>();
    private long steps;
    private long nowMs;
    private int appended;
    private int snapshotsLoaded;
    private boolean faults = true;
    private boolean workload = true;

    RaftSimulation(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        int voters = random.nextBoolean() ? 3 : 5;
        for (int nodeId = 1; nodeId <= voters; nodeId++) {
            voterIds.add(nodeId);
        }
        network = new SimNetwork(random.split());
        snapshotIntervalEntries = 5 + random.nextInt(40);
        for (int nodeId : allNodes()) {
            storages.put(nodeId, new SimStorage());
            restart(nodeId);
        }
    }

    private List<Integer> allNodes() {
        List<Integer> nodes = new ArrayList<>(voterIds);
        nodes.add(OBSERVER_ID);
        return nodes;
    }

    String describe() {
        return "seed " + seed + ": " + voterIds.size() + " voters + observer, " + network.describe()
            + ", snapshot every " + snapshotIntervalEntries + " entries";
    }

    /** Snapshots loaded into state machines during the run (on restart or fetched); for the test's report. */
    int snapshotsLoaded() {
        return snapshotsLoaded;
    }

    /** Runs the fault phase, heals, checks liveness within the bound and that the cluster converges. */
    void run() {
        runUntil(FAULT_PHASE_MS);
        faults = false;
        network.faults = false;
        network.heal();
        for (int nodeId : allNodes()) {
            if (!cores.containsKey(nodeId)) {
                restart(nodeId);
            }
        }
        checkLivenessAfterHealing(FAULT_PHASE_MS);
        runUntil(FAULT_PHASE_MS + HEAL_PHASE_MS);
        checkConverged();
    }

    private void runUntil(long endMs) {
        while (nowMs < endMs) {
            step(endMs);
        }
    }

    private void step(long endMs) {
        if (++steps > MAX_STEPS) {
            fail("more than " + MAX_STEPS + " events: a message storm or a timer that never advances; recent: "
                + recentEvents);
        }
        long nextTickMs = deadlines.values().stream().min(Long::compare).orElse(Long.MAX_VALUE);
        long nextFaultMs = nowMs + 1 + random.nextInt(50);
        long nextMs = Math.min(endMs, Math.min(nextFaultMs, nextTickMs));
        SimNetwork.Event event = network.peek();
        if (event != null && event.atMs() <= nextMs) {
            network.poll();
            nowMs = Math.max(nowMs, event.atMs());
            recentEvents.addLast(event.sourceId() + "->" + event.destinationId() + " "
                + event.message().getClass().getSimpleName());
            if (recentEvents.size() > 20) {
                recentEvents.removeFirst();
            }
            RaftCore core = cores.get(event.destinationId());
            if (core != null) {
                apply(event.destinationId(), core.handle(event.message(), nowMs));
            }
        } else {
            nowMs = nextMs;
            if (nextMs == nextFaultMs) {
                maybeInjectFaultOrWork();
            }
            tickDueNodes();
        }
        checkInvariants();
    }

    private void tickDueNodes() {
        for (int nodeId : new ArrayList<>(cores.keySet())) {
            if (deadlines.get(nodeId) <= nowMs) {
                apply(nodeId, cores.get(nodeId).tick(nowMs));
            }
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
            network.partition(allNodes());
        } else if (faults && roll < 0.38) {
            network.cutOneWay(allNodes());
        } else if (roll < 0.40) {
            network.heal();
        }
    }

    /** Appends at every node that thinks it leads. */
    private void appendAtLeader() {
        for (int nodeId : new ArrayList<>(cores.keySet())) {
            if (cores.get(nodeId).role() instanceof Leader) {
                appendAt(nodeId);
            }
        }
    }

    /** Appends at a leader; returns the entry's (offset, epoch). */
    private OffsetAndEpoch appendAt(int nodeId) {
        String payload = "v" + (appended++);
        RaftCore.AppendResult result = cores.get(nodeId).append(payload.getBytes(StandardCharsets.UTF_8), nowMs);
        apply(nodeId, result.effects());
        return new OffsetAndEpoch(result.offset(), result.epoch());
    }

    private void crashRandomNode() {
        List<Integer> running = new ArrayList<>(cores.keySet());
        if (!running.isEmpty()) {
            int nodeId = running.get(random.nextInt(running.size()));
            cores.remove(nodeId);
            deadlines.remove(nodeId);
            stateMachines.remove(nodeId);
        }
    }

    private void restartRandomNode() {
        List<Integer> crashed = new ArrayList<>(allNodes());
        crashed.removeAll(cores.keySet());
        if (!crashed.isEmpty()) {
            restart(crashed.get(random.nextInt(crashed.size())));
        }
    }

    /** Restarts from durable storage with a fresh state machine; now and then the newest snapshot is corrupt. */
    private void restart(int nodeId) {
        SimStorage storage = storages.get(nodeId);
        boolean newestCorrupt = faults && storage.canLoseNewestSnapshot() && random.nextInt(4) == 0;
        RaftConfig config = new RaftConfig(nodeId, voterIds, 100, 300, 50, 100, 20, 512, snapshotIntervalEntries);
        RaftCore core = new RaftCore(config, random.split(), storage.recovered(newestCorrupt), storage.quorumState,
            nowMs);
        cores.put(nodeId, core);
        stateMachines.put(nodeId, new SimStateMachine());
        apply(nodeId, core.tick(nowMs));
    }

    /** The shell's order: durable writes first, then messages leave, then notifications. */
    private void apply(int nodeId, RaftEffects effects) {
        storages.get(nodeId).apply(effects.writes());
        for (Outbound outbound : effects.messages()) {
            network.send(nowMs, nodeId, outbound);
        }
        List<Snapshot> created = new ArrayList<>();
        SimStateMachine stateMachine = stateMachines.get(nodeId);
        for (Notification notification : effects.notifications()) {
            if (notification instanceof Notification.Committed commit) {
                checkCommitted(nodeId, commit.entry());
                check(stateMachine.apply(commit.entry()), nodeId);
            } else if (notification instanceof Notification.SnapshotLoaded loaded) {
                checkSnapshot(nodeId, loaded.snapshot());
                stateMachine.load(loaded.snapshot());
                snapshotsLoaded++;
            } else if (notification instanceof Notification.SnapshotDue due) {
                created.add(stateMachine.createSnapshot(due.snapshotId()));
            }
        }
        deadlines.put(nodeId, effects.nextDeadlineMs());
        RaftCore core = cores.get(nodeId);
        if (core.role() instanceof Leader leader) {
            checkSingleLeader(nodeId, leader.epoch());
        }
        for (Snapshot snapshot : created) {
            apply(nodeId, core.handleSnapshotCreated(snapshot, nowMs));
        }
    }

    // ---- invariants -----------------------------------------------------------------------------------------

    private void check(String error, int nodeId) {
        if (error != null) {
            fail("node " + nodeId + ": " + error);
        }
    }

    private void fail(String message) {
        StringBuilder nodes = new StringBuilder();
        for (int nodeId : allNodes()) {
            RaftCore core = cores.get(nodeId);
            nodes.append("\n  node ").append(nodeId).append(": ").append(core == null ? "crashed"
                : core.role().getClass().getSimpleName() + " epoch " + core.epoch() + " leader " + core.leaderId()
                + " log [" + core.logStartOffset() + ", " + core.logEndOffset() + ") last epoch "
                + core.lastEpoch() + " hw " + core.highWatermark() + " snapshot " + core.latestSnapshot()
                + " state " + core.quorumState());
        }
        throw new AssertionError(describe() + " at " + nowMs + " ms: " + message + nodes);
    }

    private void checkSingleLeader(int nodeId, int epoch) {
        Integer previous = leaderOfEpoch.putIfAbsent(epoch, nodeId);
        if (previous != null && previous != nodeId) {
            fail("two leaders in epoch " + epoch + ": " + previous + " and " + nodeId);
        }
        if (previous == null) {
            // Leader completeness: a new leader holds every entry committed so far (below its log start, in the
            // snapshot that was checked against the committed entries when it was loaded or made).
            SimStorage storage = storages.get(nodeId);
            for (LogEntry entry : committed) {
                if (entry.offset() >= storage.startOffset && !entry.equals(storage.entry(entry.offset()))) {
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

    /** A snapshot holds exactly the payloads committed below its end. */
    private void checkSnapshot(int nodeId, Snapshot snapshot) {
        if (snapshot.endOffset() > committed.size()) {
            fail("node " + nodeId + " loaded " + snapshot + " beyond the committed " + committed.size());
        }
        SimStateMachine expected = new SimStateMachine();
        committed.subList(0, (int) snapshot.endOffset()).forEach(expected::apply);
        SimStateMachine loaded = new SimStateMachine();
        loaded.load(snapshot);
        if (!loaded.applied().equals(expected.applied())
            || committed.get((int) snapshot.endOffset() - 1).epoch() != snapshot.epoch()) {
            fail("node " + nodeId + " loaded " + snapshot + " that differs from the committed entries");
        }
    }

    private void checkInvariants() {
        for (Map.Entry<Integer, RaftCore> entry : cores.entrySet()) {
            SimStorage storage = storages.get(entry.getKey());
            long highWatermark = entry.getValue().highWatermark();
            if (highWatermark > storage.endOffset()) {
                fail("node " + entry.getKey() + " high watermark " + highWatermark + " beyond its log "
                    + storage.endOffset());
            }
            long from = Math.max(storage.startOffset, highWatermark - 3);
            for (long offset = from; offset < Math.min(highWatermark, committed.size()); offset++) {
                if (!committed.get((int) offset).equals(storage.entry(offset))) {
                    fail("node " + entry.getKey() + " lost committed entry at " + offset);
                }
            }
        }
        if (network.sequence() % 64 == 0) {
            checkLogMatching();
        }
    }

    /** If two logs hold an entry with the same offset and epoch, they are identical up to it. */
    private void checkLogMatching() {
        List<Integer> nodes = allNodes();
        for (int i = 0; i < nodes.size(); i++) {
            for (int j = i + 1; j < nodes.size(); j++) {
                SimStorage left = storages.get(nodes.get(i));
                SimStorage right = storages.get(nodes.get(j));
                long start = Math.max(left.startOffset, right.startOffset);
                long last = Math.min(left.endOffset(), right.endOffset()) - 1;
                while (last >= start && left.entry(last).epoch() != right.entry(last).epoch()) {
                    last--;
                }
                for (long offset = start; offset <= last; offset++) {
                    if (!left.entry(offset).equals(right.entry(offset))) {
                        fail("logs of " + nodes.get(i) + " and " + nodes.get(j) + " differ at " + offset
                            + " before matching offset " + last);
                    }
                }
            }
        }
    }

    /**
     * From the moment of healing, a leader must be elected and an entry it appends must commit within
     * {@link #LIVENESS_BOUND_MS}. Appends one probe per leader epoch it sees.
     */
    private void checkLivenessAfterHealing(long healedAtMs) {
        Map<Integer, OffsetAndEpoch> probes = new HashMap<>();
        long deadlineMs = healedAtMs + LIVENESS_BOUND_MS;
        while (nowMs < deadlineMs) {
            runUntil(Math.min(deadlineMs, nowMs + 10));
            for (OffsetAndEpoch probe : probes.values()) {
                if (probe.offset() < committed.size() && committed.get((int) probe.offset()).epoch() == probe.epoch()) {
                    return;
                }
            }
            for (int nodeId : new ArrayList<>(cores.keySet())) {
                RaftCore core = cores.get(nodeId);
                if (core.role() instanceof Leader leader && !probes.containsKey(leader.epoch())
                    && core.highWatermark() > leader.epochStartOffset()) {
                    probes.put(leader.epoch(), appendAt(nodeId));
                }
            }
        }
        fail("liveness: no entry appended after healing committed within " + LIVENESS_BOUND_MS + " ms (probes "
            + probes.values() + ")");
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
        SimStateMachine expected = new SimStateMachine();
        committed.forEach(expected::apply);
        for (Map.Entry<Integer, RaftCore> entry : cores.entrySet()) {
            if (entry.getValue().highWatermark() < committed.size()) {
                fail("node " + entry.getKey() + " did not catch up: high watermark "
                    + entry.getValue().highWatermark() + " of " + committed.size());
            }
            if (!stateMachines.get(entry.getKey()).applied().equals(expected.applied())) {
                fail("node " + entry.getKey() + " state machine differs from the committed entries");
            }
        }
    }
}
