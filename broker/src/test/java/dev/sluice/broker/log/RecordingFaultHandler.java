package dev.sluice.broker.log;

import dev.sluice.fault.FaultHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link FaultHandler} that records each fault instead of stopping the process. */
public final class RecordingFaultHandler implements FaultHandler {

    /** One reported fault. */
    public record Fault(String message, Throwable cause) { }

    public final List<Fault> faults = new CopyOnWriteArrayList<>();

    @Override
    public void handleFault(String message, Throwable cause) {
        faults.add(new Fault(message, cause));
    }
}
