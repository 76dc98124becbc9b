package dev.sluice.client.internal;

import dev.sluice.client.BrokerUnavailableException;
import dev.sluice.client.InvalidTopicException;
import dev.sluice.client.OffsetOutOfRangeException;
import dev.sluice.client.RecordTooLargeException;
import dev.sluice.client.RetriableException;
import dev.sluice.client.SluiceException;
import dev.sluice.client.TimeoutException;
import dev.sluice.client.TopicExistsException;
import dev.sluice.client.UnknownTopicException;
import dev.sluice.proto.v1.ErrorCode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Sorts broker error codes into retriable and fatal, and turns codes and gRPC statuses into the
 * client's typed exceptions. Stateless.
 */
public final class Errors {
    private Errors() {
    }

    /** Whether a request that failed with {@code code} may succeed after a metadata refresh and a retry. */
    public static boolean isRetriable(ErrorCode code) {
        return switch (code) {
            case NOT_LEADER, UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE, REQUEST_TIMED_OUT,
                 NOT_ENOUGH_REPLICAS, KAFKA_STORAGE_ERROR, NOT_CONTROLLER, OUT_OF_ORDER_SEQUENCE_NUMBER,
                 UNKNOWN_PRODUCER_ID, STALE_MEMBER_EPOCH -> true;
            default -> false;
        };
    }

    /** The typed exception for a broker error code and its message. */
    public static SluiceException toException(ErrorCode code, String message) {
        String text = message == null || message.isEmpty() ? describe(code) : message;
        return switch (code) {
            case TOPIC_ALREADY_EXISTS -> new TopicExistsException(text);
            case UNKNOWN_TOPIC_OR_PARTITION -> new UnknownTopicException(text);
            case INVALID_TOPIC -> new InvalidTopicException(text);
            case REQUEST_TIMED_OUT -> new TimeoutException(text);
            case OFFSET_OUT_OF_RANGE -> new OffsetOutOfRangeException(text);
            case MESSAGE_TOO_LARGE -> new RecordTooLargeException(text);
            case LEADER_NOT_AVAILABLE -> new dev.sluice.client.LeaderNotAvailableException(text);
            case TOPIC_AUTHORIZATION_FAILED, GROUP_AUTHORIZATION_FAILED, CLUSTER_AUTHORIZATION_FAILED,
                 TRANSACTIONAL_ID_AUTHORIZATION_FAILED -> new dev.sluice.client.AuthorizationException(code, text);
            default -> isRetriable(code) ? new RetriableException(code, text) : new SluiceException(code, text);
        };
    }

    /**
     * Whether a produce answered with {@code code} says, by the leader's sequence check, that the batch is not in its
     * log: the leader answers a batch it holds as a duplicate, as long as it is one of the producer's last 5 batches
     * there (which the sender checks first: see {@code ProducerIdempotence#laterBatchAcknowledged}).
     */
    public static boolean provesBatchNotInLog(ErrorCode code) {
        return code == ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER || code == ErrorCode.UNKNOWN_PRODUCER_ID;
    }

    /**
     * Whether the leader gives {@code code} only before it appends (bad input, a missing partition, a fenced epoch), so
     * this attempt wrote nothing (an earlier attempt still may have). Every other error (a timed-out {@code acks=all}
     * wait, a leadership that ended while waiting, a storage error) leaves open that this attempt wrote the batch.
     */
    public static boolean refusedBeforeAppend(ErrorCode code) {
        return switch (code) {
            case INVALID_REQUEST, CORRUPT_MESSAGE, MESSAGE_TOO_LARGE, INVALID_RECORD, INVALID_TOPIC,
                 UNSUPPORTED_COMPRESSION, UNKNOWN_TOPIC_OR_PARTITION, INVALID_PRODUCER_EPOCH -> true;
            default -> false;
        };
    }

    /** A readable default message for a code that came without one. */
    public static String describe(ErrorCode code) {
        return code.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    /**
     * The typed exception for a failed gRPC call to {@code address}: UNAVAILABLE becomes
     * {@link BrokerUnavailableException}, DEADLINE_EXCEEDED a {@link TimeoutException}; a client exception
     * passes through unchanged.
     */
    public static SluiceException fromTransport(String address, Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof SluiceException sluice) {
            return sluice;
        }
        Status status = Status.fromThrowable(cause);
        return switch (status.getCode()) {
            case UNAVAILABLE -> new BrokerUnavailableException(address, cause);
            case DEADLINE_EXCEEDED -> new TimeoutException("request to " + address + " timed out", cause);
            case CANCELLED -> new RetriableException(ErrorCode.UNKNOWN_SERVER_ERROR,
                    "request to " + address + " was cancelled", cause);
            case UNIMPLEMENTED -> new SluiceException(ErrorCode.INVALID_REQUEST,
                    "broker " + address + " does not implement " + status.getDescription(), cause);
            case UNAUTHENTICATED -> unauthenticated(address, status, cause);
            case RESOURCE_EXHAUSTED -> new RecordTooLargeException("request to " + address + " too large: "
                    + status.getDescription());
            default -> new RetriableException(ErrorCode.UNKNOWN_SERVER_ERROR, "request to " + address
                    + " failed: " + status.getCode() + (status.getDescription() == null ? ""
                    : " " + status.getDescription()), cause);
        };
    }

    /**
     * A refused session token (the broker restarted or the session expired) is retriable: the channel has dropped it
     * and authenticates again on the next call. Any other refusal of the client's identity is not.
     */
    private static SluiceException unauthenticated(String address, Status status, Throwable cause) {
        String description = String.valueOf(status.getDescription());
        if (description.contains("session token")) {
            return new RetriableException(ErrorCode.SASL_AUTHENTICATION_FAILED, "broker " + address + ": "
                    + description, cause);
        }
        return new dev.sluice.client.AuthenticationException("broker " + address + " refused the client: "
                + description, cause);
    }

    /**
     * Whether a failed gRPC call may have reached the server. Only a connection that was never made proves it did not:
     * a refused or unroutable connection, an address that does not resolve, or a deadline that passed while the call
     * still waited for a connection. A connection that broke mid-call, a deadline on a sent call, or any other status
     * leaves it open.
     */
    public static boolean mayHaveBeenDelivered(Throwable failure) {
        Throwable cause = unwrap(failure);
        Status status = Status.fromThrowable(cause);
        if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
            return !String.valueOf(status.getDescription()).contains("waiting_for_connection");
        }
        if (status.getCode() == Status.Code.UNAVAILABLE) {
            for (Throwable current = cause; current != null; current = current.getCause()) {
                if (isConnectFailure(current)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Exceptions thrown only while a connection is being set up (Java names them so; Netty's subclass them). */
    private static boolean isConnectFailure(Throwable failure) {
        return failure instanceof java.net.ConnectException || failure instanceof java.net.NoRouteToHostException
                || failure instanceof java.net.UnknownHostException
                || failure instanceof java.nio.channels.UnresolvedAddressException;
    }

    /** Whether a transport failure is worth retrying against the same or another broker. */
    public static boolean isRetriable(Throwable failure) {
        return unwrap(failure) instanceof RetriableException || failure instanceof StatusRuntimeException
                && Status.fromThrowable(failure).getCode() != Status.Code.UNIMPLEMENTED
                && !(Status.fromThrowable(failure).getCode() == Status.Code.UNAUTHENTICATED
                && !String.valueOf(Status.fromThrowable(failure).getDescription()).contains("session token"));
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while ((current instanceof ExecutionException || current instanceof CompletionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
