package dev.sluice.chaos.checker;

import dev.sluice.chaos.history.Op;
import dev.sluice.chaos.history.OpType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds a history by hand for tests: dense indexes in the order written, 1 µs apart. */
final class HistoryBuilder {
    private final List<Op> ops = new ArrayList<>();

    HistoryBuilder invoke(String process, String f, Map<String, Object> value) {
        return add(process, OpType.INVOKE, f, value, null);
    }

    HistoryBuilder ok(String process, String f, Map<String, Object> value) {
        return add(process, OpType.OK, f, value, null);
    }

    HistoryBuilder fail(String process, String f, Map<String, Object> value, String error) {
        return add(process, OpType.FAIL, f, value, error);
    }

    HistoryBuilder info(String process, String f, Map<String, Object> value) {
        return add(process, OpType.INFO, f, value, "timeout");
    }

    HistoryBuilder add(String process, OpType type, String f, Map<String, Object> value, String error) {
        ops.add(new Op(ops.size(), ops.size() * 1_000L, process, type, f, value, error));
        return this;
    }

    Op last() {
        return ops.get(ops.size() - 1);
    }

    List<Op> build() {
        return List.copyOf(ops);
    }
}
