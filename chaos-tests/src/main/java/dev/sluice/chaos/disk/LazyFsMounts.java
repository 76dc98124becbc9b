package dev.sluice.chaos.disk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the kernel's mount table ({@code /proc/self/mountinfo}) for FUSE mounts: whether a LazyFS mount is in place,
 * and which ones a crashed run left behind. The parsing is pure ({@link #fuseMounts(List)}); stateless.
 */
final class LazyFsMounts {
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private LazyFsMounts() {
    }

    /** The mount points of FUSE file systems in mountinfo lines (fields per proc(5); octal escapes decoded). */
    static List<Path> fuseMounts(List<String> mountinfoLines) {
        List<Path> mounts = new ArrayList<>();
        for (String line : mountinfoLines) {
            String[] fields = line.split(" ");
            int separator = List.of(fields).indexOf("-");
            if (fields.length < 5 || separator < 0 || separator + 1 >= fields.length) {
                continue;
            }
            String type = fields[separator + 1];
            if (type.equals("fuse") || type.startsWith("fuse.")) {
                mounts.add(Path.of(unescape(fields[4])));
            }
        }
        return mounts;
    }

    static boolean isLazyFsMount(Path mountPoint) {
        return current().contains(real(mountPoint));
    }

    /** FUSE mounts below {@code root}: candidates for leftover cleanup. */
    static List<Path> under(Path root) {
        Path real = real(root);
        return current().stream().filter(mount -> mount.startsWith(real)).toList();
    }

    /** The kernel lists mount points with symbolic links resolved. */
    private static Path real(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }

    private static List<Path> current() {
        try {
            return fuseMounts(Files.readAllLines(MOUNTINFO));
        } catch (IOException e) {
            return List.of();
        }
    }

    /** mountinfo writes space, tab, newline and backslash in paths as {@code \ooo} octal escapes. */
    static String unescape(String field) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                text.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                text.append(c);
            }
        }
        return text.toString();
    }

    private static boolean isOctal(String field, int from) {
        if (from + 3 > field.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            if (field.charAt(i) < '0' || field.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }
}
