package dev.sluice.chaos.checker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.chaos.history.OpFunctions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataCheckerTest {
    private final HistoryBuilder history = new HistoryBuilder();

    private static Map<String, Object> topic(String topic) {
        return Map.of("topic", topic);
    }

    private static Map<String, Object> described(String topic, boolean exists, Long retentionMs) {
        Map<String, Object> value = new HashMap<>(topic(topic));
        value.put("exists", exists);
        if (retentionMs != null) {
            value.put("retention_ms", retentionMs);
        }
        return value;
    }

    private void call(String process, String f, Map<String, Object> args, Map<String, Object> result) {
        history.invoke(process, f, args).ok(process, f, result);
    }

    private Verdict check() {
        return new MetadataChecker().check(history.build());
    }

    @Test
    void sequentialLifecycleIsLinearizable() {
        Map<String, Object> alter = Map.of("topic", "a", "retention_ms", 60_000L);
        call("p1", OpFunctions.CREATE, Map.of("topic", "a", "partitions", 3), Map.of("topic", "a"));
        call("p1", OpFunctions.DESCRIBE, topic("a"), described("a", true, -2L));
        call("p2", OpFunctions.ALTER, alter, alter);
        call("p1", OpFunctions.DESCRIBE, topic("a"), described("a", true, 60_000L));
        history.invoke("p2", OpFunctions.CREATE, topic("a")).fail("p2", OpFunctions.CREATE, topic("a"), "exists");
        call("p1", OpFunctions.DELETE, topic("a"), topic("a"));
        history.invoke("p2", OpFunctions.ALTER, alter).fail("p2", OpFunctions.ALTER, alter, "unknown");
        history.invoke("p2", OpFunctions.DELETE, topic("a")).fail("p2", OpFunctions.DELETE, topic("a"), "unknown");
        call("p1", OpFunctions.DESCRIBE, topic("a"), described("a", false, null));

        Verdict verdict = check();

        assertThat(verdict.valid()).as("%s", verdict.anomalies()).isTrue();
        assertThat(verdict.checker()).isEqualTo("metadata");
        assertThat(verdict.stats()).containsEntry("topics", 1L).containsEntry("operations", 9L)
                .containsEntry("undecided_topics", 0L);
    }

    @Test
    void describeConcurrentWithCreateMaySeeEither() {
        history.invoke("p1", OpFunctions.CREATE, topic("a"));
        history.invoke("p2", OpFunctions.DESCRIBE, topic("a"));
        history.invoke("p3", OpFunctions.DESCRIBE, topic("a"));
        history.ok("p2", OpFunctions.DESCRIBE, described("a", true, -2L));
        history.ok("p1", OpFunctions.CREATE, topic("a"));
        history.ok("p3", OpFunctions.DESCRIBE, described("a", false, null));

        assertThat(check().valid()).isTrue();
    }

    @Test
    void staleDescribeAfterCreateCompletedIsNotLinearizable() {
        call("p1", OpFunctions.CREATE, topic("a"), topic("a"));
        call("p2", OpFunctions.DESCRIBE, topic("a"), described("a", true, -2L));
        call("p1", OpFunctions.DESCRIBE, topic("b"), described("b", false, null));
        call("p3", OpFunctions.DESCRIBE, topic("a"), described("a", false, null));
        call("p2", OpFunctions.DELETE, topic("a"), topic("a"));

        Verdict verdict = check();

        assertThat(verdict.anomalies()).hasSize(1);
        Verdict.Anomaly anomaly = verdict.anomalies().get(0);
        assertThat(anomaly.kind()).isEqualTo("not-linearizable");
        assertThat(anomaly.message()).startsWith("topic a:").contains("present(retention_ms=-2)");
        // The shortest bad prefix ends with the stale describe; the later delete is not part of the story.
        assertThat(anomaly.ops()).extracting(op -> op.index()).containsExactly(2L, 3L, 6L, 7L);
    }

    @Test
    void createFailingWithExistsOnAnAbsentTopicIsNotLinearizable() {
        history.invoke("p1", OpFunctions.CREATE, topic("a")).fail("p1", OpFunctions.CREATE, topic("a"), "exists");

        assertThat(check().anomalies()).extracting(Verdict.Anomaly::kind).containsExactly("not-linearizable");
    }

    @Test
    void otherFailuresNeverHappened() {
        history.invoke("p1", OpFunctions.CREATE, topic("a")).fail("p1", OpFunctions.CREATE, topic("a"), "timeout");
        call("p1", OpFunctions.DESCRIBE, topic("a"), described("a", false, null));

        assertThat(check().valid()).isTrue();
    }

    @Test
    void unknownOutcomeMayHaveHappenedOrNot() {
        history.invoke("p1", OpFunctions.CREATE, topic("a")).info("p1", OpFunctions.CREATE, topic("a"));
        call("p2", OpFunctions.DESCRIBE, topic("a"), described("a", false, null));
        call("p2", OpFunctions.DESCRIBE, topic("a"), described("a", true, -2L));
        history.invoke("p3", OpFunctions.DELETE, topic("a"));
        call("p2", OpFunctions.DESCRIBE, topic("a"), described("a", true, -2L));

        assertThat(check().valid()).isTrue();
    }

    @Test
    void wrongRetentionIsNotLinearizable() {
        Map<String, Object> alter = Map.of("topic", "a", "retention_ms", 1_000L);
        call("p1", OpFunctions.CREATE, topic("a"), topic("a"));
        call("p1", OpFunctions.ALTER, alter, alter);
        call("p2", OpFunctions.DESCRIBE, topic("a"), described("a", true, -2L));

        assertThat(check().anomalies()).extracting(Verdict.Anomaly::kind).containsExactly("not-linearizable");
    }

    @Test
    void searchOverItsBoundIsUndecidedNotInvalid() {
        for (int i = 0; i < 6; i++) {
            history.invoke("p" + i, OpFunctions.CREATE, topic("a"));
        }
        for (int i = 0; i < 6; i++) {
            history.info("p" + i, OpFunctions.CREATE, topic("a"));
        }
        call("q", OpFunctions.DESCRIBE, topic("a"), described("a", true, -2L));

        Verdict verdict = new MetadataChecker(2).check(history.build());

        assertThat(verdict.valid()).isTrue();
        assertThat(verdict.stats()).containsEntry("undecided_topics", 1L);
        assertThat(new MetadataChecker().check(history.build()).stats()).containsEntry("undecided_topics", 0L);
    }

    @Test
    void eachTopicIsJudgedOnItsOwn() {
        List.of("a", "b", "c").forEach(name -> call("p-" + name, OpFunctions.CREATE, topic(name), topic(name)));
        call("p1", OpFunctions.DESCRIBE, topic("b"), described("b", false, null));

        Verdict verdict = check();

        assertThat(verdict.anomalies()).singleElement().satisfies(a -> assertThat(a.message()).startsWith("topic b:"));
        assertThat(verdict.stats()).containsEntry("topics", 3L);
    }
}
