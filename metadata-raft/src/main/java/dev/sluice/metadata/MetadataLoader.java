package dev.sluice.metadata;

import dev.sluice.proto.internal.v1.MetadataRecord;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds committed metadata log entries into images and hands each (delta, image) to the registered publishers.
 *
 * <p>Thread: one thread (the Raft driver's, which learns the commits) calls {@link #handleCommit},
 * {@link #handleSnapshot} and {@link #register}. Any thread may read {@link #image()}: a {@code volatile} reference
 * to an immutable image, so no locks.
 *
 * <p>Invariants: offsets strictly increase; every payload parses and every record applies. A violation means the log
 * or this node is broken and throws {@link IllegalStateException} for the fault handler, leaving the image as it
 * was.
 */
public final class MetadataLoader {
    private static final Logger log = LoggerFactory.getLogger(MetadataLoader.class);

    private final List<MetadataPublisher> publishers = new CopyOnWriteArrayList<>();
    private volatile MetadataImage image = MetadataImage.EMPTY;

    /** The image as of the last committed entry applied. */
    public MetadataImage image() {
        return image;
    }

    /**
     * Adds a publisher. When the image is not empty the publisher first gets a catch-up update: a delta from
     * {@link MetadataImage#EMPTY} that creates everything in the current image.
     */
    public void register(MetadataPublisher publisher) {
        MetadataImage current = image;
        if (!current.isEmpty()) {
            MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
            delta.replayAll(current.toRecords());
            publisher.onMetadataUpdate(delta, current);
        }
        publishers.add(publisher);
    }

    public void unregister(MetadataPublisher publisher) {
        publishers.remove(publisher);
    }

    /** Applies one committed entry: {@code payload} is a serialized {@code MetadataRecordBatch}, applied whole. */
    public void handleCommit(long offset, byte[] payload) {
        MetadataImage current = image;
        if (offset <= current.offset()) {
            throw new IllegalStateException("commit at offset " + offset + " is not after " + current.offset());
        }
        List<MetadataRecord> records = MetadataRecords.parse(payload);
        MetadataDelta delta = new MetadataDelta(current);
        try {
            delta.replayAll(records);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("metadata entry at offset " + offset + " does not apply: "
                    + e.getMessage(), e);
        }
        publish(delta, delta.apply(offset));
    }

    /**
     * Replaces an empty image with a snapshot's: {@code records} rebuild the image as of {@code offset}. Loading a
     * snapshot over a non-empty image is not supported yet (publishers would need the difference).
     */
    public void handleSnapshot(long offset, List<MetadataRecord> records) {
        if (!image.isEmpty()) {
            throw new IllegalStateException("snapshot at " + offset + " over a non-empty image at " + image.offset());
        }
        if (offset < image.offset()) {
            throw new IllegalStateException("snapshot at " + offset + " is before the image at " + image.offset());
        }
        MetadataDelta delta = new MetadataDelta(image);
        delta.replayAll(records);
        log.info("Loaded metadata snapshot at offset {} ({} records)", offset, records.size());
        publish(delta, delta.apply(offset));
    }

    private void publish(MetadataDelta delta, MetadataImage newImage) {
        image = newImage;
        for (MetadataPublisher publisher : publishers) {
            publisher.onMetadataUpdate(delta, newImage);
        }
    }
}
