package dev.sluice.chaos.checker;

import dev.sluice.chaos.history.Op;
import dev.sluice.chaos.history.OpFunctions;
import dev.sluice.chaos.history.OpType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the metadata workload: the {@code create}, {@code delete}, {@code alter} and {@code describe} operations
 * must be linearizable against the map "topic → absent | present(retention_ms)" ({@link TopicModel}).
 *
 * <p>Linearizability is compositional, so each topic's sub-history is checked on its own, which keeps every search
 * small. A failure that is a result of the model ({@code create} failing with {@code exists}, {@code delete} or
 * {@code alter} failing with {@code unknown}) says what the topic looked like, so it is checked as an ok operation
 * returning that error; every other failure did not happen and is dropped. A {@code describe} whose result is unknown
 * changes nothing and constrains nothing, so it is dropped too: it would only widen the search.
 *
 * <p>Anomaly: {@code not-linearizable}, one per topic, with the operations around the point where the shortest
 * non-linearizable prefix of that topic's history got stuck. A topic whose search exceeds its bound is counted in
 * {@code undecided_topics} and does not make the verdict invalid. Stats: {@code topics, operations,
 * undecided_topics, configurations}. Pure and single-threaded.
 */
public final class MetadataChecker implements Checker {
    private static final Set<String> FUNCTIONS =
            Set.of(OpFunctions.CREATE, OpFunctions.DELETE, OpFunctions.ALTER, OpFunctions.DESCRIBE);

    private final LinearizabilityChecker<TopicModel.TopicState> linearizability;

    public MetadataChecker() {
        this(LinearizabilityChecker.DEFAULT_MAX_CONFIGURATIONS);
    }

    /** {@code maxConfigurations}: the search bound per topic. */
    public MetadataChecker(long maxConfigurations) {
        this.linearizability = new LinearizabilityChecker<>(new TopicModel(), maxConfigurations);
    }

    @Override
    public String name() {
        return "metadata";
    }

    @Override
    public Verdict check(List<Op> history) {
        List<Op> metadataOps = history.stream().filter(op -> FUNCTIONS.contains(op.f()))
                .map(MetadataChecker::definiteFailureAsResult).toList();
        Map<String, List<Op>> byTopic = splitByTopic(metadataOps);
        Anomalies anomalies = new Anomalies();
        long undecided = 0;
        long configurations = 0;
        for (Map.Entry<String, List<Op>> topic : byTopic.entrySet()) {
            LinearizabilityChecker.Result result = linearizability.check(topic.getValue());
            if (result instanceof LinearizabilityChecker.Result.Linearizable done) {
                configurations += done.configurations();
            } else if (result instanceof LinearizabilityChecker.Result.Undecided open) {
                undecided++;
                configurations += open.configurations();
            } else if (result instanceof LinearizabilityChecker.Result.NotLinearizable bad) {
                anomalies.add("not-linearizable", "topic " + topic.getKey() + ": " + bad.message(), bad.ops());
            }
        }
        Map<String, Long> stats = new LinkedHashMap<>();
        stats.put("topics", (long) byTopic.size());
        stats.put("operations", metadataOps.stream().filter(Op::isInvoke).count());
        stats.put("undecided_topics", undecided);
        stats.put("configurations", configurations);
        return Verdict.of(name(), anomalies.list(), stats);
    }

    private static Op definiteFailureAsResult(Op op) {
        boolean definite = op.type() == OpType.FAIL && (OpFunctions.ERROR_EXISTS.equals(op.error())
                && op.f().equals(OpFunctions.CREATE) || OpFunctions.ERROR_UNKNOWN.equals(op.error())
                && (op.f().equals(OpFunctions.DELETE) || op.f().equals(OpFunctions.ALTER)));
        return definite ? new Op(op.index(), op.timeNanos(), op.process(), OpType.OK, op.f(), op.value(), op.error())
                : op;
    }

    /** Each topic's invocations and their completions, in history order; completions may not name the topic. */
    private static Map<String, List<Op>> splitByTopic(List<Op> ops) {
        Map<String, List<Op>> byTopic = new LinkedHashMap<>();
        for (Call call : Call.pair(ops)) {
            if (call.f().equals(OpFunctions.DESCRIBE) && call.outcome() != OpType.OK) {
                continue;
            }
            List<Op> topicOps = byTopic.computeIfAbsent(call.invoke().stringValue("topic"), t -> new ArrayList<>());
            topicOps.addAll(call.ops());
        }
        byTopic.values().forEach(topicOps -> topicOps.sort(Comparator.comparingLong(Op::index)));
        return byTopic;
    }
}
