package dev.sluice.chaos.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.chaos.history.FaultEvent;
import dev.sluice.chaos.history.Op;
import dev.sluice.chaos.history.OpType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TimelineTest {
    private static Op op(long index, double seconds, String process, OpType type) {
        return new Op(index, (long) (seconds * 1e9), process, type, "send", Map.of(), null);
    }

    @Test
    void countsOkOpsPerSecondAndLatencyFromTheInvocation() {
        List<Op> history = List.of(op(0, 0.1, "producer-0", OpType.INVOKE), op(1, 0.3, "producer-0", OpType.OK),
                op(2, 0.4, "producer-0", OpType.INVOKE), op(3, 2.4, "producer-0", OpType.INFO),
                op(4, 2.5, "producer-1", OpType.INVOKE), op(5, 2.6, "producer-1", OpType.OK));
        List<Timeline.Second> seconds = Timeline.perSecond(history).get("append");
        assertThat(seconds).extracting(Timeline.Second::okCount).containsExactly(1L, 0L, 1L);
        assertThat(seconds.get(0).p50Ms()).isCloseTo(200, org.assertj.core.data.Offset.offset(0.01));
        assertThat(seconds.get(1).p50Ms()).isEqualTo(-1);
    }

    @Test
    void pairsFaultStartsWithHealsAndKeepsUnhealedOnesOpen() {
        List<Timeline.Window> windows = Timeline.windows(List.of(
                new FaultEvent(1_000_000_000L, 1, "kill", FaultEvent.Phase.START, "kill -9 node 1"),
                new FaultEvent(3_000_000_000L, 1, "kill", FaultEvent.Phase.HEAL, "restart"),
                new FaultEvent(5_000_000_000L, 2, "pause", FaultEvent.Phase.START, "SIGSTOP node 2")), 9);
        assertThat(windows).containsExactly(new Timeline.Window(1, 3, "kill", "kill -9 node 1"),
                new Timeline.Window(5, 9, "pause", "SIGSTOP node 2 (never healed)"));
    }

    @Test
    void workloadsAreRecognisedByProcessName() {
        assertThat(Timeline.workloadOf("final-reader")).isEqualTo("append");
        assertThat(Timeline.workloadOf("consumer-4")).isEqualTo("groups");
        assertThat(Timeline.workloadOf("admin-0")).isEqualTo("metadata");
    }

    @Test
    void percentileIsNearestRank() {
        assertThat(Timeline.percentile(List.of(1.0, 2.0, 3.0, 4.0), 0.5)).isEqualTo(2.0);
        assertThat(Timeline.percentile(List.of(1.0, 2.0, 3.0, 4.0), 0.99)).isEqualTo(4.0);
    }
}
