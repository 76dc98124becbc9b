package dev.sluice.broker.partition;

import dev.sluice.proto.internal.v1.FetchResponseView;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.FetchPartition;
import dev.sluice.proto.v1.FetchRequest;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;

/**
 * The fetch data path with long-poll. Reads stored batches below each partition's high watermark (see
 * {@link FetchReader} for the byte limits) and answers at once when the read holds at least
 * {@code min_bytes}, when some partition failed ({@code UNKNOWN_TOPIC_OR_PARTITION}, {@code NOT_LEADER},
 * {@code OFFSET_OUT_OF_RANGE}, ...), or when {@code max_wait_ms} or {@code min_bytes} is zero. Otherwise it
 * waits, as a {@link DelayedFetch}, until a high-watermark advance brings enough data or {@code max_wait_ms}
 * elapses, and then answers with a fresh read.
 *
 * <p>A negative {@code max_wait_ms}, {@code min_bytes} or {@code max_bytes} fails every partition with
 * {@code INVALID_REQUEST} before anything is read (zero stays "unset" for the byte limits, as proto3 cannot tell
 * the two apart).
 *
 * <p>Threads: stateless apart from its collaborators; called concurrently from request threads. The injected
 * scheduler runs the waits' timeouts and the injected re-read executor the re-reads that appends trigger; both read
 * RocksDB, so their threads must be allowed to block on it.
 */
public final class FetchHandler {

    private final FetchReader reader;
    private final ScheduledExecutorService scheduler;
    private final Executor rereads;

    /** A handler whose scheduler also runs the re-reads, always in contact with the controller. */
    public FetchHandler(PartitionResolver resolver, ScheduledExecutorService scheduler) {
        this(resolver, scheduler, scheduler, () -> true);
    }

    /**
     * @param rereads runs a waiting fetch's re-read when an append wakes it: a pool that hands the task to an idle
     *     thread at once (a {@code ScheduledThreadPoolExecutor}'s threads also wake each other for its queue)
     * @param inContactWithController whether this broker's controller lease is valid; without it an offset beyond
     *     the log end is answered {@code NOT_LEADER} rather than {@code OFFSET_OUT_OF_RANGE} (see {@link FetchReader})
     */
    public FetchHandler(PartitionResolver resolver, ScheduledExecutorService scheduler, Executor rereads,
                        BooleanSupplier inContactWithController) {
        this.reader = new FetchReader(Objects.requireNonNull(resolver), inContactWithController);
        this.scheduler = Objects.requireNonNull(scheduler);
        this.rereads = Objects.requireNonNull(rereads);
    }

    public CompletableFuture<FetchResponseView> handle(FetchRequest request) {
        String invalid = invalidLimit(request);
        if (invalid != null) {
            return CompletableFuture.completedFuture(refuseAll(request, invalid));
        }
        FetchReader.Snapshot first = reader.read(request);
        boolean answerNow = request.getMaxWaitMs() <= 0
                || first.sizeBytes() >= request.getMinBytes()
                || first.hasError()
                || first.logs().isEmpty();
        if (answerNow) {
            return CompletableFuture.completedFuture(first.response());
        }
        return DelayedFetch.start(() -> reader.read(request), request.getMinBytes(), first.logs(),
                request.getMaxWaitMs(), scheduler, rereads, () -> reader.hasCommittedData(request),
                () -> reader.readsStore(request));
    }

    /**
     * Whether {@link #handle} would now read stored batches for {@code request} (RocksDB I/O), rather than answer from
     * memory: the newest batches, offsets only, an error, or the start of a wait. A caller on a transport thread
     * hands only such fetches to a thread that may block. A high watermark that advances right after this check makes
     * {@code handle} read the batches just committed, which are among the newest or still in the memtable.
     */
    public boolean readsStore(FetchRequest request) {
        return invalidLimit(request) == null && reader.readsStore(request);
    }

    /** What is wrong with the request's own limits, or null. */
    private static String invalidLimit(FetchRequest request) {
        if (request.getMaxWaitMs() < 0) {
            return "max_wait_ms must be >= 0, was " + request.getMaxWaitMs();
        }
        if (request.getMinBytes() < 0) {
            return "min_bytes must be >= 0, was " + request.getMinBytes();
        }
        if (request.getMaxBytes() < 0) {
            return "max_bytes must be >= 0 (0: the default " + FetchReader.DEFAULT_MAX_BYTES + "), was "
                    + request.getMaxBytes();
        }
        return null;
    }

    private static FetchResponseView refuseAll(FetchRequest request, String message) {
        FetchResponseView.Builder response = FetchResponseView.newBuilder();
        for (FetchPartition partition : request.getPartitionsList()) {
            response.addResults(FetchReader.failed(partition, ErrorCode.INVALID_REQUEST, message));
        }
        return response.build();
    }
}
