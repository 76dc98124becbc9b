package dev.sluice.chaos.nemesis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * Which bits the {@code bitflip} nemesis flips (pure): from the files it may corrupt, with their sizes, a seeded
 * random picks 1 to {@code maxFiles} distinct non-empty files and in each 1 to {@code maxFlipsPerFile} distinct byte
 * offsets, and one bit in each of those bytes (bit rot flips single bits). Candidates are taken in name order, so the
 * plan depends only on the random and the candidates, never on the order a directory listing happened to give.
 */
public final class BitflipPlan {
    /** A file that may be corrupted: its name (relative to the data dir) and size in bytes. */
    public record Candidate(String file, long sizeBytes) {
    }

    /** Flip bit {@code bit} (0-7) of the byte at {@code offset} of {@code file}. */
    public record Flip(String file, long offset, int bit) {
        public Flip {
            if (offset < 0 || bit < 0 || bit > 7) {
                throw new IllegalArgumentException("bad flip " + file + "@" + offset + " bit " + bit);
            }
        }

        public int mask() {
            return 1 << bit;
        }
    }

    private BitflipPlan() {
    }

    public static List<Flip> plan(RandomGenerator random, List<Candidate> candidates, int maxFiles,
            int maxFlipsPerFile) {
        if (maxFiles < 1 || maxFlipsPerFile < 1) {
            throw new IllegalArgumentException("maxFiles and maxFlipsPerFile must be at least 1");
        }
        List<Candidate> files = new ArrayList<>(candidates.stream().filter(c -> c.sizeBytes() > 0)
                .sorted(Comparator.comparing(Candidate::file)).toList());
        List<Flip> flips = new ArrayList<>();
        int fileCount = files.isEmpty() ? 0 : 1 + random.nextInt(Math.min(maxFiles, files.size()));
        for (int i = 0; i < fileCount; i++) {
            Candidate file = files.remove(random.nextInt(files.size()));
            int flipCount = (int) Math.min(1 + random.nextInt(maxFlipsPerFile), file.sizeBytes());
            TreeSet<Long> offsets = new TreeSet<>();
            while (offsets.size() < flipCount) {
                offsets.add(random.nextLong(file.sizeBytes()));
            }
            for (long offset : offsets) {
                flips.add(new Flip(file.file(), offset, random.nextInt(8)));
            }
        }
        return flips;
    }
}
