package dev.sluice.controller;

import dev.sluice.metadata.MetadataDelta;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.proto.internal.v1.MetadataRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * Records being decided for one request, together with the image they lead to, so that a later decision in the same
 * request (fencing a second broker, electing a leader after a registration) sees the earlier ones. Mutable; lives
 * for one call on the controller's thread.
 */
final class WorkingImage {
    private final List<MetadataRecord> records = new ArrayList<>();
    private MetadataImage image;

    WorkingImage(MetadataImage image) {
        this.image = image;
    }

    MetadataImage image() {
        return image;
    }

    List<MetadataRecord> records() {
        return records;
    }

    void append(List<MetadataRecord> more) {
        if (more.isEmpty()) {
            return;
        }
        MetadataDelta delta = new MetadataDelta(image);
        delta.replayAll(more);
        image = delta.apply(image.offset());
        records.addAll(more);
    }

    void append(MetadataRecord record) {
        append(List.of(record));
    }
}
