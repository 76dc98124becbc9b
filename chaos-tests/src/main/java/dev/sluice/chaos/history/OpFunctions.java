package dev.sluice.chaos.history;

/**
 * The operation names ({@link Op#f()}) the workloads write and the checkers read, with the keys of their values.
 * Keys not listed for an operation are absent.
 *
 * <h2>append workload</h2>
 * <ul>
 *   <li>{@code send}: invoke {@code topic, key, value} (value is unique in the run, {@code "<producer>-<seq>#<crc>"}
 *       with {@code seq} counting up per producer from 0 and a checksum, see {@link AppendValues}); ok adds
 *       {@code partition, offset}.</li>
 *   <li>{@code read}: one record of the final read, written by process {@code "final-reader"} as a single ok
 *       entry (no invoke): {@code topic, partition, offset, value}.</li>
 *   <li>{@code read-incomplete}: a partition the final read could not read to its end in time, written by
 *       {@code "final-reader"} as a single info entry (no invoke): {@code topic, partition}. Its records are then
 *       unverified, neither present nor lost.</li>
 * </ul>
 *
 * <h2>groups workload</h2>
 * <ul>
 *   <li>{@code assign} / {@code revoke} / {@code lost}: ok entries (no invoke) from a consumer process when its
 *       rebalance listener runs: {@code member, generation, partitions} (list of {@code "topic-partition"}).</li>
 *   <li>{@code poll}: ok entry (no invoke): {@code member, generation, records} (list of maps {@code partition,
 *       offset, value}).</li>
 *   <li>{@code commit}: invoke {@code member, generation, offsets} (map {@code "topic-partition"} → next offset to
 *       read); completes ok, fail or info.</li>
 * </ul>
 *
 * <h2>metadata workload</h2>
 * <ul>
 *   <li>{@code create}: invoke {@code topic, partitions}; fail with error {@code exists} if the topic existed.</li>
 *   <li>{@code delete}: invoke {@code topic}; fail with error {@code unknown} if it did not exist.</li>
 *   <li>{@code alter}: invoke {@code topic, retention_ms}; fail with error {@code unknown} if it did not exist.</li>
 *   <li>{@code describe}: invoke {@code topic}; ok adds {@code exists} (boolean) and, if it exists,
 *       {@code retention_ms} (its current value; {@code -2} if the topic uses the default).</li>
 * </ul>
 *
 * <p>Faults are not operations: they go to the fault timeline ({@code faults.jsonl}), see {@code FaultEvent}.
 */
public final class OpFunctions {
    public static final String SEND = "send";
    public static final String READ = "read";
    public static final String READ_INCOMPLETE = "read-incomplete";
    public static final String ASSIGN = "assign";
    public static final String REVOKE = "revoke";
    public static final String LOST = "lost";
    public static final String POLL = "poll";
    public static final String COMMIT = "commit";
    public static final String CREATE = "create";
    public static final String DELETE = "delete";
    public static final String ALTER = "alter";
    public static final String DESCRIBE = "describe";

    public static final String ERROR_EXISTS = "exists";
    public static final String ERROR_UNKNOWN = "unknown";

    private OpFunctions() {
    }
}
