package dev.sluice.examples;

import java.io.PrintStream;

/** The seed's email service: it "sends" a welcome notification per event by logging it. */
public final class EmailNotifier implements EventHandler {
    private final PrintStream log;
    private final boolean verbose;

    public EmailNotifier(PrintStream log, boolean verbose) {
        this.log = log;
        this.verbose = verbose;
    }

    @Override
    public boolean handle(FamilyEvent event, int partition, long offset) {
        if (verbose) {
            log.printf("email-service: to %s: welcome %s, our new %s (partition %d, offset %d)%n",
                    event.email(), event.name(), event.relation(), partition, offset);
        }
        return true;
    }
}
