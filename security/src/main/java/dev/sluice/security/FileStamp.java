package dev.sluice.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a set of files looked like when last read: each file's modification time, size and file key (inode), so a
 * replacement by rename (as {@code mv} and Kubernetes' secret volumes do, through a symbolic link) is seen even when
 * the new file has the old one's time and size. A file that cannot be read stamps as missing. Immutable.
 */
record FileStamp(List<String> parts) {
    static FileStamp of(Path... files) {
        List<String> parts = new ArrayList<>();
        for (Path file : files) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                parts.add(attributes.lastModifiedTime().toMillis() + "/" + attributes.size() + "/"
                        + Objects.toString(attributes.fileKey()));
            } catch (IOException e) {
                parts.add("missing");
            }
        }
        return new FileStamp(List.copyOf(parts));
    }
}
