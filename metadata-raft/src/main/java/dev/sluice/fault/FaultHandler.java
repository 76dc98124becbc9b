package dev.sluice.fault;

/** Told about a broken invariant or an unexpected error on a driver thread; typically stops the node. */
@FunctionalInterface
public interface FaultHandler {
    void handleFault(String message, Throwable cause);
}
