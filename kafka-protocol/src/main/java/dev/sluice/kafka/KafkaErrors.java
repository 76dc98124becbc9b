package dev.sluice.kafka;

import dev.sluice.proto.v1.ErrorCode;
import org.apache.kafka.common.protocol.Errors;

/**
 * Sluice's error codes as Kafka's. Most have a Kafka twin of the same meaning (Sluice took them from Kafka); the rest
 * map to the Kafka code a Kafka client treats the same way (retriable or not). Pure; any thread.
 */
final class KafkaErrors {
    private KafkaErrors() {
    }

    static Errors of(ErrorCode code) {
        return switch (code) {
            case NONE -> Errors.NONE;
            case UNKNOWN_TOPIC_OR_PARTITION -> Errors.UNKNOWN_TOPIC_OR_PARTITION;
            case OFFSET_OUT_OF_RANGE -> Errors.OFFSET_OUT_OF_RANGE;
            case CORRUPT_MESSAGE -> Errors.CORRUPT_MESSAGE;
            case MESSAGE_TOO_LARGE -> Errors.MESSAGE_TOO_LARGE;
            case INVALID_TOPIC -> Errors.INVALID_TOPIC_EXCEPTION;
            case TOPIC_ALREADY_EXISTS -> Errors.TOPIC_ALREADY_EXISTS;
            case INVALID_PARTITIONS -> Errors.INVALID_PARTITIONS;
            case INVALID_REPLICATION_FACTOR -> Errors.INVALID_REPLICATION_FACTOR;
            case INVALID_CONFIG -> Errors.INVALID_CONFIG;
            case NOT_LEADER -> Errors.NOT_LEADER_OR_FOLLOWER;
            case NOT_CONTROLLER -> Errors.NOT_CONTROLLER;
            case REQUEST_TIMED_OUT -> Errors.REQUEST_TIMED_OUT;
            case NOT_ENOUGH_REPLICAS -> Errors.NOT_ENOUGH_REPLICAS;
            case INVALID_REQUEST -> Errors.INVALID_REQUEST;
            // A stale leader epoch in a request: Kafka's client refreshes metadata on FENCED_LEADER_EPOCH.
            case FENCED_EPOCH -> Errors.FENCED_LEADER_EPOCH;
            case INVALID_RECORD -> Errors.INVALID_RECORD;
            case UNSUPPORTED_COMPRESSION -> Errors.UNSUPPORTED_COMPRESSION_TYPE;
            case LEADER_NOT_AVAILABLE -> Errors.LEADER_NOT_AVAILABLE;
            case GROUP_ID_NOT_FOUND -> Errors.GROUP_ID_NOT_FOUND;
            case INVALID_GROUP_ID -> Errors.INVALID_GROUP_ID;
            case KAFKA_STORAGE_ERROR -> Errors.KAFKA_STORAGE_ERROR;
            case OUT_OF_ORDER_SEQUENCE_NUMBER -> Errors.OUT_OF_ORDER_SEQUENCE_NUMBER;
            case INVALID_PRODUCER_EPOCH -> Errors.INVALID_PRODUCER_EPOCH;
            case DUPLICATE_SEQUENCE_NUMBER -> Errors.DUPLICATE_SEQUENCE_NUMBER;
            case UNKNOWN_PRODUCER_ID -> Errors.UNKNOWN_PRODUCER_ID;
            case STALE_BROKER_EPOCH -> Errors.STALE_BROKER_EPOCH;
            case UNKNOWN_MEMBER_ID -> Errors.UNKNOWN_MEMBER_ID;
            case FENCED_MEMBER_EPOCH -> Errors.FENCED_MEMBER_EPOCH;
            case GROUP_NOT_EMPTY -> Errors.NON_EMPTY_GROUP;
            case INCONSISTENT_GROUP_PROTOCOL -> Errors.INCONSISTENT_GROUP_PROTOCOL;
            case UNSUPPORTED_ASSIGNOR -> Errors.UNSUPPORTED_ASSIGNOR;
            case STALE_MEMBER_EPOCH -> Errors.STALE_MEMBER_EPOCH;
            case ILLEGAL_GENERATION -> Errors.ILLEGAL_GENERATION;
            case REBALANCE_IN_PROGRESS -> Errors.REBALANCE_IN_PROGRESS;
            case MEMBER_ID_REQUIRED -> Errors.MEMBER_ID_REQUIRED;
            case INVALID_SESSION_TIMEOUT -> Errors.INVALID_SESSION_TIMEOUT;
            case FENCED_INSTANCE_ID -> Errors.FENCED_INSTANCE_ID;
            case INCONSISTENT_CLUSTER_ID -> Errors.INCONSISTENT_CLUSTER_ID;
            case DUPLICATE_BROKER_REGISTRATION -> Errors.DUPLICATE_BROKER_REGISTRATION;
            case CLUSTER_AUTHORIZATION_FAILED -> Errors.CLUSTER_AUTHORIZATION_FAILED;
            case TOPIC_AUTHORIZATION_FAILED -> Errors.TOPIC_AUTHORIZATION_FAILED;
            case GROUP_AUTHORIZATION_FAILED -> Errors.GROUP_AUTHORIZATION_FAILED;
            case TRANSACTIONAL_ID_AUTHORIZATION_FAILED -> Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
            case INVALID_ACL -> Errors.INVALID_REQUEST;
            case SASL_AUTHENTICATION_FAILED -> Errors.SASL_AUTHENTICATION_FAILED;
            case UNSUPPORTED_SASL_MECHANISM -> Errors.UNSUPPORTED_SASL_MECHANISM;
            case UNACCEPTABLE_CREDENTIAL -> Errors.UNACCEPTABLE_CREDENTIAL;
            case RESOURCE_NOT_FOUND -> Errors.RESOURCE_NOT_FOUND;
            case INVALID_QUOTA -> Errors.INVALID_REQUEST;
            case UNKNOWN_SERVER_ERROR, UNRECOGNIZED -> Errors.UNKNOWN_SERVER_ERROR;
        };
    }
}
