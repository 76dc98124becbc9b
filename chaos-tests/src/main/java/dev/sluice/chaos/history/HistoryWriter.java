package dev.sluice.chaos.history;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Appends operations to a history, in memory and as JSON lines ({@code history.jsonl}). Thread-safe: workload
 * threads call {@link #append} concurrently; the lock gives every entry its dense index in the order written, so
 * the file order is the history order.
 */
public final class HistoryWriter implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LongSupplier nanoClock;
    private final long startNanos;
    private final BufferedWriter out;
    private final List<Op> ops = new ArrayList<>();

    /** {@code nanoClock}: a monotonic clock such as {@code System::nanoTime}; times are written relative to now. */
    public HistoryWriter(Path file, LongSupplier nanoClock) throws IOException {
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    }

    public synchronized Op append(String process, OpType type, String f, Map<String, Object> value, String error) {
        Op op = new Op(ops.size(), nanoClock.getAsLong() - startNanos, process, type, f, value, error);
        ops.add(op);
        try {
            out.write(JSON.writeValueAsString(toJson(op)));
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return op;
    }

    /** A snapshot of everything appended so far. */
    public synchronized List<Op> ops() {
        return List.copyOf(ops);
    }

    public synchronized void flush() throws IOException {
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }

    static Map<String, Object> toJson(Op op) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("index", op.index());
        json.put("time_ns", op.timeNanos());
        json.put("process", op.process());
        json.put("type", op.type().name().toLowerCase());
        json.put("f", op.f());
        json.put("value", op.value());
        if (op.error() != null) {
            json.put("error", op.error());
        }
        return json;
    }
}
