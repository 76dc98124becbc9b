package dev.sluice.client.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A few byte arrays that received Fetch responses are read into and that are used again once every record of the
 * response has been handed out. A new Java array is zeroed before it is filled, and a fetch response is one large
 * array (megabytes, a G1 humongous allocation): that zeroing was about a third of the consumer tool's CPU outside
 * the JIT compilers (async-profiler, docs/performance.md). An array comes back only through {@link Lease#release()}
 * when no slice of it is referenced any more; a response that is dropped half-read is simply left to the GC.
 * Thread-safe: responses are read on gRPC threads and released on the consumer's polling thread.
 */
public final class FetchBuffers {
    /** Arrays kept for reuse; the fetcher has at most a few responses buffered per broker. */
    static final int MAX_POOLED = 4;
    /** Sizes are rounded up to this, so that responses of similar sizes fit each other's arrays. */
    static final int GRAIN = 64 * 1024;

    private final List<byte[]> free = new ArrayList<>(MAX_POOLED);

    /** An array of at least {@code size} bytes: a free one if one is large enough, else a new one. */
    public synchronized byte[] take(int size) {
        for (Iterator<byte[]> it = free.iterator(); it.hasNext(); ) {
            byte[] array = it.next();
            if (array.length >= size) {
                it.remove();
                return array;
            }
        }
        if (!free.isEmpty()) {
            free.remove(0);  // the smallest is too small for today's responses: let the GC have it
        }
        long rounded = ((long) size + GRAIN - 1) / GRAIN * GRAIN;
        return new byte[(int) Math.min(rounded, Integer.MAX_VALUE - 8)];
    }

    /** Keeps {@code array} for a later {@link #take}; nothing may read or write it afterwards. */
    synchronized void give(byte[] array) {
        if (free.size() >= MAX_POOLED) {
            return;
        }
        // Smallest first, so that take() finds the tightest fit and drops the smallest when none fits.
        int index = 0;
        while (index < free.size() && free.get(index).length < array.length) {
            index++;
        }
        free.add(index, array);
    }

    synchronized int pooled() {
        return free.size();
    }

    /** A new lease of {@code array}, held once by the caller. */
    Lease lease(byte[] array) {
        return new Lease(this, array);
    }

    /**
     * One response's array, counted by its holders: the fetcher while it handles the response, and each buffered
     * {@link FetchedRecords} until it is exhausted. The array returns to the pool when the count reaches zero.
     */
    public static final class Lease {
        private final FetchBuffers pool;
        private byte[] array;
        private int holders = 1;

        private Lease(FetchBuffers pool, byte[] array) {
            this.pool = pool;
            this.array = array;
        }

        /** A lease whose array is never reused (a response read some other way). */
        static Lease unpooled() {
            return new Lease(null, null);
        }

        synchronized void retain() {
            if (holders <= 0) {
                throw new IllegalStateException("lease already released");
            }
            holders++;
        }

        void release() {
            byte[] done;
            synchronized (this) {
                if (holders <= 0) {
                    throw new IllegalStateException("lease released twice");
                }
                if (--holders > 0 || array == null) {
                    return;
                }
                done = array;
                array = null;
            }
            pool.give(done);
        }
    }
}
