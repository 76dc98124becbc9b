package dev.sluice.chaos.nemesis;

import dev.sluice.chaos.net.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A node whose wall clock jumps: restarts a random node under libfaketime ({@code LD_PRELOAD}, {@code FAKETIME=+Ns}
 * or {@code -Ns}, monotonic time left alone so the JVM's timers still work); heal restarts it with the real clock.
 * Available when the libfaketime library exists and a JVM starts under it ({@link #prepare} checks that once).
 */
public final class ClockNemesis implements Nemesis {
    private static final List<Path> LIBRARIES = List.of(
            Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1"),
            Path.of("/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1"),
            Path.of("/usr/lib/faketime/libfaketimeMT.so.1"));
    private Optional<String> unavailable;
    private int skewed = -1;

    @Override
    public String name() {
        return "clock";
    }

    @Override
    public Optional<String> unavailableReason(NemesisContext context) {
        if (unavailable == null) {
            unavailable = probe();
        }
        return unavailable;
    }

    private static Optional<String> probe() {
        Optional<Path> library = LIBRARIES.stream().filter(Files::isReadable).findFirst();
        if (library.isEmpty()) {
            return Optional.of("libfaketime not found (install the faketime package)");
        }
        Shell.Result result = Shell.run("env", "LD_PRELOAD=" + library.get(), "FAKETIME=+60s",
                "DONT_FAKE_MONOTONIC=1", "java", "-Xmx64m", "-version");
        return result.ok() ? Optional.empty()
                : Optional.of("the JVM does not start under libfaketime: " + result.output());
    }

    @Override
    public String start(NemesisContext context) throws Exception {
        skewed = context.pick(context.nodeIds());
        int seconds = (context.random().nextBoolean() ? 1 : -1) * (30 + context.random().nextInt(270));
        Path library = LIBRARIES.stream().filter(Files::isReadable).findFirst().orElseThrow();
        String offset = (seconds > 0 ? "+" : "") + seconds + "s";
        context.cluster().kill(skewed);
        context.cluster().setEnvironment(skewed, Map.of("LD_PRELOAD", library.toString(), "FAKETIME", offset,
                "DONT_FAKE_MONOTONIC", "1"));
        context.cluster().start(skewed);
        return "restart node " + skewed + " with its clock jumped " + offset + " (libfaketime)";
    }

    @Override
    public String heal(NemesisContext context) throws Exception {
        context.cluster().kill(skewed);
        context.cluster().setEnvironment(skewed, Map.of());
        context.cluster().start(skewed);
        return "restart node " + skewed + " with the real clock";
    }
}
