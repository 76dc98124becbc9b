package dev.sluice.cli.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * Reads one label of a Kubernetes Node from the API server's JSON answer to {@code GET /api/v1/nodes/NAME}. Pure:
 * no I/O, so every refusal is testable.
 */
public final class NodeLabel {
    private static final ObjectMapper JSON = new ObjectMapper();

    private NodeLabel() {
    }

    /**
     * The label's value.
     *
     * @throws KubeApiException when the body is not a Node or the node lacks the label (the message names both)
     */
    public static String of(String nodeJson, String nodeName, String label) {
        JsonNode node;
        try {
            node = JSON.readTree(nodeJson);
        } catch (IOException e) {
            throw new KubeApiException("the API server's answer for node " + nodeName + " is not JSON");
        }
        if (node == null || !"Node".equals(node.path("kind").asText())) {
            throw new KubeApiException("the API server's answer for node " + nodeName + " is not a Node");
        }
        JsonNode value = node.path("metadata").path("labels").path(label);
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw new KubeApiException("Kubernetes node " + nodeName + " has no label " + label
                    + "; label the node or choose another label");
        }
        return value.asText();
    }
}
