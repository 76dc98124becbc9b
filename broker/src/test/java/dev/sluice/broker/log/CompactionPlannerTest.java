package dev.sluice.broker.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

class CompactionPlannerTest {
    private static final long NOW_MS = 1_000_000;

    /** A record before offsets are assigned: key index (-1: null key), tombstone, age. */
    record Spec(int key, boolean tombstone, long ageMs, int gap) { }

    @Provide
    Arbitrary<List<Spec>> logs() {
        Arbitrary<Spec> spec = Combinators.combine(Arbitraries.integers().between(-1, 6),
                Arbitraries.of(true, false), Arbitraries.longs().between(0, 2_000),
                Arbitraries.integers().between(1, 3))
                .as(Spec::new);
        return spec.list().ofMaxSize(60);
    }

    private static List<CompactionPlanner.Entry> entries(List<Spec> specs) {
        List<CompactionPlanner.Entry> entries = new ArrayList<>();
        long offset = 0;
        for (Spec spec : specs) {
            offset += spec.gap();
            entries.add(new CompactionPlanner.Entry(offset,
                    spec.key() < 0 ? null : ByteString.copyFromUtf8("k" + spec.key()), spec.tombstone(),
                    NOW_MS - spec.ageMs()));
        }
        return entries;
    }

    /** The naive model: scan backwards, the first record seen per key is its latest. */
    private static boolean[] model(List<CompactionPlanner.Entry> entries, long deleteRetentionMs) {
        boolean[] keep = new boolean[entries.size()];
        Map<ByteString, Boolean> seen = new HashMap<>();
        for (int i = entries.size() - 1; i >= 0; i--) {
            CompactionPlanner.Entry entry = entries.get(i);
            if (entry.key() == null) {
                keep[i] = true;
            } else if (seen.putIfAbsent(entry.key(), true) == null) {
                keep[i] = !entry.tombstone() || NOW_MS - entry.timestampMs() <= deleteRetentionMs;
            }
        }
        return keep;
    }

    @Property
    void equalsTheNaiveModel(@ForAll("logs") List<Spec> specs, @ForAll @LongRange(max = 2_500) long retentionMs) {
        List<CompactionPlanner.Entry> entries = entries(specs);
        assertThat(CompactionPlanner.plan(entries, NOW_MS, retentionMs)).isEqualTo(model(entries, retentionMs));
    }

    @Property
    void keepsExactlyOneLatestRecordPerLiveKeyAndIsIdempotent(@ForAll("logs") List<Spec> specs,
                                                             @ForAll @LongRange(max = 2_500) long retentionMs) {
        List<CompactionPlanner.Entry> entries = entries(specs);
        boolean[] keep = CompactionPlanner.plan(entries, NOW_MS, retentionMs);
        List<CompactionPlanner.Entry> kept = new ArrayList<>();
        Map<ByteString, Long> latest = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).key() != null) {
                latest.put(entries.get(i).key(), entries.get(i).offset());
            }
            if (keep[i]) {
                kept.add(entries.get(i));
            }
        }
        for (CompactionPlanner.Entry entry : kept) {
            if (entry.key() != null) {
                assertThat(entry.offset()).isEqualTo(latest.get(entry.key()));
            }
        }
        boolean[] again = CompactionPlanner.plan(kept, NOW_MS, retentionMs);
        for (boolean k : again) {
            assertThat(k).isTrue();
        }
    }
}
