package dev.sluice.chaos.checker;

/**
 * A partition of a topic, as the workloads name it: {@code "<topic>-<partition>"}. Topic names may themselves contain
 * {@code '-'}, so the partition number is what follows the last one.
 */
public record TopicPartition(String topic, int partition) {

    public static TopicPartition parse(String name) {
        int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1) {
            throw new IllegalArgumentException("not a \"topic-partition\" name: " + name);
        }
        return new TopicPartition(name.substring(0, dash), Integer.parseInt(name.substring(dash + 1)));
    }

    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
