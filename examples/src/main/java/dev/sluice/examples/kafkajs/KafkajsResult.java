package dev.sluice.examples.kafkajs;

import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * The outcome of one {@link KafkajsExample} run: what the producer sent and what each service consumed, and how
 * each started process ended.
 *
 * @param outcome the counts, taken before the processes were stopped
 * @param stops   one line per started process, saying how it ended (exited, stopped or killed), by pid
 */
public record KafkajsResult(Outcome outcome, List<String> stops) {

    /**
     * @param producerExitCode empty if the producer was still running at the deadline
     * @param producerErrors   the producer's stderr lines that are not kafkajs log lines: the guide's code prints an
     *                         error it gave up on with {@code console.error} and still exits 0
     * @param sentIds          the event ids the producer printed as sent
     * @param timedOut         whether the deadline passed before every service had every event
     */
    public record Outcome(OptionalInt producerExitCode, List<String> producerErrors, Set<String> sentIds,
                          ServiceCount email, ServiceCount db, boolean timedOut) {
    }

    public Set<String> sentIds() {
        return outcome.sentIds();
    }

    public ServiceCount email() {
        return outcome.email();
    }

    public ServiceCount db() {
        return outcome.db();
    }

    /** The producer finished cleanly, sent at least one event, and both services consumed every event it sent. */
    public boolean succeeded() {
        OptionalInt exitCode = outcome.producerExitCode();
        return exitCode.isPresent() && exitCode.getAsInt() == 0 && outcome.producerErrors().isEmpty()
                && !sentIds().isEmpty() && email().eventIds().containsAll(sentIds())
                && db().eventIds().containsAll(sentIds());
    }

    /** {@code produced=N email-service=N db-service=N}: sent ids, and how many of them each service consumed. */
    public String summaryLine() {
        return "demo --kafka: produced=" + sentIds().size() + " " + email().name() + "=" + consumedOfSent(email())
                + " " + db().name() + "=" + consumedOfSent(db());
    }

    /** Human-readable reasons for a failed run; empty when {@link #succeeded()}. */
    public List<String> problems() {
        List<String> problems = new java.util.ArrayList<>();
        OptionalInt exitCode = outcome.producerExitCode();
        if (exitCode.isEmpty()) {
            problems.add("the producer had not finished at the deadline");
        } else if (exitCode.getAsInt() != 0) {
            problems.add("the producer exited with code " + exitCode.getAsInt());
        }
        outcome.producerErrors().stream().limit(5).forEach(line -> problems.add("producer error: " + line));
        if (sentIds().isEmpty()) {
            problems.add("the producer printed no sent event");
        }
        for (ServiceCount service : List.of(email(), db())) {
            Set<String> missing = new TreeSet<>(sentIds());
            missing.removeAll(service.eventIds());
            if (!missing.isEmpty()) {
                problems.add(service.name() + " did not consume " + missing.size() + " event(s): " + missing
                        + (service.exitCode().isPresent() ? " (it exited with code "
                        + service.exitCode().getAsInt() + ")" : ""));
            }
        }
        if (outcome.timedOut()) {
            problems.add("gave up at the deadline");
        }
        return problems;
    }

    private long consumedOfSent(ServiceCount service) {
        return sentIds().stream().filter(service.eventIds()::contains).count();
    }
}
