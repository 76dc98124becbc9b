package dev.sluice.examples.kafkajs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** Hands each line of a child process's output stream to a consumer, on a daemon thread of its own. */
final class OutputCopier {
    private OutputCopier() {
    }

    static Thread start(InputStream stream, Consumer<String> lines, String threadName) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.accept(line);
                }
            } catch (IOException e) {
                // The process was stopped while we read; its remaining output is of no use.
            }
        }, threadName);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
