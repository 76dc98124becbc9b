package dev.sluice.broker.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bind.host}: the ports listen there while {@code host} stays the name advertised to clients and the other
 * nodes (a Kubernetes pod binds {@code 0.0.0.0} and advertises its stable DNS name). Without it a node binds
 * {@code host}, as before the key existed.
 */
class BindHostConfigTest {
    private static final String POD_NAME = "sluice-controller-0.sluice-controller-headless.prod.svc.cluster.local";

    @TempDir
    Path dataDir;

    private static Properties properties(String... keyValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return properties;
    }

    @Test
    void withoutBindHostTheNodeBindsItsHost() {
        assertThat(NodeConfig.DEFAULTS).containsEntry(NodeConfig.BIND_HOST, "");
        NodeConfig defaults = NodeConfig.parse(new Properties());
        assertThat(defaults.host()).isEqualTo("localhost");
        assertThat(defaults.bindHost()).isEqualTo("localhost");
        NodeConfig named = NodeConfig.parse(properties(NodeConfig.HOST, "10.0.0.7"));
        assertThat(named.bindHost()).isEqualTo("10.0.0.7");
    }

    @Test
    void aPodBindsEveryInterfaceAndAdvertisesItsDnsName() {
        NodeConfig config = NodeConfig.parse(properties(NodeConfig.NODE_ID, "0", NodeConfig.HOST, POD_NAME,
                NodeConfig.BIND_HOST, "0.0.0.0", NodeConfig.CLUSTER_ID, "c1",
                NodeConfig.CONTROLLER_QUORUM, "0@" + POD_NAME + ":7093,1@other-1:7093,2@other-2:7093"));
        assertThat(config.bindHost()).isEqualTo("0.0.0.0");
        assertThat(config.host()).isEqualTo(POD_NAME);
        assertThat(config.controllerQuorum().get(0).getHostString()).isEqualTo(POD_NAME);
        assertThat(config.withAdoptDataDir(true).bindHost()).isEqualTo("0.0.0.0");
        assertThat(config.cannotListen(NodeConfig.HTTP_PORT, 7094))
                .hasMessage("cannot listen on 0.0.0.0:7094 (http.port): the address is in use or not available here");
    }

    @Test
    void aBindAddressThatCannotBeReachedAtTheAdvertisedHostIsRefused() {
        assertThatThrownBy(() -> NodeConfig.parse(properties(NodeConfig.HOST, "10.0.0.7",
                NodeConfig.BIND_HOST, "127.0.0.1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bind.host 127.0.0.1 cannot be reached at host 10.0.0.7, the address advertised to clients "
                        + "and the other nodes; bind to 10.0.0.7, to 0.0.0.0 (every interface), or advertise an "
                        + "address of 127.0.0.1");
        assertThatThrownBy(() -> NodeConfig.parse(properties(NodeConfig.HOST, "localhost",
                NodeConfig.BIND_HOST, "10.0.0.7")))
                .hasMessageStartingWith("bind.host 10.0.0.7 cannot be reached at host localhost");
    }

    @Test
    void aNodeBoundToEveryInterfaceAnswersOffItsAdvertisedAddressAndAdvertisesItsHost() throws IOException {
        // 127.0.0.2 is a loopback address this node does not advertise: only a wildcard bind answers there.
        try (Node node = startNode("0.0.0.0")) {
            assertThat(node.bootstrapServers()).isEqualTo("127.0.0.1:" + node.brokerPort());
            assertThat(accepts("127.0.0.2", node.httpPort())).isTrue();
            assertThat(accepts("127.0.0.2", node.brokerPort())).isTrue();
            assertThat(accepts("127.0.0.1", node.controllerPort())).isTrue();
            assertThat(node.awaitReady(Duration.ofSeconds(30))).isTrue();
        }
    }

    @Test
    void aNodeWithoutBindHostListensOnlyOnItsHost() throws IOException {
        try (Node node = startNode(null)) {
            assertThat(accepts("127.0.0.1", node.httpPort())).isTrue();
            assertThat(accepts("127.0.0.2", node.httpPort())).isFalse();
            assertThat(accepts("127.0.0.2", node.brokerPort())).isFalse();
        }
    }

    private Node startNode(String bindHost) throws IOException {
        Properties properties = properties(NodeConfig.HOST, "127.0.0.1", NodeConfig.DATA_DIR, dataDir.toString(),
                NodeConfig.BROKER_PORT, "0", NodeConfig.CONTROLLER_PORT, "0", NodeConfig.HTTP_PORT, "0");
        if (bindHost != null) {
            properties.setProperty(NodeConfig.BIND_HOST, bindHost);
        }
        return Node.start(NodeConfig.parse(properties));
    }

    private static boolean accepts(String address, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2000);
            return true;
        } catch (ConnectException e) {
            return false;
        }
    }
}
