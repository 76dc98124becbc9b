package dev.sluice.chaos.checker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.chaos.history.Op;
import dev.sluice.chaos.history.OpType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class LinearizabilityCheckerTest {
    private final LinearizabilityChecker<Long> checker = new LinearizabilityChecker<>(new RegisterModel());
    private final HistoryBuilder history = new HistoryBuilder();

    private static Map<String, Object> value(long value) {
        return Map.of("value", value);
    }

    private void write(String process, long value) {
        history.invoke(process, RegisterModel.WRITE, value(value)).ok(process, RegisterModel.WRITE, value(value));
    }

    private void read(String process, long value) {
        history.invoke(process, RegisterModel.READ, Map.of()).ok(process, RegisterModel.READ, value(value));
    }

    @Test
    void sequentialRegisterIsLinearizable() {
        read("a", 0);
        write("a", 3);
        read("b", 3);

        assertThat(checker.check(history.build())).isInstanceOf(LinearizabilityChecker.Result.Linearizable.class);
    }

    @Test
    void staleReadAfterCompletedWriteIsNotLinearizable() {
        write("a", 3);
        read("b", 0);

        LinearizabilityChecker.Result result = checker.check(history.build());

        assertThat(result).isInstanceOf(LinearizabilityChecker.Result.NotLinearizable.class);
        assertThat(((LinearizabilityChecker.Result.NotLinearizable) result).ops())
                .extracting(Op::index).containsExactly(0L, 1L, 2L, 3L);
    }

    @Test
    void readsSeeingTwoConcurrentWritesInOppositeOrdersAreNotLinearizable() {
        history.invoke("w1", RegisterModel.WRITE, value(1)).invoke("w2", RegisterModel.WRITE, value(2));
        read("r1", 1);
        read("r1", 2);
        read("r2", 1);
        history.ok("w1", RegisterModel.WRITE, value(1)).ok("w2", RegisterModel.WRITE, value(2));

        assertThat(checker.check(history.build())).isInstanceOf(LinearizabilityChecker.Result.NotLinearizable.class);
    }

    @Test
    void unknownWriteMayLandLateOrNever() {
        history.invoke("w", RegisterModel.WRITE, value(7)).info("w", RegisterModel.WRITE, Map.of());
        read("r", 0);
        read("r", 7);
        history.invoke("w2", RegisterModel.WRITE, value(9));
        read("r", 7);

        assertThat(checker.check(history.build())).isInstanceOf(LinearizabilityChecker.Result.Linearizable.class);
    }

    @Test
    void failedWriteNeverHappened() {
        history.invoke("w", RegisterModel.WRITE, value(7)).fail("w", RegisterModel.WRITE, Map.of(), "refused");
        read("r", 7);

        assertThat(checker.check(history.build())).isInstanceOf(LinearizabilityChecker.Result.NotLinearizable.class);
    }

    @Test
    void eachConfigurationIsExploredOnce() {
        for (int i = 0; i < 8; i++) {
            history.invoke("w" + i, RegisterModel.WRITE, value(1));
        }
        for (int i = 0; i < 8; i++) {
            history.ok("w" + i, RegisterModel.WRITE, value(1));
        }
        read("r", 2);
        List<Call> calls = Call.pair(history.build());

        LinearizationSearch<Long> search = new LinearizationSearch<>(new RegisterModel(), calls, 1_000_000);

        assertThat(search.run()).isEqualTo(LinearizationSearch.Outcome.NOT_LINEARIZABLE);
        // Every non-empty subset of the writes, each in the one state 1; without the memo it would be 8! orders.
        assertThat(search.configurations()).isEqualTo(255);
    }

    @Property(tries = 300)
    void registerHistoriesFromTheModelAreLinearizable(@ForAll long seed, @ForAll @IntRange(min = 1, max = 40) int n) {
        List<Op> ops = ModelHistories.generate(LinearizabilityCheckerTest::runRegister, 0L, new Random(seed), n, 250);

        assertThat(checker.check(ops)).isInstanceOf(LinearizabilityChecker.Result.Linearizable.class);
    }

    @Property(tries = 200)
    void registerHistoriesWithAReadOfAValueNeverWrittenAreNot(@ForAll long seed,
            @ForAll @IntRange(min = 1, max = 40) int n) {
        Random random = new Random(seed);
        List<Op> ops = ModelHistories.generate(LinearizabilityCheckerTest::runRegister, 0L, random, n, 250);
        List<Op> corrupted = corruptOneRead(ops, random, 999L);
        Assume.that(corrupted != null);

        assertThat(checker.check(corrupted)).isInstanceOf(LinearizabilityChecker.Result.NotLinearizable.class);
    }

    /** Small histories with any read changed: the checker must agree with a search that tries every order. */
    @Property(tries = 500)
    void agreesWithBruteForceOnSmallCorruptedHistories(@ForAll long seed, @ForAll @IntRange(min = 1, max = 7) int n) {
        Random random = new Random(seed);
        List<Op> ops = ModelHistories.generate(LinearizabilityCheckerTest::runRegister, 0L, random, n, 300);
        List<Op> corrupted = corruptOneRead(ops, random, random.nextInt(4));
        Assume.that(corrupted != null);

        boolean expected = BruteForce.linearizable(new RegisterModel(), corrupted);
        Statistics.label("linearizable").collect(expected);
        Statistics.label("linearizable").coverage(coverage -> {
            coverage.check(true).percentage(p -> p > 10);
            coverage.check(false).percentage(p -> p > 10);
        });

        assertThat(checker.check(corrupted) instanceof LinearizabilityChecker.Result.Linearizable)
                .as("%s", corrupted).isEqualTo(expected);
    }

    static ModelHistories.Executed<Long> runRegister(Long state, Random random) {
        if (random.nextBoolean()) {
            long value = 1 + random.nextInt(3);
            return new ModelHistories.Executed<>(RegisterModel.WRITE, value(value), OpType.OK, value(value), null,
                    value);
        }
        return new ModelHistories.Executed<>(RegisterModel.READ, Map.of(), OpType.OK, value(state), null, state);
    }

    /** The history with one ok read's result replaced by {@code value}, or {@code null} if it has no ok read. */
    private static List<Op> corruptOneRead(List<Op> ops, Random random, long value) {
        List<Integer> reads = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            if (ops.get(i).f().equals(RegisterModel.READ) && ops.get(i).type() == OpType.OK) {
                reads.add(i);
            }
        }
        if (reads.isEmpty()) {
            return null;
        }
        List<Op> corrupted = new ArrayList<>(ops);
        Op read = corrupted.get(reads.get(random.nextInt(reads.size())));
        corrupted.set((int) read.index(), new Op(read.index(), read.timeNanos(), read.process(), read.type(),
                read.f(), value(value), null));
        return corrupted;
    }

    /** The definition, searched naively: some order of the calls respects real time and the model. */
    static final class BruteForce {
        static <S> boolean linearizable(Model<S> model, List<Op> history) {
            List<Call> calls = Call.pair(history).stream().filter(c -> c.outcome() != OpType.FAIL).toList();
            return search(model, model.initial(), new ArrayList<>(calls));
        }

        private static <S> boolean search(Model<S> model, S state, List<Call> remaining) {
            if (remaining.stream().noneMatch(c -> c.outcome() == OpType.OK)) {
                return true;
            }
            for (Call call : remaining) {
                boolean mustWait = remaining.stream().anyMatch(other -> other.outcome() == OpType.OK
                        && other.completionIndex() < call.invoke().index());
                Optional<S> next = mustWait ? Optional.empty()
                        : model.step(state, call.invoke(), call.outcome() == OpType.OK ? call.completion() : null);
                if (next.isPresent()) {
                    List<Call> rest = new ArrayList<>(remaining);
                    rest.remove(call);
                    if (search(model, next.get(), rest)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }
}
