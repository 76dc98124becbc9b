package dev.sluice.chaos.disk;

import dev.sluice.chaos.net.Shell;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds (building it on first use) the LazyFS binary through {@code chaos-tests/scripts/build-lazyfs.sh}, or says
 * why it cannot be had here: not root, no {@code /dev/fuse}, no source, a failed install or build. The script prints
 * the binary's path, or {@code unavailable: <reason>}, on its last line; its whole output goes to
 * {@code <logDir>/build-lazyfs.log}. Called from the runner thread before the cluster starts.
 */
final class LazyFsBinary {
    private static final long BUILD_TIMEOUT_MINUTES = 20;
    private static final Path FUSE_DEVICE = Path.of("/dev/fuse");

    /** Either the binary or why not. */
    record Located(Path binary, String unavailableReason) {
        static Located unavailable(String reason) {
            return new Located(null, reason);
        }
    }

    private LazyFsBinary() {
    }

    static Located locate(Path repositoryRoot, Path logDir) {
        if (!Shell.isRoot()) {
            return Located.unavailable("not root: FUSE mounts (LazyFS) need root");
        }
        if (!Files.exists(FUSE_DEVICE)) {
            return Located.unavailable("no " + FUSE_DEVICE + " (FUSE is not available in this kernel or container)");
        }
        Path script = repositoryRoot.resolve("chaos-tests/scripts/build-lazyfs.sh");
        Path log = logDir.resolve("build-lazyfs.log");
        try {
            Files.createDirectories(logDir);
            Process process = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(new File("/dev/null")).start();
            if (!process.waitFor(BUILD_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return Located.unavailable("build-lazyfs.sh did not finish in " + BUILD_TIMEOUT_MINUTES
                        + " minutes (see " + log + ")");
            }
            String last = lastLine(Files.readAllLines(log));
            if (process.exitValue() == 0 && Files.isExecutable(Path.of(last))) {
                return new Located(Path.of(last), null);
            }
            return Located.unavailable(last.startsWith("unavailable: ") ? last.substring("unavailable: ".length())
                    : "build-lazyfs.sh exited " + process.exitValue() + ": " + last + " (see " + log + ")");
        } catch (IOException e) {
            return Located.unavailable("cannot run " + script + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Located.unavailable("interrupted while building LazyFS");
        }
    }

    /** The directory holding {@code libpcache.so}, which the binary links against, in the build tree. */
    static Optional<Path> libraryDir(Path binary) {
        // <build>/lazyfs/build/lazyfs -> <build>/libs/libpcache/build
        Path build = binary.getParent() == null ? null : binary.getParent().getParent();
        Path libraries = build == null || build.getParent() == null ? null
                : build.getParent().resolve("libs/libpcache/build");
        return Optional.ofNullable(libraries).filter(Files::isDirectory);
    }

    private static String lastLine(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (!lines.get(i).isBlank()) {
                return lines.get(i).trim();
            }
        }
        return "(no output)";
    }
}
