package dev.sluice.broker.partition;

import dev.sluice.proto.internal.v1.RecordBatchView;
import dev.sluice.proto.v1.ErrorCode;

/** The verdict of {@link BatchValidator}: a batch ready to append, or a typed error. */
public sealed interface ValidationResult {

    /** @param batch the batch, with its CRC32C set (computed when the client sent none) */
    record Valid(RecordBatchView batch) implements ValidationResult { }

    /**
     * @param error {@code CORRUPT_MESSAGE}, {@code INVALID_RECORD}, {@code MESSAGE_TOO_LARGE} or
     *     {@code UNSUPPORTED_COMPRESSION}
     * @param message what is wrong, for the client
     */
    record Invalid(ErrorCode error, String message) implements ValidationResult { }
}
