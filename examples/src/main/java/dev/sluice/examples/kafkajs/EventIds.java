package dev.sluice.examples.kafkajs;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the event id in one line a kafkajs example service printed. The guide's producer prints every event it sent
 * as JSON ({@code Message sent: {"id":"1",...}}) and each consumer prints every value it received the same way, so
 * the id is the {@code "id"} field of the JSON on the line. kafkajs's own log lines are JSON objects too
 * ({@code {"level":"INFO",...}}); they carry no event and are skipped, as is anything else without an id.
 *
 * <p>Pure and stateless.
 */
public final class EventIds {
    private static final Pattern ID_FIELD = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]*)\"");
    private static final String KAFKAJS_LOG_START = "{\"level\":";

    private EventIds() {
    }

    /** The event id printed on {@code line}, or empty for a log line or a line without an event. */
    public static Optional<String> find(String line) {
        if (line.stripLeading().startsWith(KAFKAJS_LOG_START)) {
            return Optional.empty();
        }
        Matcher matcher = ID_FIELD.matcher(line);
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    /** Whether {@code line} is one of kafkajs's own JSON log lines rather than the program's output. */
    public static boolean isKafkajsLog(String line) {
        return line.stripLeading().startsWith(KAFKAJS_LOG_START);
    }
}
