package dev.sluice.controller;

import dev.sluice.proto.internal.v1.MetadataRecord;
import java.util.List;
import java.util.Objects;

/**
 * What the controller decided for one request: the records to commit (as one batch, applied atomically) and the
 * response to send once they are committed. No records means nothing to commit (a refusal, a no-op, or
 * {@code validate_only}). Immutable.
 */
public record ControllerResult<R>(List<MetadataRecord> records, R response) {
    public ControllerResult {
        records = List.copyOf(records);
        Objects.requireNonNull(response, "response");
    }

    public static <R> ControllerResult<R> of(R response) {
        return new ControllerResult<>(List.of(), response);
    }
}
