package dev.sluice.broker.server;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Checks that a controller's own entry in {@code controller.quorum.voters} is where it listens: the other voters
 * reach it only there, so an entry that names another port or another address means either a typo or a second
 * process started with this voter's id (which would then take the voter's place in elections). Pure: no name is
 * resolved.
 *
 * <p>The port must equal {@code controller.port}. The host is compared only where a mismatch is certain without a
 * name lookup: two different IP literals, or a loopback name or literal against a non-loopback literal. A host
 * name may resolve to any address and {@code host=0.0.0.0} (or {@code ::}) listens on all of them, so neither is
 * judged. "localhost" counts as loopback.
 */
final class VoterAddressCheck {
    private VoterAddressCheck() {
    }

    /** @throws IllegalArgumentException naming the entry and the setting it contradicts */
    static void checkOwnEntry(int nodeId, InetSocketAddress entry, String host, int controllerPort) {
        String where = "node " + nodeId + "'s own entry " + nodeId + "@" + entry.getHostString() + ":"
                + entry.getPort() + " in " + NodeConfig.CONTROLLER_QUORUM;
        if (entry.getPort() != controllerPort) {
            throw new IllegalArgumentException(where + " has port " + entry.getPort() + " but this node listens on "
                    + NodeConfig.CONTROLLER_PORT + " " + controllerPort + "; the other voters would reach another "
                    + "process there (or none). Fix the port, or check that this node has the right --node-id");
        }
        if (hostsCertainlyDiffer(host, entry.getHostString())) {
            throw new IllegalArgumentException(where + " has host " + entry.getHostString() + " but this node listens "
                    + "on " + NodeConfig.HOST + " " + host + "; the other voters would reach another process there (or "
                    + "none). Fix the host, or check that this node has the right --node-id");
        }
    }

    /** Whether {@code listenHost} certainly cannot be reached at {@code voterHost}, judged without any lookup. */
    static boolean hostsCertainlyDiffer(String listenHost, String voterHost) {
        InetAddress listen = literal(listenHost);
        InetAddress voter = literal(voterHost);
        if (listenHost.equalsIgnoreCase(voterHost) || listen != null && listen.isAnyLocalAddress()) {
            return false;
        }
        if (listen != null && voter != null) {
            return !listen.equals(voter);
        }
        return isLoopbackName(listenHost) && voter != null && !voter.isLoopbackAddress()
                || isLoopbackName(voterHost) && listen != null && !listen.isLoopbackAddress();
    }

    /** The address an IP literal denotes (parsed, never looked up), or null for a host name. */
    private static InetAddress literal(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return InetAddresses.isInetAddress(bare) ? InetAddresses.forString(bare) : null;
    }

    private static boolean isLoopbackName(String host) {
        return host.equalsIgnoreCase("localhost");
    }
}
