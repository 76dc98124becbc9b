package dev.sluice.kafka;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The APIs and versions the Kafka listener serves, as ApiVersions advertises them: only versions whose every field
 * Sluice implements with Kafka's meaning. The upper bounds stop before versions that need what Sluice lacks: Produce
 * 13 and Fetch 13 address topics by id only, ListOffsets 7 adds the max-timestamp lookup, Metadata 13 the
 * re-bootstrap error. Pure; any thread.
 *
 * <p>Produce is advertised from version 0 although only 3 and later are served: librdkafka stops compressing when a
 * broker's Produce minimum is above 0 (KAFKA-18659), and Kafka 4 advertises 0 for that reason too. Versions 0-2
 * cannot be decoded by the pinned kafka-clients (which dropped them), so such a request closes the connection.
 */
final class SupportedApis {
    /** An inclusive version range. */
    record Range(short min, short max) {
        boolean contains(short version) {
            return version >= min && version <= max;
        }
    }

    static final Map<ApiKeys, Range> ADVERTISED = advertised();

    private SupportedApis() {
    }

    private static Map<ApiKeys, Range> advertised() {
        Map<ApiKeys, Range> versions = new EnumMap<>(ApiKeys.class);
        versions.put(ApiKeys.PRODUCE, range(0, 12));
        versions.put(ApiKeys.FETCH, range(4, 12));
        versions.put(ApiKeys.LIST_OFFSETS, range(1, 6));
        versions.put(ApiKeys.OFFSET_FOR_LEADER_EPOCH, range(2, 4));
        versions.put(ApiKeys.METADATA, range(0, 12));
        versions.put(ApiKeys.API_VERSIONS, range(0, 4));
        versions.put(ApiKeys.CREATE_TOPICS, range(2, 7));
        versions.put(ApiKeys.DELETE_TOPICS, range(1, 6));
        versions.put(ApiKeys.INIT_PRODUCER_ID, range(0, 4));
        versions.put(ApiKeys.DESCRIBE_CLUSTER, range(0, 1));
        versions.put(ApiKeys.DESCRIBE_CONFIGS, range(1, 4));
        versions.put(ApiKeys.INCREMENTAL_ALTER_CONFIGS, range(0, 1));
        // Committed offsets outside group membership; 9+ (OffsetCommit) and 8+ (OffsetFetch) are the new consumer
        // protocol's member epochs and batched groups.
        versions.put(ApiKeys.FIND_COORDINATOR, range(0, 6));
        versions.put(ApiKeys.OFFSET_COMMIT, range(2, 8));
        versions.put(ApiKeys.OFFSET_FETCH, range(1, 7));
        // KIP-848 groups (group.protocol=consumer) on Sluice's server-side groups; 1 lets the member choose its id.
        versions.put(ApiKeys.CONSUMER_GROUP_HEARTBEAT, range(0, 1));
        // Kafka's classic group membership; JoinGroup 9 is the last (its skipAssignment is always false here).
        versions.put(ApiKeys.JOIN_GROUP, range(0, 9));
        versions.put(ApiKeys.SYNC_GROUP, range(0, 5));
        versions.put(ApiKeys.HEARTBEAT, range(0, 4));
        versions.put(ApiKeys.LEAVE_GROUP, range(0, 5));
        versions.put(ApiKeys.LIST_GROUPS, range(0, 5));
        versions.put(ApiKeys.DESCRIBE_GROUPS, range(0, 6));
        // SASL (KIP-152): the handshake names the mechanism, SaslAuthenticate carries the SCRAM messages; served by
        // the connection itself (KafkaSaslAuthenticator), refused on a listener without SASL mechanisms.
        versions.put(ApiKeys.SASL_HANDSHAKE, range(1, 1));
        versions.put(ApiKeys.SASL_AUTHENTICATE, range(0, 2));
        return Collections.unmodifiableMap(versions);
    }

    private static Range range(int min, int max) {
        return new Range((short) min, (short) max);
    }

    /** Whether a request of this API and version is answered (rather than refused with UNSUPPORTED_VERSION). */
    static boolean isServed(ApiKeys api, short version) {
        Range range = ADVERTISED.get(api);
        return range != null && range.contains(version) && api.isVersionSupported(version);
    }

    /** The ApiVersions response's list. */
    static ApiVersionCollection apiVersions() {
        ApiVersionCollection collection = new ApiVersionCollection();
        ADVERTISED.forEach((api, range) -> collection.add(new ApiVersion().setApiKey(api.id)
                .setMinVersion(range.min()).setMaxVersion(range.max())));
        return collection;
    }
}
