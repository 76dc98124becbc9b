package dev.sluice.chaos.nemesis;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Bit rot on one broker's disk: SIGKILL of a random broker (one node: a minority), a few single-bit flips in the
 * RocksDB files of its partition log ({@code <data>/log/*.sst} tables and {@code *.log} write-ahead logs; which
 * files, offsets and bits come from the run's seeded random through {@link BitflipPlan}, and the timeline lists
 * each flip), an fsync of each changed file, and a restart on the corrupted data. Heal restarts the broker if it has
 * died since (a node that finds corruption may stop; the timeline says so).
 */
public final class BitflipNemesis implements Nemesis {
    static final int MAX_FILES = 2;
    static final int MAX_FLIPS_PER_FILE = 3;
    private static final String LOG_DIR = "log";
    private int victim = -1;

    @Override
    public String name() {
        return "bitflip";
    }

    @Override
    public String start(NemesisContext context) throws IOException {
        victim = context.pick(context.cluster().topology().brokerIds());
        String pid = context.cluster().processId(victim);
        context.cluster().kill(victim);
        Path dataDir = context.cluster().dataDir(victim);
        // One draw from the run's random seeds the plan, so how many draws planning takes (it depends on the file
        // sizes this run happened to produce) cannot change the targets of the faults after this one.
        long planSeed = context.random().nextLong();
        List<BitflipPlan.Flip> flips = BitflipPlan.plan(new SplittableRandom(planSeed), candidates(dataDir),
                MAX_FILES, MAX_FLIPS_PER_FILE);
        List<String> done = new ArrayList<>();
        for (BitflipPlan.Flip flip : flips) {
            done.add(apply(dataDir, flip));
        }
        context.cluster().start(victim);
        return "kill -9 node " + victim + " (" + pid + "), " + (done.isEmpty()
                ? "no SST or WAL file in its partition log to corrupt"
                : "flipped " + done.size() + " bit(s) (plan seed " + planSeed + "): " + String.join(", ", done))
                + "; restarted (" + context.cluster().processId(victim) + ")";
    }

    /** Non-empty {@code *.sst} and {@code *.log} files of the partition log, named relative to the data dir. */
    static List<BitflipPlan.Candidate> candidates(Path dataDir) throws IOException {
        Path logDir = dataDir.resolve(LOG_DIR);
        if (!Files.isDirectory(logDir)) {
            return List.of();
        }
        List<BitflipPlan.Candidate> candidates = new ArrayList<>();
        try (Stream<Path> files = Files.list(logDir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".sst") || name.endsWith(".log")) {
                    candidates.add(new BitflipPlan.Candidate(LOG_DIR + "/" + name, Files.size(file)));
                }
            }
        }
        return candidates;
    }

    /** Flips one bit in place and fsyncs, so the flip also survives a later power loss; returns what changed. */
    static String apply(Path dataDir, BitflipPlan.Flip flip) throws IOException {
        try (FileChannel channel = FileChannel.open(dataDir.resolve(flip.file()), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            if (channel.read(one, flip.offset()) != 1) {
                return flip.file() + "@" + flip.offset() + " (beyond the end, skipped)";
            }
            int before = one.get(0) & 0xff;
            int after = before ^ flip.mask();
            channel.write(ByteBuffer.wrap(new byte[] {(byte) after}), flip.offset());
            channel.force(true);
            return String.format("%s@%d bit %d (0x%02x->0x%02x)", flip.file(), flip.offset(), flip.bit(), before,
                    after);
        }
    }

    @Override
    public String heal(NemesisContext context) throws IOException {
        if (context.cluster().isAlive(victim)) {
            return "node " + victim + " running on its corrupted data";
        }
        context.cluster().start(victim);
        return "node " + victim + " had died since the corruption (see its server.log); restarted ("
                + context.cluster().processId(victim) + ")";
    }
}
