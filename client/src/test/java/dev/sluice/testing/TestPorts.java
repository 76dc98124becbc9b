package dev.sluice.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Listening ports for test nodes. Two rules the usual {@code new ServerSocket(0)} breaks, both seen as red runs:
 * <ul>
 *   <li>a port is handed out once per JVM: two calls could get the same free port back (a node then failed to bind
 *       another node's controller port, and the voters' addresses collided);</li>
 *   <li>ports come from below Linux's ephemeral range (32768-60999), so that while a test node is down (killed, to
 *       be restarted) no outgoing connection of another process can take its port as a local port.</li>
 * </ul>
 * Thread-safe.
 */
public final class TestPorts {

    private static final int LOWEST = 20_000;
    private static final int HIGHEST_EXCLUSIVE = 32_000;
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private TestPorts() {
    }

    /** A port nobody listens on now and that this JVM has not handed out before. */
    public static synchronized int freePort() throws IOException {
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, HIGHEST_EXCLUSIVE);
            if (HANDED_OUT.contains(port)) {
                continue;
            }
            try (ServerSocket probe = new ServerSocket()) {
                probe.bind(new InetSocketAddress(port));
            } catch (IOException inUse) {
                continue;
            }
            HANDED_OUT.add(port);
            return port;
        }
        throw new IOException("no free port in " + LOWEST + ".." + HIGHEST_EXCLUSIVE + " after 1000 attempts");
    }
}
