package dev.sluice.broker.partition;

import dev.sluice.proto.internal.v1.FetchResponseView;
import dev.sluice.proto.v1.FetchRequest;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;

/**
 * The fetch data path with long-poll. Reads stored batches below each partition's high watermark (see
 * {@link FetchReader} for the byte limits) and answers at once when the read holds at least
 * {@code min_bytes}, when some partition failed ({@code UNKNOWN_TOPIC_OR_PARTITION}, {@code NOT_LEADER},
 * {@code OFFSET_OUT_OF_RANGE}, ...), or when {@code max_wait_ms} or {@code min_bytes} is zero or less.
 * Otherwise it waits, as a {@link DelayedFetch}, until a high-watermark advance brings enough data or
 * {@code max_wait_ms} elapses, and then answers with a fresh read.
 *
 * <p>Threads: stateless apart from its collaborators; called concurrently from request threads. The injected
 * scheduler runs timeouts and re-reads, so its threads must be allowed to do RocksDB reads.
 */
public final class FetchHandler {

    private final FetchReader reader;
    private final ScheduledExecutorService scheduler;

    public FetchHandler(PartitionResolver resolver, ScheduledExecutorService scheduler) {
        this(resolver, scheduler, () -> true);
    }

    /**
     * @param inContactWithController whether this broker's controller lease is valid; without it an offset beyond
     *     the log end is answered {@code NOT_LEADER} rather than {@code OFFSET_OUT_OF_RANGE} (see {@link FetchReader})
     */
    public FetchHandler(PartitionResolver resolver, ScheduledExecutorService scheduler,
                        BooleanSupplier inContactWithController) {
        this.reader = new FetchReader(Objects.requireNonNull(resolver), inContactWithController);
        this.scheduler = Objects.requireNonNull(scheduler);
    }

    public CompletableFuture<FetchResponseView> handle(FetchRequest request) {
        FetchReader.Snapshot first = reader.read(request);
        boolean answerNow = request.getMaxWaitMs() <= 0
                || first.sizeBytes() >= request.getMinBytes()
                || first.hasError()
                || first.logs().isEmpty();
        if (answerNow) {
            return CompletableFuture.completedFuture(first.response());
        }
        return DelayedFetch.start(() -> reader.read(request), request.getMinBytes(), first.logs(),
                request.getMaxWaitMs(), scheduler);
    }
}
