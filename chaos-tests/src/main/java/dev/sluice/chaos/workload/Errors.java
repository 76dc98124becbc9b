package dev.sluice.chaos.workload;

import dev.sluice.client.InvalidTopicException;
import dev.sluice.client.RecordTooLargeException;
import dev.sluice.client.RetriableException;
import dev.sluice.client.SluiceException;
import java.util.concurrent.ExecutionException;

/**
 * Sorts client failures into definite ones (the operation certainly did not happen: {@code fail}) and indefinite ones
 * (it may have: {@code info}). Anything not known to be definite, every timeout included, is indefinite.
 */
final class Errors {
    private Errors() {
    }

    static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof ExecutionException || cause instanceof java.util.concurrent.CompletionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** True for a send refused before it could reach any log. */
    static boolean definiteSendFailure(Throwable error) {
        Throwable cause = unwrap(error);
        return cause instanceof RecordTooLargeException || cause instanceof InvalidTopicException;
    }

    /**
     * Whether a topic create/delete/alter certainly did not happen: the controller validates these before it writes
     * anything, so a refusal for bad input (replication factor larger than the unfenced brokers, bad config, bad
     * name) means nothing was written. Timeouts and transport errors stay unknown.
     */
    static boolean definiteMetadataFailure(Throwable error) {
        Throwable cause = unwrap(error);
        if (!(cause instanceof SluiceException sluice) || cause instanceof RetriableException) {
            return false;
        }
        return switch (sluice.errorCode()) {
            case INVALID_REPLICATION_FACTOR, INVALID_CONFIG, INVALID_TOPIC, INVALID_PARTITIONS, INVALID_REQUEST -> true;
            default -> false;
        };
    }

    static String describe(Throwable error) {
        Throwable cause = unwrap(error);
        String message = cause.getMessage();
        String text = cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        return text.length() > 300 ? text.substring(0, 300) : text;
    }
}
