package dev.sluice.broker.metrics;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work run just before each {@code /metrics} scrape: meters whose set of series depends on the cluster (consumer
 * group lag per partition, follower lag per partition) are recomputed here rather than on every change, so the cost
 * is paid once per scrape and only by nodes that are scraped. Tasks are added by the roles while the node starts and
 * run on the scraping HTTP thread, one after the other; two scrapes at once refresh one after the other.
 */
public final class MeterRefresh {
    private static final Logger log = LoggerFactory.getLogger(MeterRefresh.class);

    private final List<Runnable> tasks = new CopyOnWriteArrayList<>();

    public void add(Runnable task) {
        tasks.add(task);
    }

    /**
     * Runs every task. A failing task leaves its meters at their previous values: a scrape should still show
     * everything else, so the failure is logged rather than answered with an error.
     */
    synchronized void run() {
        for (Runnable task : tasks) {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("Refreshing meters before a scrape failed; serving the previous values", e);
            }
        }
    }
}
