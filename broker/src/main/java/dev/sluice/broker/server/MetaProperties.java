package dev.sluice.broker.server;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The content of {@code meta.properties}: which node of which cluster owns a data directory, and the directory's own
 * id. Pure: parses and formats text, reads no file. Immutable.
 *
 * <p>Format version 1 lists its keys in a fixed order, {@code directory.id} last, so a file cut short anywhere loses
 * or cuts the directory id and is reported as damaged rather than read with a wrong value. A file without
 * {@code version} was written before version 1 (node and cluster id only); it is read, and the caller writes it
 * again as version 1 with a new directory id.
 */
record MetaProperties(int nodeId, String clusterId, UUID directoryId) {
    static final String FILE_NAME = "meta.properties";
    static final int VERSION = 1;

    private static final Pattern CLUSTER_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** What {@link #parse} found: the content, and whether it is the legacy format without a directory id. */
    record Parsed(MetaProperties properties, boolean legacy) {
    }

    /** The file's content is not a valid {@code meta.properties}; the message says what is wrong with it. */
    static final class DamagedException extends Exception {
        DamagedException(String problem) {
            super(problem);
        }
    }

    /**
     * Parses a file's text. A legacy file (no {@code version}) gets a directory id from {@code newDirectoryId},
     * which the caller then writes.
     */
    static Parsed parse(String text, Supplier<UUID> newDirectoryId) throws DamagedException {
        if (text.isBlank()) {
            throw new DamagedException("it is empty");
        }
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw new DamagedException("it does not parse as properties (" + e.getMessage() + ")");
        }
        String version = properties.getProperty("version");
        List<String> problems = new ArrayList<>();
        int nodeId = parseNodeId(properties.getProperty("node.id"), problems);
        String clusterId = properties.getProperty("cluster.id");
        if (clusterId == null || !CLUSTER_ID.matcher(clusterId).matches()) {
            problems.add(clusterId == null ? "cluster.id is missing" : "cluster.id '" + clusterId + "' is not valid");
        }
        UUID directoryId = null;
        if (version != null) {
            if (!version.equals(Integer.toString(VERSION))) {
                problems.add("version '" + version + "' is not " + VERSION);
            }
            String directory = properties.getProperty("directory.id");
            if (directory == null || !UUID_TEXT.matcher(directory).matches()) {
                problems.add(directory == null ? "directory.id is missing"
                        : "directory.id '" + directory + "' is not a UUID");
            } else {
                directoryId = UUID.fromString(directory);
            }
        }
        if (!problems.isEmpty()) {
            throw new DamagedException(String.join(", ", problems));
        }
        boolean legacy = version == null;
        return new Parsed(new MetaProperties(nodeId, clusterId, legacy ? newDirectoryId.get() : directoryId), legacy);
    }

    private static int parseNodeId(String text, List<String> problems) {
        if (text == null) {
            problems.add("node.id is missing");
            return -1;
        }
        try {
            int nodeId = Integer.parseInt(text);
            if (nodeId >= 0) {
                return nodeId;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add("node.id '" + text + "' is not a node id");
        return -1;
    }

    /** The version 1 text, keys in the fixed order that makes a cut-short file detectable. */
    String format() {
        return "# Sluice node identity, written when the node first used this directory. Do not edit.\n"
                + "version=" + VERSION + "\n"
                + "node.id=" + nodeId + "\n"
                + "cluster.id=" + clusterId + "\n"
                + "directory.id=" + directoryId + "\n";
    }
}
