package dev.sluice.chaos.checker;

import java.util.Locale;
import java.util.Map;

/**
 * Whether a topic's configuration promises that acknowledged records survive a power loss (pure). It does with
 * {@code durable.acks=true} ({@code acks=all} answered only once every in-sync replica has fsynced the batch) or
 * {@code flush.messages=1} (Kafka's: fsync after every message). Anything else (Kafka's default: replicated in the
 * memory of the ISR) promises only that records survive the loss of a minority of nodes, so a power loss of the whole
 * cluster, or of a node whose lost tail the others cannot make good, may lose acknowledged records.
 *
 * @param promised whether acknowledged records must survive power loss
 * @param reason   the configuration that decided it, for reports
 */
public record DurabilityPromise(boolean promised, String reason) {
    public static final String DURABLE_ACKS = "durable.acks";
    public static final String FLUSH_MESSAGES = "flush.messages";

    /** The promise that acknowledged records are never lost (the checkers' default). */
    public static DurabilityPromise strict() {
        return new DurabilityPromise(true, "every acknowledged record must survive (no topic configuration given)");
    }

    /** Decides from the topic configuration as it was created. */
    public static DurabilityPromise of(Map<String, String> topicConfig) {
        String durableAcks = topicConfig.get(DURABLE_ACKS);
        if (durableAcks != null && durableAcks.trim().toLowerCase(Locale.ROOT).equals("true")) {
            return new DurabilityPromise(true,
                    DURABLE_ACKS + "=true: acknowledged records are fsynced on every in-sync replica");
        }
        String flushMessages = topicConfig.get(FLUSH_MESSAGES);
        if (flushMessages != null && flushMessages.trim().equals("1")) {
            return new DurabilityPromise(true, FLUSH_MESSAGES + "=1: every record is fsynced before it is answered");
        }
        return new DurabilityPromise(false, "no fsync promise (" + DURABLE_ACKS + "=" + orUnset(durableAcks) + ", "
                + FLUSH_MESSAGES + "=" + orUnset(flushMessages) + "): records acknowledged before a power loss "
                + "may be lost; the loss is measured, not failed");
    }

    private static String orUnset(String value) {
        return value == null ? "unset" : value;
    }
}
