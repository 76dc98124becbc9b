package dev.sluice.client.internal;

import dev.sluice.client.TimeoutException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Bounds the memory of unsent records ({@code buffer.memory}) and recycles batch-sized arrays so a
 * steady producer allocates no new batch buffers. {@link #allocate} blocks while memory is exhausted.
 * Thread-safe. Sizes in bytes.
 */
public final class BufferPool {
    private final long totalBytes;
    private final int poolableBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    private final Deque<byte[]> free = new ArrayDeque<>();
    /** Memory neither handed out nor held in {@link #free}. */
    private long unallocatedBytes;

    public BufferPool(long totalBytes, int poolableBytes) {
        this.totalBytes = totalBytes;
        this.poolableBytes = poolableBytes;
        this.unallocatedBytes = totalBytes;
    }

    /**
     * A buffer of exactly {@code sizeBytes}, waiting up to {@code maxBlockMs} for memory.
     *
     * @throws IllegalArgumentException when the size exceeds the whole pool
     * @throws TimeoutException when memory did not free up in time
     */
    public byte[] allocate(int sizeBytes, long maxBlockMs) throws InterruptedException {
        if (sizeBytes > totalBytes) {
            throw new IllegalArgumentException("a record of " + sizeBytes + " bytes exceeds buffer.memory ("
                    + totalBytes + ")");
        }
        lock.lock();
        try {
            long remainingNanos = TimeUnit.MILLISECONDS.toNanos(maxBlockMs);
            while (true) {
                if (sizeBytes == poolableBytes && !free.isEmpty()) {
                    return free.pollFirst();
                }
                while (unallocatedBytes < sizeBytes && !free.isEmpty()) {
                    unallocatedBytes += free.pollLast().length;
                }
                if (unallocatedBytes >= sizeBytes) {
                    unallocatedBytes -= sizeBytes;
                    break;
                }
                if (remainingNanos <= 0) {
                    throw new TimeoutException("no buffer memory for " + sizeBytes + " bytes within " + maxBlockMs
                            + " ms (buffer.memory=" + totalBytes + ")");
                }
                remainingNanos = freed.awaitNanos(remainingNanos);
            }
        } finally {
            lock.unlock();
        }
        return new byte[sizeBytes];
    }

    /** Returns a buffer obtained from {@link #allocate}. */
    public void deallocate(byte[] buffer) {
        lock.lock();
        try {
            if (buffer.length == poolableBytes) {
                free.addFirst(buffer);
            } else {
                unallocatedBytes += buffer.length;
            }
            freed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Bytes that could be allocated right now without waiting. */
    public long availableBytes() {
        lock.lock();
        try {
            return unallocatedBytes + (long) free.size() * poolableBytes;
        } finally {
            lock.unlock();
        }
    }
}
