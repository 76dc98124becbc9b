package dev.sluice.chaos.history;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads a {@code history.jsonl} written by {@link HistoryWriter} back into operations, e.g. to re-check a run. */
public final class HistoryReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HistoryReader() {
    }

    @SuppressWarnings("unchecked")
    public static List<Op> read(Path file) throws IOException {
        List<Op> ops = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, Object> json = JSON.readValue(line, new TypeReference<Map<String, Object>>() { });
            ops.add(new Op(((Number) json.get("index")).longValue(), ((Number) json.get("time_ns")).longValue(),
                    (String) json.get("process"), OpType.valueOf(((String) json.get("type")).toUpperCase(Locale.ROOT)),
                    (String) json.get("f"), (Map<String, Object>) json.get("value"), (String) json.get("error")));
        }
        return ops;
    }
}
