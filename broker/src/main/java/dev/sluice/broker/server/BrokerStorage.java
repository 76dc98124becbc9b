package dev.sluice.broker.server;

import dev.sluice.broker.log.LogStore;
import dev.sluice.broker.log.LogSyncer;
import dev.sluice.broker.log.StoreIntegrity;
import dev.sluice.broker.log.WriteSink;
import dev.sluice.fault.FaultHandler;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/**
 * The broker's partition store under {@code <data dir>/log} (one RocksDB instance) and the syncer that fsyncs it for
 * the topics whose flush policy asks for it, with their meters.
 *
 * <p>Order: the store opens (checking its SST checksums as {@code log.verify.on.open} says), then the syncer starts;
 * the syncer stops first, answering what is queued, then the store closes. The node opens this before anything
 * that writes to the store exists (the scheduler, the replicas, the RPC servers) and closes it after they all
 * stopped.
 */
final class BrokerStorage implements AutoCloseable {
    private final ResourceStack resources;
    private final LogStore logStore;
    private final LogSyncer logSyncer;

    private BrokerStorage(ResourceStack resources, LogStore logStore, LogSyncer logSyncer) {
        this.resources = resources;
        this.logStore = logStore;
        this.logSyncer = logSyncer;
    }

    /** Opens the store and starts the syncer; on failure closes what it opened. */
    static BrokerStorage open(NodeConfig config, FaultHandler faultHandler, MeterRegistry registry) {
        ResourceStack resources = new ResourceStack(config.nodeId());
        try {
            LogStore logStore = resources.push(LogStore.open(config.dataDir().resolve("log"), faultHandler,
                    WriteSink.ROCKSDB, StoreIntegrity.VerifyOnOpen.valueOf(
                            config.logVerifyOnOpen().toUpperCase(Locale.ROOT).replace('-', '_'))));
            RocksDbMeters.bind(registry, logStore);
            LogSyncer logSyncer = new LogSyncer(logStore, "sluice-log-syncer-" + config.nodeId(), System::nanoTime,
                    RocksDbMeters.fsyncTimer(registry));
            logSyncer.start();
            resources.push(logSyncer);
            RocksDbMeters.bindSyncer(registry, logSyncer);
            return new BrokerStorage(resources, logStore, logSyncer);
        } catch (RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    LogStore logStore() {
        return logStore;
    }

    LogSyncer logSyncer() {
        return logSyncer;
    }

    /** Stops the syncer, then closes the store. */
    @Override
    public void close() {
        resources.close();
    }
}
