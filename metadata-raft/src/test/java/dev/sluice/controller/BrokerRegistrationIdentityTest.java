package dev.sluice.controller;

import static dev.sluice.controller.Fixtures.apply;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.metadata.BrokerRegistration;
import dev.sluice.metadata.ImageWriter;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.proto.internal.v1.MetadataRecord;
import dev.sluice.proto.v1.ErrorCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The registration decision of {@link BrokerControl} with process identity (KIP-841's incarnation id): a second
 * process with a live broker's id is refused with {@code DUPLICATE_BROKER_REGISTRATION} instead of fencing it, while
 * retries of the same incarnation and restarts after the old session ended are accepted.
 */
class BrokerRegistrationIdentityTest {
    private static final long SESSION_MS = ControllerConfig.DEFAULT.sessionTimeoutMs();
    private static final long NOW_MS = 1_000_000;

    private final MetadataController controller = new MetadataController(ControllerConfig.DEFAULT,
            new SplittableRandom(3));
    private final Map<Integer, Long> lastHeartbeatMs = new HashMap<>();
    private final Map<Integer, Long> shutdownEpochs = new HashMap<>();
    private final BrokerSessions sessions = new BrokerSessions(lastHeartbeatMs, shutdownEpochs, SESSION_MS);

    private static BrokerRegistrationRequest request(String incarnation, String directory) {
        return new BrokerRegistrationRequest(4, "10.0.0.4", 7092, "", incarnation, directory);
    }

    /** Broker 4 registered by incarnation "a" from directory "dir-a", unfenced, its last heartbeat at NOW_MS. */
    private MetadataImage liveBrokerFour() {
        ControllerResult<BrokerRegistrationReply> first =
                controller.registerBroker(MetadataImage.EMPTY, request("a", "dir-a"), sessions, NOW_MS);
        MetadataImage image = apply(MetadataImage.EMPTY, first.records());
        image = apply(image, controller.brokerHeartbeat(image, 4, 1, LeaderlessReports.NONE, 0).records());
        lastHeartbeatMs.put(4, NOW_MS);
        return image;
    }

    @Test
    void anotherIncarnationIsRefusedWhileTheSessionIsLive() {
        MetadataImage image = liveBrokerFour();
        ControllerResult<BrokerRegistrationReply> second =
                controller.registerBroker(image, request("b", "dir-b"), sessions, NOW_MS + SESSION_MS);
        assertThat(second.records()).as("the live broker is not fenced").isEmpty();
        assertThat(second.response().error()).isEqualTo(ErrorCode.DUPLICATE_BROKER_REGISTRATION);
        assertThat(second.response().errorMessage()).contains("broker 4").contains("incarnation a")
                .contains("dir-a").contains("refusing incarnation b").contains("node id 4");
    }

    @Test
    void theSameIncarnationMayRegisterAgain() {
        MetadataImage image = liveBrokerFour();
        ControllerResult<BrokerRegistrationReply> retry =
                controller.registerBroker(image, request("a", "dir-a"), sessions, NOW_MS + 1);
        assertThat(retry.response().error()).isEqualTo(ErrorCode.NONE);
        assertThat(retry.response().brokerEpoch()).isEqualTo(2);
    }

    @Test
    void aNewIncarnationIsAcceptedOnceTheOldSessionExpired() {
        MetadataImage image = liveBrokerFour();
        ControllerResult<BrokerRegistrationReply> restart =
                controller.registerBroker(image, request("b", "dir-a"), sessions, NOW_MS + SESSION_MS + 1);
        assertThat(restart.response().error()).isEqualTo(ErrorCode.NONE);
        BrokerRegistration registered = apply(image, restart.records()).cluster().broker(4);
        assertThat(registered.epoch()).isEqualTo(2);
        assertThat(registered.incarnationId()).isEqualTo("b");
        assertThat(registered.directoryId()).isEqualTo("dir-a");
    }

    @Test
    void aNewIncarnationIsAcceptedAtOnceAfterACleanShutdownOfTheRegisteredEpoch() {
        MetadataImage image = liveBrokerFour();
        shutdownEpochs.put(4, 0L);
        assertThat(controller.registerBroker(image, request("b", "dir-b"), sessions, NOW_MS + 1).response().error())
                .as("a shutdown of an older registration says nothing about this one")
                .isEqualTo(ErrorCode.DUPLICATE_BROKER_REGISTRATION);
        image = apply(image, controller.controlledShutdown(image, 4, 1).records());
        shutdownEpochs.put(4, 1L);
        assertThat(controller.registerBroker(image, request("b", "dir-b"), sessions, NOW_MS + 1).response().error())
                .isEqualTo(ErrorCode.NONE);
    }

    @Test
    void aBrokerWithoutASessionIsReplaced() {
        MetadataImage image = liveBrokerFour();
        lastHeartbeatMs.clear();
        assertThat(controller.registerBroker(image, request("b", "dir-b"), sessions, NOW_MS).response().error())
                .isEqualTo(ErrorCode.NONE);
    }

    @Test
    void aRegistrationWithoutAnIncarnationIsInvalid() {
        assertThat(controller.registerBroker(MetadataImage.EMPTY, request("", "dir-a"), sessions, NOW_MS).response()
                .error()).isEqualTo(ErrorCode.INVALID_REQUEST);
    }

    @Test
    void theIdentityIsKeptInSnapshots() {
        MetadataImage image = liveBrokerFour();
        List<MetadataRecord> snapshot = new ArrayList<>();
        ImageWriter writer = snapshot::add;
        image.cluster().write(writer);
        BrokerRegistration restored = apply(MetadataImage.EMPTY, snapshot).cluster().broker(4);
        assertThat(restored).isEqualTo(image.cluster().broker(4));
        assertThat(restored.incarnationId()).isEqualTo("a");
        assertThat(restored.directoryId()).isEqualTo("dir-a");
    }
}
