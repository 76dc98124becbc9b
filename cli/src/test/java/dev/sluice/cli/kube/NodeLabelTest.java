package dev.sluice.cli.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NodeLabelTest {
    private static final String NODE = """
            {"kind":"Node","apiVersion":"v1","metadata":{"name":"worker-1",
             "labels":{"topology.kubernetes.io/zone":"eu-west-1b","kubernetes.io/hostname":"worker-1"}}}""";

    @Test
    void readsTheLabelWithDotsAndSlashesInItsName() {
        assertThat(NodeLabel.of(NODE, "worker-1", "topology.kubernetes.io/zone")).isEqualTo("eu-west-1b");
    }

    @Test
    void aMissingLabelNamesTheNodeAndTheLabel() {
        assertThatThrownBy(() -> NodeLabel.of(NODE, "worker-1", "topology.kubernetes.io/region"))
                .isInstanceOf(KubeApiException.class)
                .hasMessage("Kubernetes node worker-1 has no label topology.kubernetes.io/region;"
                        + " label the node or choose another label");
    }

    @Test
    void anEmptyLabelCountsAsMissing() {
        String node = "{\"kind\":\"Node\",\"metadata\":{\"labels\":{\"zone\":\"\"}}}";
        assertThatThrownBy(() -> NodeLabel.of(node, "n", "zone")).hasMessageContaining("has no label zone");
    }

    @Test
    void anAnswerThatIsNotANodeIsRefused() {
        assertThatThrownBy(() -> NodeLabel.of("{\"kind\":\"Status\",\"code\":404}", "n", "zone"))
                .isInstanceOf(KubeApiException.class).hasMessageContaining("is not a Node");
        assertThatThrownBy(() -> NodeLabel.of("<html>", "n", "zone"))
                .isInstanceOf(KubeApiException.class).hasMessageContaining("is not JSON");
    }
}
