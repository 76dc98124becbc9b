package dev.sluice.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What can be checked without a power cut: the content is replaced whole, no temporary file is left, a leftover
 * temporary file from a crash is no obstacle, and a failed write leaves the old content. (That the file and its
 * directory are forced is what the power cut would test; the code says so step by step.)
 */
class DurableFilesTest {
    @TempDir
    Path dir;

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void replacesTheContentWholeAndLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("meta.properties");
        DurableFiles.replace(file, bytes("first"));
        assertThat(file).hasContent("first");
        DurableFiles.replace(file, bytes("second, longer"));
        DurableFiles.replace(file, bytes("third"));
        assertThat(file).hasContent("third");
        try (var entries = Files.list(dir)) {
            assertThat(entries.map(path -> path.getFileName().toString())).containsExactly("meta.properties");
        }
    }

    @Test
    void aTemporaryFileLeftByACrashIsOverwritten() throws IOException {
        Path file = dir.resolve("meta.properties");
        Files.writeString(dir.resolve("meta.properties" + DurableFiles.TEMPORARY_SUFFIX), "half writ");
        DurableFiles.replace(file, bytes("whole"));
        assertThat(file).hasContent("whole");
        assertThat(dir.resolve("meta.properties" + DurableFiles.TEMPORARY_SUFFIX)).doesNotExist();
    }

    @Test
    void aFailedReplaceLeavesTheOldContentAndNoTemporaryFile() throws IOException {
        Path file = dir.resolve("state");
        DurableFiles.replace(file, bytes("old"));
        Path target = dir.resolve("a-directory");
        Files.createDirectories(target.resolve("not-empty"));
        assertThatThrownBy(() -> DurableFiles.replace(target, bytes("new"))).isInstanceOf(IOException.class);
        assertThat(target.resolve("not-empty")).isDirectory();
        assertThat(dir.resolve("a-directory" + DurableFiles.TEMPORARY_SUFFIX)).doesNotExist();
        assertThat(file).hasContent("old");
    }

    @Test
    void createsMissingParentsAndSyncsExistingDirectories() throws IOException {
        Path nested = dir.resolve("a").resolve("b").resolve("c");
        DurableFiles.createDirectories(nested);
        assertThat(nested).isDirectory();
        DurableFiles.createDirectories(nested);
        DurableFiles.syncDirectory(dir);
        assertThatThrownBy(() -> DurableFiles.syncDirectory(dir.resolve("missing"))).isInstanceOf(IOException.class);
    }
}
