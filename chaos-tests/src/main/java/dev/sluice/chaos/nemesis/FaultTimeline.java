package dev.sluice.chaos.nemesis;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.chaos.history.FaultEvent;
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
 * The fault timeline ({@code faults.jsonl}): one JSON line per fault START or HEAL, flushed at once. Times come from
 * the same relative nanosecond clock as the history. Thread-safe.
 */
public final class FaultTimeline implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final LongSupplier nanoClock;
    private final BufferedWriter out;
    private final List<FaultEvent> events = new ArrayList<>();

    public FaultTimeline(Path file, LongSupplier nanoClock) throws IOException {
        this.nanoClock = nanoClock;
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    }

    public synchronized FaultEvent record(long faultId, String nemesis, FaultEvent.Phase phase, String description) {
        FaultEvent event = new FaultEvent(nanoClock.getAsLong(), faultId, nemesis, phase, description);
        events.add(event);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("time_ns", event.timeNanos());
        json.put("fault_id", faultId);
        json.put("nemesis", nemesis);
        json.put("phase", phase.name().toLowerCase());
        json.put("description", description);
        try {
            out.write(JSON.writeValueAsString(json));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return event;
    }

    public synchronized List<FaultEvent> events() {
        return List.copyOf(events);
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
