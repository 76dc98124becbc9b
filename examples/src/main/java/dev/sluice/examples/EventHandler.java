package dev.sluice.examples;

/** What a consumer service does with one event. Called on the service's own polling thread. */
@FunctionalInterface
public interface EventHandler {
    /** Handles one event; returns true if it counted as newly processed (false for a duplicate). */
    boolean handle(FamilyEvent event, int partition, long offset) throws Exception;
}
